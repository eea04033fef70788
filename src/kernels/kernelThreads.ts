// The worker threads behind the wasm GEMM: each runs its own instance of the kernel module over the
// calling thread's shared memory and computes one block of a product while the caller computes
// another. Hand-off is through an Int32Array over a SharedArrayBuffer, with Atomics, so a kernel
// call stays synchronous: no promises, no messages after start-up.
//
// Where workers come from: Node's `worker_threads` (reached through `globalThis.process?.getBuiltinModule`, so
// the core imports nothing Node-only), or a Web Worker from a Blob URL in a cross-origin-isolated
// page. Anything else (a page that is not isolated, no SharedArrayBuffer, a policy refusing blob
// workers, a worker that fails to start) leaves the kernels on the calling thread.
//
// Workers start asynchronously: until one reports ready the caller simply computes everything
// itself (browsers do not start a worker while the page's thread is busy). Results never depend on
// it: a block is computed with the same bits on any thread (see matmul.ts in ./assembly).

// The control array (Int32, shared by the caller and every worker): the job's sequence number,
// its claim word ((seq mod 2²³) << 8 | next block), the count of finished blocks, the count of
// ready workers, then the job's arguments.
const SEQ = 0, CLAIM = 1, FINISHED = 2, READY = 3, ARGS = 4;
/** Job arguments: layout, a, b, c, m, k, n, byCols, step, blocks, dim, helpers. */
const N_ARGS = 12;
/** Upper bound on threads (the caller plus workers). */
export const MAX_THREADS = 8;
/** Upper bound on blocks per product (the claim word keeps 8 bits for the block index). */
export const MAX_BLOCKS = 255;

// The worker's whole program. Plain ES2017, valid as a Node `eval` worker and as a classic Web
// Worker. Every thread takes blocks of the current product from the claim word until none are
// left, so a worker the OS has not scheduled yet costs the caller nothing: it does those blocks
// itself. A worker spins a little before sleeping, since a training step issues products in bursts.
//
// NOTE: the block geometry (lo = i·step, hi = min(dim, lo + step)) is repeated in takeBlocks below.
const WORKER_SOURCE = `(function () {
  function work(ex, ctl, s, slot, scratch) {
    var a = ${ARGS};
    var layout = ctl[a], pa = ctl[a + 1], pb = ctl[a + 2], pc = ctl[a + 3], m = ctl[a + 4], k = ctl[a + 5];
    var n = ctl[a + 6], byCols = ctl[a + 7], step = ctl[a + 8], blocks = ctl[a + 9], dim = ctl[a + 10];
    if (slot >= ctl[a + 11]) return;
    var tag = (s & 0x7fffff) << 8;
    for (;;) {
      var w = Atomics.load(ctl, ${CLAIM});
      if ((w & ~255) !== tag || (w & 255) >= blocks) return;
      if (Atomics.compareExchange(ctl, ${CLAIM}, w, w + 1) !== w) continue;
      var lo = (w & 255) * step, hi = Math.min(dim, lo + step);
      if (byCols) ex.matmul(layout, pa, pb, pc, m, k, n, scratch, 0, m, lo, hi);
      else ex.matmul(layout, pa, pb, pc, m, k, n, scratch, lo, hi, 0, n);
      Atomics.add(ctl, ${FINISHED}, 1);
      Atomics.notify(ctl, ${FINISHED});
    }
  }
  function start(d) {
    var ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
    var ctl = new Int32Array(d.control);
    Atomics.add(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    var seen = 0;
    for (;;) {
      for (var spin = 0; spin < SPIN && Atomics.load(ctl, ${SEQ}) === seen; spin++) {}
      Atomics.wait(ctl, ${SEQ}, seen);
      seen = Atomics.load(ctl, ${SEQ});
      work(ex, ctl, seen, d.slot, d.scratch);
    }
  }
  var SPIN = 200000;
  if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
  else self.onmessage = function (e) { start(e.data); };
})();
`;

