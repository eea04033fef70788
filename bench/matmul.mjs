// Matmul benchmark: tensorfold's kernel vs TensorFlow.js 'wasm' (XNNPACK,
// SIMD, single thread in Node) and 'cpu' backends, all in one process.
//
//   npm run build && node bench/matmul.mjs   (or all benches: npm run bench)
//
// Prints a GFLOP/s table and writes bench/results/matmul.json. Timing: our
// call includes copying A,B into wasm memory and C out; tfjs times
// matMul + dataSync on tensors created beforehand (inputs not re-uploaded).
// Ours runs twice per case: at 1 thread (setKernelThreads(1)) and at the
// default thread count (kernelInfo().maxThreads at start: the machine's cores,
// at most 4), where products of at least 2^21 multiply-adds are split across
// worker threads. tfjs-wasm runs on one thread.
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { matmulKernel } from '../dist/src/kernels/matmul.js';
import { wasmAvailable } from '../dist/src/kernels/wasmMatmul.js';
import { kernelInfo } from '../dist/src/index.js';
import {
  DEFAULT_THREADS, atThreads, checkSplits, describeKernel, median, random, startThreads, timeMs,
} from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** Stored operand shapes for a layout ('tn': A is [K,M]; 'nt': B is [N,K]). */
const shapes = (m, k, n, layout) => [
  layout === 'tn' ? [k, m] : [m, k],
  layout === 'nt' ? [n, k] : [k, n],
];

