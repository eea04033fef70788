// The worker threads behind the float32 kernels: each runs its own instances of the kernel modules
// (the GEMM's and the optimizers') over the calling thread's shared memory, and computes blocks of
// a product, or an optimizer's step on a block of a tensor, while the caller works on another.
// Hand-off is through a small SharedArrayBuffer, with Atomics, so a kernel call stays synchronous:
// no promises, no messages after start-up.
//
// Where workers come from: Node's `worker_threads` (reached through `globalThis.process?.getBuiltinModule`, so
// the core imports nothing Node-only), or a Web Worker from a Blob URL in a cross-origin-isolated
// page. Anything else (a page that is not isolated, no SharedArrayBuffer, a policy refusing blob
// workers, a worker that fails to start) leaves the kernels on the calling thread.
//
// Workers start asynchronously: until one reports ready the caller simply computes everything
// itself (browsers do not start a worker while the page's thread is busy). Results never depend on
// it: a block is computed with the same bits on any thread (see matmul.ts in ./assembly).

// The control array (shared by the caller and every worker), as Int32: the job's sequence number,
// its claim word ((seq mod 2²³) << 8 | next block), the count of finished blocks, the count of
// ready workers, then the job: its kind, the workers that may help, its block count and its
// arguments (a product's below; a call's are float64s from byte F64_AT).
const SEQ = 0, CLAIM = 1, FINISHED = 2, READY = 3, KIND = 4, HELPERS = 5, BLOCKS = 6, ARGS = 7;
/**
 * Job kinds: a product cut into blocks, one call of an optimizer kernel (one block), or a
 * convolution cut into blocks of images (the matmul module's `convBlock`).
 */
const PRODUCT = 0, CALL = 1, CONV = 2;
/**
 * A product's arguments: layout, a, b, c, m, k, n, byCols, step, dim, bias, relu. A call's:
 * function index, argument count. A convolution's: `convBlock`'s after (thread, block, scratch).
 * All fit before the float64 arguments: ARGS + N_CONV_ARGS = 30 ≤ F64_AT / 4.
 */
const N_ARGS = 12, N_CONV_ARGS = 23;
const F64_AT = 4 * 32, N_F64 = 16, CONTROL_BYTES = F64_AT + 8 * N_F64;
/** How long the caller waits for a worker's block before concluding the worker is gone. */
const WORKER_TIMEOUT_MS = 60_000;
/** Upper bound on threads (the caller plus workers). */
export const MAX_THREADS = 8;
/** Upper bound on blocks per product (the claim word keeps 8 bits for the block index). */
export const MAX_BLOCKS = 255;
/** The optimizer module's functions a CALL job may name, by index. */
export const CALLS = ['adamF32', 'sgdF32', 'momentumF32', 'rmsF32'] as const;

// The worker's whole program. Plain ES2017, valid as a Node `eval` worker and as a classic Web
// Worker. Every thread takes blocks of the current job from the claim word until none are left,
// so a worker the OS has not scheduled yet costs the caller nothing: it does those blocks itself.
// A worker spins briefly (2000 polls, about 15 µs) before sleeping: long enough to stay awake
// through an optimizer's run of blocks, short enough to leave the core to V8's garbage-collector
// threads between products (spinning 1.5 ms instead cost the MLP step 5–10% on 2 cores).
//
// NOTE: the block geometry (lo = i·step, hi = min(dim, lo + step)) is repeated in runSplit below.
const WORKER_SOURCE = `(function () {
  var CALLS = ${JSON.stringify(CALLS)};
  function work(ex, opt, ctl, f64, s, slot, scratch) {
    var a = ${ARGS}, tag = (s & 0x7fffff) << 8;
    for (;;) {
      var w = Atomics.load(ctl, ${CLAIM});
      if ((w & ~255) !== tag) return;
      // Read after the claim word: if it still holds this job's tag at the exchange below, the
      // caller has not closed the job, so these are still this job's values.
      if (slot >= Atomics.load(ctl, ${HELPERS}) || (w & 255) >= Atomics.load(ctl, ${BLOCKS})) return;
      if (Atomics.compareExchange(ctl, ${CLAIM}, w, w + 1) !== w) continue;
      // The block is ours, and the job cannot change until we count it finished: read its arguments.
      var kind = Atomics.load(ctl, ${KIND});
      if (kind === ${CALL}) {
        opt[CALLS[ctl[a]]].apply(null, Array.prototype.slice.call(f64, 0, ctl[a + 1]));
      } else if (kind === ${CONV}) {
        ex.convBlock.apply(null, [slot + 1, w & 255, scratch].concat(Array.prototype.slice.call(ctl, a, a + ${N_CONV_ARGS})));
      } else {
        var layout = ctl[a], pa = ctl[a + 1], pb = ctl[a + 2], pc = ctl[a + 3], m = ctl[a + 4], k = ctl[a + 5];
        var n = ctl[a + 6], byCols = ctl[a + 7], step = ctl[a + 8], dim = ctl[a + 9], bias = ctl[a + 10], relu = ctl[a + 11];
        var lo = (w & 255) * step, hi = Math.min(dim, lo + step);
        if (byCols) ex.matmul(layout, pa, pb, pc, m, k, n, scratch, 0, m, lo, hi, bias, relu);
        else ex.matmul(layout, pa, pb, pc, m, k, n, scratch, lo, hi, 0, n, bias, relu);
      }
      Atomics.add(ctl, ${FINISHED}, 1);
      Atomics.notify(ctl, ${FINISHED});
    }
  }
  function start(d) {
    var imports = { env: { memory: d.memory } };
    var ex = new WebAssembly.Instance(d.module, imports).exports;
    var opt = d.optim ? new WebAssembly.Instance(d.optim, imports).exports : null;
    var ctl = new Int32Array(d.control), f64 = new Float64Array(d.control, ${F64_AT}, ${N_F64});
    Atomics.add(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    var seen = 0;
    for (;;) {
      for (var spin = 0; spin < SPIN && Atomics.load(ctl, ${SEQ}) === seen; spin++) {}
      Atomics.wait(ctl, ${SEQ}, seen);
      seen = Atomics.load(ctl, ${SEQ});
      work(ex, opt, ctl, f64, seen, d.slot, d.scratch);
    }
  }
  var SPIN = 2000;
  if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
  else self.onmessage = function (e) { start(e.data); };
})();
`;