/** What a worker needs to start: the compiled kernel module and the memory it shares. */
export interface KernelModule {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** The scratch area of thread `t` (0 is the caller): see wasmWorkspace. */
  scratch(t: number): number;
}

interface NodeWorker { postMessage(m: unknown): void; unref(): void; on(e: 'error', f: () => void): void }
interface NodeWorkerThreads { Worker: new (src: string, o: { eval: true }) => NodeWorker }
interface NodeProcess { getBuiltinModule?(id: string): unknown }

/** Node's worker_threads, if this is Node with `getBuiltinModule` on its `process` (20.16+). */
function nodeWorkerThreads(): NodeWorkerThreads | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as NodeWorkerThreads | undefined;
}

/** Threads this machine offers (Node's availableParallelism, else navigator.hardwareConcurrency). */
function hardwareThreads(): number {
  const os = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.('node:os') as
    { availableParallelism?(): number } | undefined;
  const n = os?.availableParallelism?.() ??
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(MAX_THREADS, Math.floor(n)));
}

/**
 * True when a worker could share wasm memory with this context: SharedArrayBuffer exists, the page
 * (if this is a browser) is cross-origin isolated, and there is a way to start a worker.
 */
export function threadsPossible(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?: unknown } };
  if (typeof SharedArrayBuffer !== 'function') return false;
  if (nodeWorkerThreads() !== undefined) return true;
  return g.crossOriginIsolated === true && typeof g.Worker === 'function' && typeof g.Blob === 'function' &&
    typeof g.URL?.createObjectURL === 'function';
}

/** Starts one worker running WORKER_SOURCE; false if that failed. */
function spawn(start: unknown): boolean {
  try {
    const wt = nodeWorkerThreads();
    if (wt !== undefined) {
      const w = new wt.Worker(WORKER_SOURCE, { eval: true });
      w.on('error', () => {}); // a failed worker never reports ready: the caller computes alone
      w.unref(); // an idle worker must not keep the process alive
      w.postMessage(start);
      return true;
    }
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    new Worker(url).postMessage(start);
    return true;
  } catch {
    return false;
  }
}

// Kernel runtime state, not model state (like the wasm instance itself): the pool is created once
// per context, on first use, and lives as long as the context.
let control: Int32Array | undefined;
let spawned = 0;
let wanted: number | undefined;
let seq = 0;
let callerMayWait: boolean | undefined;
let splits = 0;
let workerBlocks = 0;

/** Products published to workers, and blocks the workers computed, so far in this context (for tests). */
export function threadStats(): { readonly splits: number; readonly workerBlocks: number } {
  return { splits, workerBlocks };
}

/**
 * Sets how many threads the float32 kernels may use, the calling one included (1 turns the workers
 * off; at most {@link MAX_THREADS}). The default is the machine's core count, up to 4. Results are
 * bit-identical for any count. Returns the count now in force.
 */
