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

/** Int32 slots per worker in the control array (64 bytes: one cache line each). */
const SLOT = 16;
/** Slot fields: job sequence number (caller → worker), last finished job (worker → caller), ready flag. */
const SEQ = 0, DONE = 1, READY = 2, ARGS = 3;
/** Upper bound on threads (the caller plus workers). */
export const MAX_THREADS = 8;

// The worker's whole program. Plain ES2017, valid as a Node `eval` worker and as a classic Web
// Worker. It spins briefly before sleeping, because a training step issues its products in bursts.
const WORKER_SOURCE = `(function () {
  function start(d) {
    var ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
    var ctl = new Int32Array(d.control, d.slot * ${SLOT * 4}, ${SLOT});
    Atomics.store(ctl, ${READY}, 1);
    Atomics.notify(ctl, ${READY});
    var seen = 0;
    for (;;) {
      for (var spin = 0; spin < 1000000 && Atomics.load(ctl, ${SEQ}) === seen; spin++) {}
      Atomics.wait(ctl, ${SEQ}, seen);
      seen = Atomics.load(ctl, ${SEQ});
      var a = ${ARGS};
      ex.matmul(ctl[a], ctl[a + 1], ctl[a + 2], ctl[a + 3], ctl[a + 4], ctl[a + 5], ctl[a + 6], ctl[a + 7],
                ctl[a + 8], ctl[a + 9], ctl[a + 10], ctl[a + 11]);
      Atomics.store(ctl, ${DONE}, seen);
      Atomics.notify(ctl, ${DONE});
    }
  }
  if (typeof require === 'function') require('node:worker_threads').parentPort.once('message', start);
  else self.onmessage = function (e) { start(e.data); };
})();
`;

/** What a worker needs to start: the compiled kernel module and the memory it shares. */
export interface KernelModule {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
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
let posted = 0;

/** Jobs handed to workers so far in this context (tests use it to see the threaded path taken). */
export function postedJobs(): number {
  return posted;
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
  control ??= new Int32Array(new SharedArrayBuffer(MAX_THREADS * SLOT * 4));
  while (spawned < need) {
    const slot = spawned;
    if (!spawn({ module: kernel.module, memory: kernel.memory, control: control.buffer, slot })) break;
    spawned++;
  }
}

/** Workers that have started and may take a job, at most `threadsWanted() − 1`. */
export function readyWorkers(): number {
  if (control === undefined) return 0;
  const limit = Math.min(spawned, threadsWanted() - 1);
  let n = 0;
  while (n < limit && Atomics.load(control, n * SLOT + READY) === 1) n++;
  return n;
}

/**
 * Blocks (in Node, or a worker) until `count` workers are ready or `timeoutMs` passed; returns the
 * number ready. Tests and benches use it to measure the threaded path from the first call.
 */
export function awaitWorkers(count: number, timeoutMs = 5000): number {
  if (control === undefined) return 0;
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < Math.min(count, spawned); i++) {
    while (Atomics.load(control, i * SLOT + READY) !== 1 && Date.now() < end) {
      if (!waitAllowed()) break;
      Atomics.wait(control, i * SLOT + READY, 0, Math.max(1, end - Date.now()));
    }
  }
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

/** Hands worker `w` (0-based) the GEMM block job `args` (12 int32 arguments of `matmul`). */
export function post(w: number, args: readonly number[]): void {
  const ctl = control!;
  const base = w * SLOT;
  for (let i = 0; i < args.length; i++) ctl[base + ARGS + i] = args[i]!;
  posted++;
  seq = (seq + 1) | 0 || 1;
  Atomics.store(ctl, base + SEQ, seq);
  Atomics.notify(ctl, base + SEQ);
}

/** Waits until worker `w` has finished the job posted last (spinning first, then sleeping if allowed). */
export function join(w: number): void {
  const ctl = control!;
  const i = w * SLOT + DONE, want = Atomics.load(ctl, w * SLOT + SEQ);
  for (let spin = 0; spin < 100000; spin++) if (Atomics.load(ctl, i) === want) return;
  if (waitAllowed()) {
    for (let got = Atomics.load(ctl, i); got !== want; got = Atomics.load(ctl, i)) Atomics.wait(ctl, i, got);
  } else {
    while (Atomics.load(ctl, i) !== want) { /* a browser's main thread may not sleep */ }
  }
}