/** What a worker needs to start: the compiled kernel module and the memory it shares. */
export interface KernelModule {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  /** The optimizer kernels' module, compiled for the same memory (workers run {@link CALLS} of it). */
  readonly optim?: WebAssembly.Module;
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
let callArgs: Float64Array | undefined;
let spawned = 0;
let spawnFailed = false;
let broken = false;
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
  if (spawned >= need || spawnFailed || !threadsPossible()) return;
  if (control === undefined) {
    const sab = new SharedArrayBuffer(CONTROL_BYTES);
    control = new Int32Array(sab);
    callArgs = new Float64Array(sab, F64_AT, N_F64);
  }
  while (spawned < need) {
    const slot = spawned;
    const start = { module: kernel.module, optim: kernel.optim, memory: kernel.memory, control: control.buffer, slot,
                    scratch: kernel.scratch(slot + 1) };
    if (!spawn(start)) {
      spawnFailed = true; // e.g. a policy refusing blob workers: do not try again on every product
      break;
    }
    spawned++;
  }
}

/** Workers started so far (each owns the scratch area of thread index slot + 1). */
export function spawnedWorkers(): number {
  return spawned;
}

/** Workers that have started and may take blocks, at most `threadsWanted() − 1`. */
export function readyWorkers(): number {
  if (control === undefined || broken) return 0;
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

/**
 * A product split into blocks: `blocks` runs of `step` rows (or columns) of C, out of `dim`; each
 * block gets the epilogue (`bias` pointer or 0, `relu` 0 or 1) of the kernel's `matmul`.
 */
export interface Split {
  readonly layout: number; readonly a: number; readonly b: number; readonly c: number;
  readonly m: number; readonly k: number; readonly n: number;
  readonly byCols: boolean; readonly step: number; readonly blocks: number; readonly dim: number;
  readonly bias: number; readonly relu: number;
}

/** Publishes a job of `kind` and `blocks` blocks for up to `helpers` workers, its arguments written by `write`. */
function publish(kind: number, blocks: number, helpers: number, write: (ctl: Int32Array) => void): void {
  const ctl = control!;
  // Close the last job first (tag 0 is no job's): a worker that wakes late for it can then claim
  // nothing, whatever it reads of what follows.
  Atomics.store(ctl, CLAIM, 0);
  seq = (seq + 1) & 0x7fffff || 1;
  Atomics.store(ctl, KIND, kind);
  Atomics.store(ctl, HELPERS, helpers);
  Atomics.store(ctl, BLOCKS, blocks);
  write(ctl);
  Atomics.store(ctl, FINISHED, 0);
  Atomics.store(ctl, CLAIM, seq << 8);
  Atomics.store(ctl, SEQ, seq);
  // Wake every sleeper: a job for fewer helpers than workers must still reach the ones it names.
  Atomics.notify(ctl, SEQ);
}

/**
 * Takes the published job's unclaimed blocks on the calling thread (`run(i)` each), then waits for
 * the blocks workers took; returns how many those were.
 */
function finish(blocks: number, run: (i: number) => void): number {
  const ctl = control!;
  let mine = 0;
  for (;;) {
    const w = Atomics.load(ctl, CLAIM);
    const i = w & 255;
    if (i >= blocks) break;
    if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
    run(i);
    mine++;
  }
  const theirs = blocks - mine;
  // Wait for the workers' blocks (spinning first: they finish about when we do).
  let spin = 0;
  while (Atomics.load(ctl, FINISHED) !== theirs && spin < 100000) spin++;
  if (Atomics.load(ctl, FINISHED) !== theirs) {
    // A block takes milliseconds; a worker that has not finished one in a minute has died (it was
    // terminated, or ran out of memory): fail loudly instead of waiting forever.
    const deadline = Date.now() + WORKER_TIMEOUT_MS;
    const mayWait = waitAllowed();
    for (let got = Atomics.load(ctl, FINISHED); got !== theirs; got = Atomics.load(ctl, FINISHED)) {
      if (Date.now() > deadline) {
        broken = true; // that worker may still write later: never hand the pool another job
        throw new Error(`tensorfold: a kernel worker thread stopped answering (${theirs - got} block(s) unfinished after ${WORKER_TIMEOUT_MS / 1000} s); the kernels now run on the calling thread only`)
      }
      if (mayWait) Atomics.wait(ctl, FINISHED, got, 1000) // a browser's main thread may not sleep: it polls
    }
  }
  splits++;
  workerBlocks += theirs;
  return theirs;
}

/**
 * Computes `job` with up to `helpers` ready workers: publishes it, takes blocks on the calling
 * thread with `matmul` (its own scratch) until none are left, then waits for the blocks the
 * workers took. Returns the number of blocks the workers computed.
 */
export function runSplit(job: Split, helpers: number,
                         matmul: (i0: number, i1: number, j0: number, j1: number) => void): number {
  if (job.blocks > MAX_BLOCKS) throw new RangeError(`runSplit: ${job.blocks} blocks (at most ${MAX_BLOCKS})`);
  const args = [job.layout, job.a, job.b, job.c, job.m, job.k, job.n, job.byCols ? 1 : 0, job.step, job.dim, job.bias, job.relu];
  publish(PRODUCT, job.blocks, helpers, (ctl) => { for (let i = 0; i < N_ARGS; i++) ctl[ARGS + i] = args[i]!; });
  return finish(job.blocks, (i) => {
    const lo = i * job.step, hi = Math.min(job.dim, lo + job.step);
    if (job.byCols) matmul(0, job.m, lo, hi);
    else matmul(lo, hi, 0, job.n);
  });
}

/**
 * Runs blocks 0 … `blocks` − 1 of a convolution (`args`: the matmul module's `convBlock`
 * arguments after thread, block and scratch; all int32) with up to `helpers` ready workers, the
 * calling thread's blocks through `run(i)`. Returns the number of blocks the workers computed.
 */
export function runConvBlocks(args: readonly number[], blocks: number, helpers: number, run: (i: number) => void): number {
  if (blocks > MAX_BLOCKS) throw new RangeError(`runConvBlocks: ${blocks} blocks (at most ${MAX_BLOCKS})`);
  if (args.length !== N_CONV_ARGS) throw new RangeError(`runConvBlocks: ${args.length} arguments (${N_CONV_ARGS} expected)`);
  publish(CONV, blocks, helpers, (ctl) => { for (let i = 0; i < N_CONV_ARGS; i++) ctl[ARGS + i] = args[i]!; });
  return finish(blocks, run);
}

/**
 * Hands one call of an optimizer kernel (`CALLS[fn]` with `args`, all numbers) to a worker and
 * returns at once; the caller must {@link finishCall} (with the same call, to run it itself if no
 * worker took it) before publishing anything else or reading its results.
 */
export function publishCall(fn: number, args: readonly number[]): void {
  if (args.length > N_F64) throw new RangeError(`publishCall: ${args.length} arguments (at most ${N_F64})`);
  const f = callArgs!;
  publish(CALL, 1, 1, (ctl) => {
    for (let i = 0; i < args.length; i++) f[i] = args[i]!;
    ctl[ARGS] = fn;
    ctl[ARGS + 1] = args.length;
  });
}

/** Completes the call last published: runs `run` here if no worker has taken it, else waits for it. */
export function finishCall(run: () => void): void {
  finish(1, run);
}