export function setThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setKernelThreads: threads must be a positive integer but is ${n}`);
  wanted = Math.min(n, MAX_THREADS);
  return wanted;
}

/** The thread count asked for (by {@link setThreads}, else the default). */
export function threadsWanted(): number {
  wanted ??= Math.min(4, hardwareThreads());
  return wanted;
}

/** Starts workers (once each) up to `threadsWanted() − 1` over `kernel`; idempotent. */
export function ensureWorkers(kernel: KernelModule): void {
  const need = threadsWanted() - 1;
  if (spawned >= need || !threadsPossible()) return;
  control ??= new Int32Array(new SharedArrayBuffer(4 * (ARGS + N_ARGS)));
  while (spawned < need) {
    const slot = spawned;
    const start = { module: kernel.module, memory: kernel.memory, control: control.buffer, slot, scratch: kernel.scratch(slot + 1) };
    if (!spawn(start)) break;
    spawned++;
  }
}

/** Workers started so far (each owns the scratch area of thread index slot + 1). */
export function spawnedWorkers(): number {
  return spawned;
}

/** Workers that have started and may take blocks, at most `threadsWanted() − 1`. */
export function readyWorkers(): number {
  if (control === undefined) return 0;
  return Math.min(Atomics.load(control, READY), threadsWanted() - 1);
}

/**
 * Blocks (in Node, or a worker) until `count` workers are ready or `timeoutMs` passed; returns the
 * number ready. Tests and benches use it to measure the threaded path from the first call.
 */
export function awaitWorkers(count: number, timeoutMs = 5000): number {
  if (control === undefined) return 0;
  const end = Date.now() + timeoutMs;
  const want = Math.min(count, spawned);
  for (let got = Atomics.load(control, READY); got < want && Date.now() < end && waitAllowed(); got = Atomics.load(control, READY))
    Atomics.wait(control, READY, got, Math.max(1, end - Date.now()));
  return readyWorkers();
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function waitAllowed(): boolean {
  if (callerMayWait === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // "not-equal" at once if allowed
      callerMayWait = true;
    } catch {
      callerMayWait = false;
    }
  }
  return callerMayWait;
}

/** A product split into blocks: `blocks` runs of `step` rows (or columns) of C, out of `dim`. */
export interface Split {
  readonly layout: number; readonly a: number; readonly b: number; readonly c: number;
  readonly m: number; readonly k: number; readonly n: number;
  readonly byCols: boolean; readonly step: number; readonly blocks: number; readonly dim: number;
}

/**
 * Computes `job` with up to `helpers` ready workers: publishes it, takes blocks on the calling
 * thread with `matmul` (its own scratch) until none are left, then waits for the blocks the
 * workers took. Returns the number of blocks the workers computed.
 */
export function runSplit(job: Split, helpers: number,
                         matmul: (i0: number, i1: number, j0: number, j1: number) => void): number {
  const ctl = control!;
  if (job.blocks > MAX_BLOCKS) throw new RangeError(`runSplit: ${job.blocks} blocks (at most ${MAX_BLOCKS})`);
  seq = (seq + 1) & 0x7fffff || 1;
  const tag = seq << 8;
  const args = [job.layout, job.a, job.b, job.c, job.m, job.k, job.n, job.byCols ? 1 : 0, job.step, job.blocks, job.dim, helpers];
  for (let i = 0; i < N_ARGS; i++) ctl[ARGS + i] = args[i]!;
  Atomics.store(ctl, FINISHED, 0);
  Atomics.store(ctl, CLAIM, tag);
  Atomics.store(ctl, SEQ, seq);
  Atomics.notify(ctl, SEQ, helpers);
  let mine = 0;
  for (;;) {
    const w = Atomics.load(ctl, CLAIM);
    const i = w & 255;
    if (i >= job.blocks) break;
    if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
    const lo = i * job.step, hi = Math.min(job.dim, lo + job.step);
    if (job.byCols) matmul(0, job.m, lo, hi);
    else matmul(lo, hi, 0, job.n);
    mine++;
  }
  // The rest were taken by workers: wait for them (spinning first: they finish about when we do).
  const spinUntil = (): boolean => {
    for (let spin = 0; spin < 100000; spin++) if (Atomics.load(ctl, FINISHED) === job.blocks - mine) return true;
    return false;
  };
  if (!spinUntil()) {
    if (waitAllowed()) {
      for (let got = Atomics.load(ctl, FINISHED); got !== job.blocks - mine; got = Atomics.load(ctl, FINISHED))
        Atomics.wait(ctl, FINISHED, got);
    } else {
      while (Atomics.load(ctl, FINISHED) !== job.blocks - mine) { /* a browser's main thread may not sleep */ }
    }
  }
  splits++;
  workerBlocks += job.blocks - mine;
  return job.blocks - mine;
}
