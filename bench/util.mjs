// Helpers every bench shares: a median, seeded data, a repeat-until-budget timer, interleaved
// rounds, and the kernel's thread count (ours is measured at 1 thread and at the default count).
import { kernelInfo, setKernelThreads } from '../dist/src/index.js';
import { startWasmThreads } from '../dist/src/kernels/wasmMatmul.js';
import * as kernelThreads from '../dist/src/kernels/kernelThreads.js';
import { median } from './builds.mjs';

/**
 * The thread pool's counters (an internal of the kernel): `splits`, products published to the
 * workers, and `workerBlocks`, blocks of them the workers computed (the caller takes the blocks no
 * worker has claimed, so under load this can stay low).
 */
export function threadCounters() {
  return kernelThreads.threadStats();
}

/**
 * The kernel's default thread count: `kernelInfo().maxThreads` when this module was first loaded
 * (before any bench changed it): the machine's cores, at most 4, or 1 without shared wasm memory.
 */
export const DEFAULT_THREADS = kernelInfo().maxThreads;

/**
 * Starts the kernel's workers and waits until they are ready (so the first timed product already
 * runs threaded); returns kernelInfo() then. Throws if fewer threads than the default came up.
 */
export function startThreads(timeoutMs = 10000) {
  setKernelThreads(DEFAULT_THREADS);
  const n = startWasmThreads(timeoutMs);
  const info = kernelInfo();
  if (n < DEFAULT_THREADS) throw new Error(`bench: only ${n} of ${DEFAULT_THREADS} kernel threads started (${JSON.stringify(info)})`);
  return info;
}

/** kernelInfo() as one short string. */
export const describeKernel = (info = kernelInfo()) =>
  `kernel ${info.matmul}, threads ${info.threads} (max ${info.maxThreads}, default ${DEFAULT_THREADS})`;

/**
 * `fn` run with the kernel at `threads` threads (the default count restored afterwards). If
 * `counter` is given, adds to `counter.splits` the products split across threads during the calls
 * (0 at one thread; > 0 at several when products reach 2^21 multiply-adds) and to
 * `counter.workerBlocks` the blocks the workers computed (left undefined if the build does not
 * expose the counters).
 */
export function atThreads(threads, fn, counter) {
  return (...args) => {
    setKernelThreads(threads);
    const before = threadCounters();
    try {
      return fn(...args);
    } finally {
      const after = threadCounters();
      if (counter && before && after) {
        counter.splits = (counter.splits ?? 0) + after.splits - before.splits;
        counter.workerBlocks = (counter.workerBlocks ?? 0) + after.workerBlocks - before.workerBlocks;
      }
      setKernelThreads(DEFAULT_THREADS);
    }
  };
}

/**
 * Checks the counters of {@link atThreads}: no split at 1 thread, and (where the kernel has
 * several threads) at least one at `threads`, unless the build exposes no counters.
 */
export function checkSplits(what, one, many, threads) {
  if (one.splits === undefined) return;
  if (one.splits !== 0) throw new Error(`${what}: ${one.splits} products were split at 1 thread`);
  if (threads > 1 && !(many.splits > 0)) throw new Error(`${what}: no product was split across threads at ${threads} threads`);
}

/** The median of a list of numbers. */
export { median };

/** `len` floats in [-1, 1) from a linear congruential generator: the same seed, the same data. */
export function random(len, seed) {
  const a = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** [median, min] ms of fn() after `warm` calls (warm-up also lets V8 tier up), repeating until ~budgetMs (at least minReps, at most maxReps). */
export function timeMs(fn, budgetMs, { warm = 3, minReps = 5, maxReps = 40 } = {}) {
  for (let i = 0; i < warm; i++) fn();
  const ts = [];
  const start = performance.now();
  while (ts.length < minReps || (performance.now() - start < budgetMs && ts.length < maxReps)) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((x, y) => x - y);
  return [ts[ts.length >> 1], ts[0]];
}

/**
 * Runs `runs` (name → { run, batch }, where run(steps) → [ms, loss]) in interleaved rounds so that
 * machine noise hits all alike: per contender a warm-up of 2 + minSteps steps, then `rounds` rounds
 * of about `roundMs` each (at least `minSteps` steps), in the given order in even rounds and the
 * reverse order in odd ones. Returns name → { examplesPerSec (median over rounds), rates (each
 * round's examples/s), steps, loss }.
 */
export function measureRounds(runs, { rounds, roundMs, minSteps }) {
  const stepMs = {};
  for (const [name, { run }] of Object.entries(runs)) {
    run(2); // compile, allocate, first optimizer state
    stepMs[name] = run(minSteps)[0] / minSteps;
  }
  const out = Object.fromEntries(Object.keys(runs).map((n) => [n, { rates: [], steps: 0, loss: NaN }]));
  const order = Object.entries(runs);
  for (let r = 0; r < rounds; r++) {
    for (const [name, { run, batch }] of r % 2 ? [...order].reverse() : order) {
      const steps = Math.max(minSteps, Math.round(roundMs / stepMs[name]));
      const [ms, loss] = run(steps);
      const o = out[name];
      o.rates.push((steps * batch) / (ms / 1000));
      o.steps += steps;
      o.loss = loss;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([n, o]) => [n, { examplesPerSec: median(o.rates), rates: o.rates, steps: o.steps, loss: o.loss }]));
}