/** Set up a tfjs backend; for 'wasm' insist on the single-thread SIMD binary. */
export async function useBackend(name) {
  if (name === 'wasm') {
    const dist = join(dirname(createRequire(import.meta.url)
      .resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    // Only the SIMD binary resolves: a fallback to another one would fail.
    setWasmPaths({
      'tfjs-backend-wasm-simd.wasm': join(dist, 'tfjs-backend-wasm-simd.wasm'),
      'tfjs-backend-wasm.wasm': '/nonexistent/no-simd.wasm',
      'tfjs-backend-wasm-threaded-simd.wasm': '/nonexistent/threaded.wasm',
    });
  }
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) {
    throw new Error(`tfjs backend ${name} failed to initialise`);
  }
  if (name === 'wasm' && !(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) {
    throw new Error('tfjs wasm backend is not using SIMD');
  }
}

function cases() {
  const list = [];
  for (const n of [128, 256, 512, 1024]) list.push({ name: `square ${n}`, m: n, k: n, n, layout: 'nn' });
  for (const layout of ['tn', 'nt']) list.push({ name: 'square 512', m: 512, k: 512, n: 512, layout });
  const B = 128;
  for (const [i, o] of [[784, 256], [256, 128], [128, 10]]) {
    list.push({ name: `mlp ${i}-${o} fwd x·W`, m: B, k: i, n: o, layout: 'nn' });
    list.push({ name: `mlp ${i}-${o} dW=xᵀ·dy`, m: i, k: B, n: o, layout: 'tn' });
    list.push({ name: `mlp ${i}-${o} dx=dy·Wᵀ`, m: B, k: o, n: i, layout: 'nt' });
  }
  return list;
}


/** Time tf.matMul (+ dataSync) on the current backend; also checks agreement. */
function timeTfjs(r, budgetMs, opts) {
  const a = tf.tensor2d(r.a, r.sa), b = tf.tensor2d(r.b, r.sb);
  const run = () => {
    const c = tf.matMul(a, b, r.layout === 'tn', r.layout === 'nt');
    const d = c.dataSync();
    c.dispose();
    return d;
  };
  const ours = matmulKernel(r.a, r.b, r.m, r.k, r.n, r.layout);
  const theirs = run();
  let diff = 0;
  for (let i = 0; i < ours.length; i++) diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
  if (!(diff <= 1e-4 * r.k)) throw new Error(`${r.name}: results differ from tfjs by ${diff}`);
  const ms = timeMs(run, budgetMs, opts); // [median, min]
  a.dispose(); b.dispose();
  return ms;
}

/**
 * Run all cases; returns one row per case with GFLOP/s and ratios. Ours at 1
 * thread, ours at the default thread count and tfjs-wasm are measured back to
 * back per case (ours 1T and nT in alternating order from round to round) in
 * `rounds` rounds after a warm-up round (median over rounds) so that machine
 * noise hits all alike; tfjs-cpu once. `budgetMs` is per contender and round.
 *
 * Row fields: `ours` (= `oursNT`, GFLOP/s at `threads` threads), `ours1T`,
 * `threadSpeedup` (nT / 1T, ratio of the medians; `threadSpeedupPerRound`
 * and its median too), `threaded` (whether the nT rounds split the product
 * across threads: products below 2^21 multiply-adds stay on one thread),
 * `workerBlocksPerSplit` (blocks of a split product that worker threads
 * computed, on average: the calling thread takes any block no worker has
 * claimed, so this drops when the machine's other load delays the workers),
 * `tfjsWasm`, `tfjsCpu`, `vsWasm` / `vsCpu` (nT), `vsWasm1T` / `vsCpu1T`, and
 * the fastest single repetitions `oursBest`, `ours1TBest`, `tfjsWasmBest`.
 */
export async function runMatmulBench({ rounds = 3, budgetMs = 200 } = {}) {
  if (!wasmAvailable()) throw new Error('tensorfold wasm kernel unavailable');
  startThreads(); // workers up before anything is timed
  const threads = DEFAULT_THREADS;
  const rows = cases().map((c, idx) => {
    const [sa, sb] = shapes(c.m, c.k, c.n, c.layout);
    return { ...c, sa, sb, a: random(sa[0] * sa[1], 2 * idx + 1), b: random(sb[0] * sb[1], 2 * idx + 2),
      oursMs: [], ours1Ms: [], wasmMs: [], jobs: { one: {}, many: {} } };
  });
  await useBackend('cpu');
  await useBackend('wasm');
  // Round 0 is a warm-up (V8 tier-up; also the allocator, whose fresh pages
  // for result arrays cost page faults early on) and is discarded.
  for (let round = 0; round <= rounds; round++) {
    if (round === 1) {
      for (const r of rows) { r.oursMs.length = 0; r.ours1Ms.length = 0; r.wasmMs.length = 0; r.jobs = { one: {}, many: {} }; }
    }
    for (const r of rows) {
      const call = () => matmulKernel(r.a, r.b, r.m, r.k, r.n, r.layout);
      const one = () => r.ours1Ms.push(atThreads(1, timeMs, r.jobs.one)(call, budgetMs));
      const many = () => r.oursMs.push(atThreads(threads, timeMs, r.jobs.many)(call, budgetMs));
      if (round % 2) { many(); one(); } else { one(); many(); }
      r.wasmMs.push(timeTfjs(r, budgetMs));
    }
  }
  await useBackend('cpu');
  for (const r of rows) r.cpuMs = timeTfjs(r, 150, { warm: 1, minReps: 3 })[0];
  const gflops = (r, ms) => (2 * r.m * r.k * r.n) / (ms * 1e6);
  const med = (xs) => median(xs.map((x) => x[0]));
  const best = (xs) => Math.min(...xs.map((x) => x[1]));
  return rows.map((r) => {
    checkSplits(`matmul bench, ${r.name} (${r.layout})`, r.jobs.one, { splits: 1 }, threads);
    const ours = gflops(r, med(r.oursMs)), ours1T = gflops(r, med(r.ours1Ms)), tfjsWasm = gflops(r, med(r.wasmMs));
    const tfjsCpu = gflops(r, r.cpuMs);
    const perRound = r.oursMs.map((x, i) => r.ours1Ms[i][0] / x[0]);
    return { name: r.name, layout: r.layout, m: r.m, k: r.k, n: r.n, threads, ours, oursNT: ours, ours1T,
      threadSpeedup: ours / ours1T, threadSpeedupPerRound: perRound, threadSpeedupMedianOfRounds: median(perRound),
      threaded: r.jobs.many.splits === undefined ? null : r.jobs.many.splits > 0, splits: r.jobs.many.splits ?? null,
      workerBlocksPerSplit: r.jobs.many.splits > 0 ? r.jobs.many.workerBlocks / r.jobs.many.splits : null,
      tfjsWasm, tfjsCpu, vsWasm: ours / tfjsWasm, vsCpu: ours / tfjsCpu,
      vsWasm1T: ours1T / tfjsWasm, vsCpu1T: ours1T / tfjsCpu,
      // Fastest single repetition: less sensitive to other load on the machine.
      oursBest: gflops(r, best(r.oursMs)), ours1TBest: gflops(r, best(r.ours1Ms)), tfjsWasmBest: gflops(r, best(r.wasmMs)) };
  });
}

/** The table of {@link runMatmulBench} rows as text. */
export function formatMatmulTable(rows) {
  const f = (x, d = 1, w = 7) => x.toFixed(d).padStart(w);
  const n = rows[0]?.threads ?? DEFAULT_THREADS;
  const lines = [
    `matmul GFLOP/s, median of rounds; ours 1T = 1 thread, ours nT = ${n} threads (products ≥ 2^21 multiply-adds`
      + ' are split; "wrk" = blocks the workers computed per split product, "-" = not split); tfjs-wasm 1 thread.',
    '  Best single repetition in the last columns.',
    `${'case'.padEnd(22)} lay   M    K    N | ours 1T ours nT   nT/1T  wrk | tfjsWasm tfjsCpu | 1T/wasm nT/wasm  nT/cpu | best1T  bestNT bestWasm`,
  ];
  for (const r of rows) {
    lines.push(`${r.name.padEnd(22)} ${r.layout} ${String(r.m).padStart(4)} ${String(r.k).padStart(4)} ${String(r.n).padStart(4)} |`
      + `${f(r.ours1T)} ${f(r.ours)} ${f(r.threadSpeedup, 2)} ${(r.threaded ? r.workerBlocksPerSplit.toFixed(1) : r.threaded === null ? '?' : '-').padStart(4)} |  ${f(r.tfjsWasm)} ${f(r.tfjsCpu)} |`
      + ` ${f(r.vsWasm1T, 2)} ${f(r.vsWasm, 2)} ${f(r.vsCpu, 0)} | ${f(r.ours1TBest)} ${f(r.oursBest)}  ${f(r.tfjsWasmBest)}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // BENCH_ROUNDS / BENCH_MS: shorter runs for checking the script (defaults 3 rounds of 200 ms).
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3), budgetMs = Number(process.env.BENCH_MS ?? 200);
  console.log(describeKernel());
  const rows = await runMatmulBench({ rounds, budgetMs });
  console.log(formatMatmulTable(rows));
  const end = kernelInfo();
  console.log(`at the end: ${describeKernel(end)}`);
  mkdirSync(join(here, 'results'), { recursive: true });
  const out = join(here, 'results', 'matmul.json');
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version,
    unit: 'GFLOP/s', threads: DEFAULT_THREADS, kernelInfoAtEnd: end, rows }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}
