// Matmul benchmark: tensorfold's kernel vs TensorFlow.js 'wasm' (XNNPACK,
// SIMD, single thread in Node) and 'cpu' backends, all in one process.
//
//   npm run build && node bench/matmul.mjs   (or all benches: npm run bench)
//
// Prints a GFLOP/s table and writes bench/results/matmul.json. Timing: our
// call includes copying A,B into wasm memory and C out; tfjs times
// matMul + dataSync on tensors created beforehand (inputs not re-uploaded).
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { matmulKernel } from '../dist/src/kernels/matmul.js';
import { wasmAvailable } from '../dist/src/kernels/wasmMatmul.js';
import { median, random, timeMs } from './util.mjs';

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
 * Run all cases; returns one row per case with GFLOP/s and ratios. Ours and
 * tfjs-wasm are measured back to back per case in `rounds` rounds after a
 * warm-up round (median over rounds) so that machine noise hits both alike;
 * tfjs-cpu once.
 */
export async function runMatmulBench({ rounds = 3 } = {}) {
  if (!wasmAvailable()) throw new Error('tensorfold wasm kernel unavailable');
  const rows = cases().map((c, idx) => {
    const [sa, sb] = shapes(c.m, c.k, c.n, c.layout);
    return { ...c, sa, sb, a: random(sa[0] * sa[1], 2 * idx + 1), b: random(sb[0] * sb[1], 2 * idx + 2),
      oursMs: [], wasmMs: [] };
  });
  await useBackend('cpu');
  await useBackend('wasm');
  // Round 0 is a warm-up (V8 tier-up; also the allocator, whose fresh pages
  // for result arrays cost page faults early on) and is discarded.
  for (let round = 0; round <= rounds; round++) {
    if (round === 1) for (const r of rows) { r.oursMs.length = 0; r.wasmMs.length = 0; }
    for (const r of rows) {
      r.oursMs.push(timeMs(() => matmulKernel(r.a, r.b, r.m, r.k, r.n, r.layout), 200));
      r.wasmMs.push(timeTfjs(r, 200));
    }
  }
  await useBackend('cpu');
  for (const r of rows) r.cpuMs = timeTfjs(r, 150, { warm: 1, minReps: 3 })[0];
  const gflops = (r, ms) => (2 * r.m * r.k * r.n) / (ms * 1e6);
  const med = (xs) => median(xs.map((x) => x[0]));
  const best = (xs) => Math.min(...xs.map((x) => x[1]));
  return rows.map((r) => {
    const ours = gflops(r, med(r.oursMs)), tfjsWasm = gflops(r, med(r.wasmMs));
    const tfjsCpu = gflops(r, r.cpuMs);
    return { name: r.name, layout: r.layout, m: r.m, k: r.k, n: r.n, ours, tfjsWasm, tfjsCpu,
      vsWasm: ours / tfjsWasm, vsCpu: ours / tfjsCpu,
      // Fastest single repetition: less sensitive to other load on the machine.
      oursBest: gflops(r, best(r.oursMs)), tfjsWasmBest: gflops(r, best(r.wasmMs)) };
  });
}

/** The table of {@link runMatmulBench} rows as text. */
export function formatMatmulTable(rows) {
  const f = (x, d = 1) => x.toFixed(d).padStart(7);
  const lines = [
    'GFLOP/s, median of rounds (best single rep in the last two columns)',
    `${'case'.padEnd(22)} lay   M    K    N |    ours tfjsWasm tfjsCpu |   xWasm    xCpu | bestOurs bestWasm`,
  ];
  for (const r of rows) {
    lines.push(`${r.name.padEnd(22)} ${r.layout} ${String(r.m).padStart(4)} ${String(r.k).padStart(4)} ${String(r.n).padStart(4)} |`
      + `${f(r.ours)}  ${f(r.tfjsWasm)} ${f(r.tfjsCpu)} | ${f(r.vsWasm)} ${f(r.vsCpu)} | ${f(r.oursBest)}  ${f(r.tfjsWasmBest)}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await runMatmulBench();
  console.log(formatMatmulTable(rows));
  mkdirSync(join(here, 'results'), { recursive: true });
  const out = join(here, 'results', 'matmul.json');
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), node: process.version,
    unit: 'GFLOP/s', rows }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}
