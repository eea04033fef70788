// CNN benchmarks: tensorfold vs TensorFlow.js ('wasm' with SIMD, single
// thread, and 'cpu'), one process.
//
//   npm run build && node bench/cnn.mjs   (or all benches: npm run bench)
//
// 1. LeNet training step (conv 5×5×6, relu, max pool 2, conv 5×5×16, relu,
//    max pool 2, flatten, dense 256-120-84-10; softmax cross-entropy, Adam
//    1e-3) at batch 64 and 128 on real MNIST digits: examples/s. Ours fuses
//    each relu into the layer before it (same bits as a relu layer).
// 2. One conv layer forward + backward (y = conv(x, w), dW, dx: 3 GEMMs of
//    2·N·OH·OW·KH·KW·C·F flops each) at LeNet's conv2 and at a larger 'same'
//    layer: GFLOP/s per op and for the three together.
//
// tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter kernel, so conv2d has no
// gradient on 'wasm' out of the box. registerWasmFilterGrad() below adds one
// built from tfjs-wasm kernels only (pad, transpose, XNNPACK Conv2D): the
// filter gradient of a stride-1 conv is itself a convolution, of x with its
// batch and channel axes swapped by dy. That is what the "tfjs-wasm" columns
// use for dW; the README says so.
//
// Ours runs at the kernel's default thread count (kernelInfo().maxThreads at
// start; products of ≥ 2^21 multiply-adds are split across worker threads)
// and at 1 thread (setKernelThreads(1)), interleaved with tfjs-wasm (one
// thread), for the LeNet step and for each conv op.
//
//   BENCH_ROUNDS=2 BENCH_MS=300 BENCH_CONV_ROUNDS=1 node bench/cnn.mjs   (short run, for checking)
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  adam, andThen, conv2d, dense, flatten, input, key, labels, maxPool2d, pipe, softmaxCrossEntropy, trainStep,
} from '../dist/src/index.js';
import { conv2dBackwardInput, conv2dBackwardParams, conv2dForward, conv2dGeometry } from '../dist/src/kernels/conv2d.js';
import { useBackend } from './matmul.mjs';
import { mnistBatches } from './train.mjs';
import { loadTfjsGradients } from './tfjsGradients.mjs';
import {
  DEFAULT_THREADS, atThreads, checkSplits, describeKernel, measureRounds, median, random, startThreads, timeMs as timeWith,
} from './util.mjs';

/** As util.mjs's timeMs, with this bench's longer runs (fewer warm-ups, more repetitions). */
const timeMs = (fn, budgetMs, opts = {}) => timeWith(fn, budgetMs, { warm: 2, maxReps: 60, ...opts });


// ------------------------------------------------------------ tfjs-wasm dW

/** tfjs 'same' padding of one axis with stride 1: [before, after]. */
const samePad = (k) => [Math.floor((k - 1) / 2), k - 1 - Math.floor((k - 1) / 2)];

/**
 * Conv2DBackpropFilter for tfjs's wasm backend (stride 1, NHWC, 'valid' or
 * 'same'), from wasm kernels only:
 *   dW[ky,kx,c,f] = Σ_{n,oy,ox} xp[n, oy+ky, ox+kx, c] · dy[n,oy,ox,f]
 *                 = conv2d(xpᵀ[C,Hp,Wp,N], dyᵀ[OH,OW,N,F], 'valid')[c,ky,kx,f]
 * with xp the padded x. Same flops as the GEMM colsᵀ·dy, plus three
 * transposes (and a pad for 'same').
 */
function wasmFilterGrad({ inputs: { x, dy }, attrs: { strides, pad, dataFormat, filterShape } }) {
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : strides;
  if (sh !== 1 || sw !== 1 || dataFormat !== 'NHWC' || (pad !== 'valid' && pad !== 'same')) {
    throw new Error(`bench Conv2DBackpropFilter on wasm: only stride 1, NHWC, 'valid'/'same' (got ${strides}, ${dataFormat}, ${pad})`);
  }
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const xp = pad === 'same' ? tf.pad(x, [[0, 0], samePad(kh), samePad(kw), [0, 0]]) : x;
    const out = tf.conv2d(tf.transpose(xp, [3, 1, 2, 0]), tf.transpose(dy, [1, 2, 0, 3]), 1, 'valid'); // [C,KH,KW,F]
    return tf.transpose(out, [1, 2, 0, 3]);
  });
}

/** Registers {@link wasmFilterGrad} unless the wasm backend has its own. */
export function registerWasmFilterGrad() {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm') === undefined) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: wasmFilterGrad });
    return true;
  }
  return false;
}

// ------------------------------------------------------------ LeNet training

/**
 * LeNet as in the issue, and its initial params (the same for every contender). Ours writes each
 * relu as the layer's fused activation (`{ activation: 'relu' }`), which gives the bits of a
 * separate `relu` layer (tested) without a pass of its own: the network is the same.
 */
export function lenet() {
  const act = { activation: 'relu' };
  const net = pipe(input([28, 28, 1]), andThen(conv2d(5, 6, act)), andThen(maxPool2d(2)),
    andThen(conv2d(5, 16, act)), andThen(maxPool2d(2)), andThen(flatten),
    andThen(dense(256, 120, act)), andThen(dense(120, 84, act)), andThen(dense(84, 10)));
  return { net, params: net.init(key(0)) };
}

/** The MNIST batches of train.mjs (32 × 128 digits), as [B,28,28,1] batches of `batch` (64 or 128). */
function lenetBatches(batch) {
  const out = [];
  for (const b of mnistBatches()) {
    for (let r0 = 0; r0 < b.x.shape[0]; r0 += batch) {
      const x = b.x.data.slice(r0 * 784, (r0 + batch) * 784);
      const y = Array.from(b.y.data.subarray(r0, r0 + batch));
      out.push({ x: { shape: [batch, 28, 28, 1], dtype: 'float32', data: x }, y: labels(y, 10) });
    }
  }
  return out;
}

/** tensorfold stepper: `run(steps)` → [ms, last loss]. */
function oursLenet(net, params, batches) {
  const optimizer = adam(1e-3);
  const stepFn = trainStep(net, softmaxCrossEntropy, optimizer);
  let state = { params, opt: optimizer.init(params), netState: undefined };
  let t = 0;
  const k = key(1);
  return (steps) => {
    let loss = NaN;
    const start = performance.now();
    for (let i = 0; i < steps; i++, t++) [state, loss] = stepFn(state, batches[t % batches.length], k);
    return [performance.now() - start, loss];
  };
}

/**
 * LeNet in tfjs on the current backend: tf.conv2d NHWC 'valid', tf.relu,
 * tf.maxPool, dense as matMul + add, tf.losses.softmaxCrossEntropy on one-hot
 * labels, tf.variableGrads, and tf.train.adam(1e-3).applyGradients.
 */
function tfjsLenet(params, batches) {
  const withW = params.filter((p) => p !== undefined && p.w !== undefined);
  const vars = withW.flatMap((p) => [
    tf.variable(tf.tensor(p.w.data, p.w.shape)),
    tf.variable(tf.tensor(p.b.data, p.b.shape)),
  ]);
  const [c1w, c1b, c2w, c2b, d1w, d1b, d2w, d2b, d3w, d3b] = vars;
  const data = batches.map((b) => ({
    x: tf.tensor4d(b.x.data, b.x.shape),
    y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(b.y.data, 'int32'), 10), 'float32')),
  }));
  const optimizer = tf.train.adam(1e-3);
  let t = 0;
  const run = (steps) => {
    let loss = NaN;
    const start = performance.now();
    for (let i = 0; i < steps; i++, t++) {
      const { x, y } = data[t % data.length];
      const { value, grads } = tf.variableGrads(() => {
        let h = tf.maxPool(tf.relu(tf.add(tf.conv2d(x, c1w, 1, 'valid'), c1b)), 2, 2, 'valid');
        h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, c2w, 1, 'valid'), c2b)), 2, 2, 'valid');
        h = tf.reshape(h, [x.shape[0], 256]);
        h = tf.relu(tf.add(tf.matMul(h, d1w), d1b));
        h = tf.relu(tf.add(tf.matMul(h, d2w), d2b));
        return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h, d3w), d3b));
      }, vars);
      optimizer.applyGradients(grads);
      tf.dispose(grads);
      loss = value.dataSync()[0];
      value.dispose();
    }
    return [performance.now() - start, loss];
  };
  run.dispose = () => {
    tf.dispose(vars);
    tf.dispose(data.flatMap((d) => [d.x, d.y]));
    optimizer.dispose();
  };
  return run;
}

/** Losses of ours and tfjs (current backend) after 3 Adam steps from the same start. */
function lenetAgreement(net, params, batches) {
  const [, a] = oursLenet(net, params, batches)(3);
  const theirs = tfjsLenet(params, batches);
  const [, b] = theirs(3);
  theirs.dispose();
  if (!(Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b)))) {
    throw new Error(`cnn bench: LeNet losses after 3 Adam steps differ (ours ${a}, tfjs-${tf.getBackend()} ${b})`);
  }
  return { ours: a, tfjs: b };
}

// ------------------------------------------------------------ conv layer

const CONV_CASES = [
  { name: 'LeNet conv2', x: [64, 12, 12, 6], w: [5, 5, 6, 16], padding: 'valid' },
  { name: 'conv 3×3 same', x: [32, 32, 32, 16], w: [3, 3, 16, 32], padding: 'same' },
];

const OPS = ['fwd', 'dW', 'dx'];

/** Images of each case that tfjs-cpu is timed on (see runCnnBench). */
const CPU_IMAGES = { 'LeNet conv2': 8, 'conv 3×3 same': 2 };

/** Case `c` restricted to its first CPU_IMAGES[c.name] images. */
function cpuSubset(c) {
  const m = CPU_IMAGES[c.name], per = (s) => s.slice(1).reduce((p, d) => p * d, 1);
  return { ...c, x: [m, ...c.x.slice(1)], y: [m, ...c.y.slice(1)],
    xd: c.xd.subarray(0, m * per(c.x)), dyd: c.dyd.subarray(0, m * per(c.y)) };
}

/** Our three kernels for a case: { fwd, dW, dx } → result array. */
function oursConvOps(c) {
  const g = conv2dGeometry(c.x, c.w, 1, c.padding);
  return {
    fwd: () => conv2dForward(g, c.xd, c.wd).y,
    dW: () => conv2dBackwardParams(g, c.xd, c.dyd).dw,
    dx: () => conv2dBackwardInput(g, c.dyd, c.wd),
  };
}

/** tfjs's three kernels on the current backend (inputs uploaded once, outputs read with dataSync). */
function tfjsConvOps(c) {
  const x = tf.tensor4d(c.xd, c.x), w = tf.tensor4d(c.wd, c.w), dy = tf.tensor4d(c.dyd, c.y);
  const read = (t) => { const d = t.dataSync(); t.dispose(); return d; };
  const attrs = { strides: 1, pad: c.padding, dataFormat: 'NHWC', dimRoundingMode: undefined };
  const ops = {
    fwd: () => read(tf.conv2d(x, w, 1, c.padding)),
    dW: () => read(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: c.w })),
    dx: () => read(tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...attrs, inputShape: c.x })),
  };
  ops.dispose = () => tf.dispose([x, w, dy]);
  return ops;
}

/** max |a − b| / max(1, max |b|). */
function relDiff(a, b) {
  let d = 0, m = 1;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return d / m;
}

/** Checks our fwd, dW, dx against tfjs on the current backend; returns the max abs forward diff and relative diffs. */
function convAgreement(c, ours, theirs) {
  const out = {};
  for (const op of OPS) {
    const a = ours[op](), b = theirs[op]();
    if (a.length !== b.length) throw new Error(`cnn bench: ${c.name} ${op} sizes differ`);
    if (op === 'fwd') {
      let d = 0;
      for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
      if (!(d <= 1e-4)) throw new Error(`cnn bench: ${c.name} forward differs from tfjs-${tf.getBackend()} by ${d}`);
      out.fwdMaxAbs = d;
    } else {
      const d = relDiff(a, b);
      if (!(d <= 1e-5)) throw new Error(`cnn bench: ${c.name} ${op} differs from tfjs-${tf.getBackend()} by ${d} (relative)`);
      out[`${op}Rel`] = d;
    }
  }
  return out;
}

// ------------------------------------------------------------ driver

/**
 * LeNet training steps and conv layer kernels, ours vs tfjs-wasm (interleaved)
 * and tfjs-cpu. Returns { train, conv, checks, wasmFilterGradAdded }.
 */
export async function runCnnBench({ log = () => {}, rounds = 5, roundMs = 1000, convRounds = 5 } = {}) {
  await loadTfjsGradients();
  startThreads(); // workers up before anything is timed
  const threads = DEFAULT_THREADS;
  await useBackend('wasm');
  const wasmFilterGradAdded = registerWasmFilterGrad();
  const { net, params } = lenet();
  const BATCHES = [64, 128];
  const data = Object.fromEntries(BATCHES.map((b) => [b, lenetBatches(b)]));
  const checks = { lenetLossAfter3Adam: {}, conv: {} };

  // Conv cases: data and checks first (wasm, then cpu).
  const cases = CONV_CASES.map((c, i) => {
    const g = conv2dGeometry(c.x, c.w, 1, c.padding);
    const y = [c.x[0], g.oh, g.ow, c.w[3]];
    const n = (s) => s.reduce((p, d) => p * d, 1);
    return { ...c, y, flops: 2 * c.x[0] * g.oh * g.ow * c.w[0] * c.w[1] * c.w[2] * c.w[3],
      xd: random(n(c.x), 3 * i + 1), wd: random(n(c.w), 3 * i + 2), dyd: random(n(y), 3 * i + 3),
      ms: { ours: {}, ours1: {}, wasm: {}, cpu: {} } };
  });

  checks.lenetLossAfter3Adam.wasm = lenetAgreement(net, params, data[64]);
  for (const c of cases) {
    const theirs = tfjsConvOps(c);
    checks.conv[c.name] = { wasm: convAgreement(c, oursConvOps(c), theirs) };
    theirs.dispose();
  }

  log(`cnn bench: LeNet training, ours at ${threads} threads and at 1 thread vs tfjs-wasm, ${rounds} interleaved rounds of ~${roundMs} ms each; ${describeKernel()}`);
  const runs = {}, jobs = {};
  for (const b of BATCHES) {
    jobs[b] = { nT: {}, '1T': {} };
    runs[`ours ${b}`] = { run: atThreads(threads, oursLenet(net, params, data[b]), jobs[b].nT), batch: b };
    runs[`ours1 ${b}`] = { run: atThreads(1, oursLenet(net, params, data[b]), jobs[b]['1T']), batch: b };
    runs[`wasm ${b}`] = { run: tfjsLenet(params, data[b]), batch: b };
  }
  const fast = measureRounds(runs, { rounds, roundMs, minSteps: 5 });
  for (const b of BATCHES) runs[`wasm ${b}`].run.dispose();

  log(`cnn bench: conv layer, ours at ${threads} threads and at 1 thread vs tfjs-wasm, ${convRounds} rounds of ~100 ms per op`);
  for (const c of cases) {
    const ours = oursConvOps(c), theirs = tfjsConvOps(c);
    for (const op of OPS) { c.ms.ours[op] = []; c.ms.ours1[op] = []; c.ms.wasm[op] = []; }
    // Round 0 is a warm-up and is discarded; ours nT and 1T alternate in order.
    for (let round = 0; round <= convRounds; round++) {
      for (const op of OPS) {
        const time = (n) => atThreads(n, timeMs)(ours[op], 100, { minReps: 3 });
        let o, o1;
        if (round % 2) { o1 = time(1); o = time(threads); } else { o = time(threads); o1 = time(1); }
        const w = timeMs(theirs[op], 100, { minReps: 3 });
        if (round > 0) { c.ms.ours[op].push(o); c.ms.ours1[op].push(o1); c.ms.wasm[op].push(w); }
      }
    }
    theirs.dispose();
  }

  // tfjs-cpu is two to three orders of magnitude slower (its Conv2DBackpropFilter
  // takes ~3 s on LeNet's conv2 at batch 64, ~35 s on the 'same' case at batch 32),
  // so its conv ops are timed on the first CPU_IMAGES images of each case (the
  // same per-image work; GFLOP/s counts those images only), and its LeNet steps
  // are one warm-up and 3 timed steps per batch size.
  log('cnn bench: tfjs-cpu');
  await useBackend('cpu');
  for (const c of cases) {
    const sub = cpuSubset(c);
    const theirs = tfjsConvOps(sub);
    checks.conv[c.name].cpu = { images: sub.x[0], ...convAgreement(sub, oursConvOps(sub), theirs) };
    for (const op of OPS) c.ms.cpu[op] = timeMs(theirs[op], 0, { warm: 1, minReps: 1 })[0] * (c.x[0] / sub.x[0]);
    theirs.dispose();
  }
  const cpu = {};
  for (const b of BATCHES) {
    const run = tfjsLenet(params, data[b]);
    run(1);
    const rates = [];
    let loss = NaN;
    for (let i = 0; i < 3; i++) { const [ms, l] = run(1); rates.push(b / (ms / 1000)); loss = l; }
    cpu[`cpu ${b}`] = { examplesPerSec: median(rates), steps: 3, loss };
    run.dispose();
  }
  await useBackend('wasm');

  const all = { ...fast, ...cpu };
  const train = BATCHES.map((b) => {
    const ours = all[`ours ${b}`], one = all[`ours1 ${b}`], wasm = all[`wasm ${b}`], cpuR = all[`cpu ${b}`];
    checkSplits(`cnn bench, LeNet batch ${b}`, jobs[b]['1T'], jobs[b].nT, threads);
    const perRound = ours.rates.map((x, i) => x / one.rates[i]);
    return {
      batch: b, threads, ours: ours.examplesPerSec, oursNT: ours.examplesPerSec, ours1T: one.examplesPerSec,
      threadSpeedup: ours.examplesPerSec / one.examplesPerSec, threadSpeedupPerRound: perRound,
      threadSpeedupMedianOfRounds: median(perRound), splits: jobs[b].nT.splits ?? null, workerBlocks: jobs[b].nT.workerBlocks ?? null,
      tfjsWasm: wasm.examplesPerSec, tfjsCpu: cpuR.examplesPerSec,
      vsWasm: ours.examplesPerSec / wasm.examplesPerSec, vsCpu: ours.examplesPerSec / cpuR.examplesPerSec,
      vsWasm1T: one.examplesPerSec / wasm.examplesPerSec,
      steps: { ours: ours.steps, ours1T: one.steps, tfjsWasm: wasm.steps, tfjsCpu: cpuR.steps },
      finalLoss: { ours: ours.loss, ours1T: one.loss, tfjsWasm: wasm.loss, tfjsCpu: cpuR.loss },
    };
  });
  const gf = (flops, ms) => flops / (ms * 1e6);
  const conv = cases.map((c) => {
    const med = (who, op) => median(c.ms[who][op].map((t) => t[0]));
    const row = { name: c.name, x: c.x, w: c.w, padding: c.padding, gflopPerGemm: c.flops / 1e9, threads, ops: {} };
    let sum = { ours: 0, ours1: 0, wasm: 0, cpu: 0 };
    for (const op of OPS) {
      const ms = { ours: med('ours', op), ours1: med('ours1', op), wasm: med('wasm', op), cpu: c.ms.cpu[op] };
      const bestOurs = Math.min(...c.ms.ours[op].map((t) => t[1])), bestWasm = Math.min(...c.ms.wasm[op].map((t) => t[1]));
      row.ops[op] = { ms, ours: gf(c.flops, ms.ours), ours1T: gf(c.flops, ms.ours1), threadSpeedup: ms.ours1 / ms.ours,
        tfjsWasm: gf(c.flops, ms.wasm), tfjsCpu: gf(c.flops, ms.cpu),
        vsWasm: ms.wasm / ms.ours, vsWasm1T: ms.wasm / ms.ours1, vsCpu: ms.cpu / ms.ours,
        oursBest: gf(c.flops, bestOurs), ours1TBest: gf(c.flops, Math.min(...c.ms.ours1[op].map((t) => t[1]))), tfjsWasmBest: gf(c.flops, bestWasm) };
      for (const k of Object.keys(sum)) sum[k] += ms[k];
    }
    // Also the median over rounds of each round's ratio (ours and tfjs-wasm ran back to back).
    const perRound = c.ms.ours.fwd.map((_, r) => OPS.reduce((t, op) => t + c.ms.wasm[op][r][0], 0)
      / OPS.reduce((t, op) => t + c.ms.ours[op][r][0], 0));
    row.total = { ms: sum, ours: gf(3 * c.flops, sum.ours), ours1T: gf(3 * c.flops, sum.ours1), threadSpeedup: sum.ours1 / sum.ours,
      tfjsWasm: gf(3 * c.flops, sum.wasm), tfjsCpu: gf(3 * c.flops, sum.cpu),
      vsWasm: sum.wasm / sum.ours, vsWasm1T: sum.wasm / sum.ours1, vsCpu: sum.cpu / sum.ours, vsWasmPerRound: perRound, vsWasmMedianOfRounds: median(perRound) };
    return row;
  });
  return { train, conv, checks, wasmFilterGradAdded };
}

/** The tables of {@link runCnnBench} as text. */
export function formatCnnTables({ train, conv, wasmFilterGradAdded }) {
  const f = (x, d = 0, w = 9) => x.toFixed(d).padStart(w);
  const n = train[0]?.threads ?? DEFAULT_THREADS;
  const lines = [
    `LeNet training step (Adam 1e-3, softmax CE, MNIST): examples/s, median of rounds; ours 1T = 1 thread, ours nT = ${n} threads; tfjs 1 thread`,
    `batch |   ours 1T   ours nT    nT/1T |  tfjsWasm   tfjsCpu |  1T/wasm  nT/wasm   nT/cpu | nT/1T per round | steps 1T/nT/wasm/cpu`,
  ];
  for (const r of train) {
    lines.push(`${String(r.batch).padEnd(5)} |${f(r.ours1T)} ${f(r.ours)}${f(r.threadSpeedup, 2)} |${f(r.tfjsWasm)} ${f(r.tfjsCpu)} |`
      + `${f(r.vsWasm1T, 1)}${f(r.vsWasm, 1)}${f(r.vsCpu, 1)} | ${r.threadSpeedupPerRound.map((v) => v.toFixed(2)).join(' ')} | `
      + `${r.steps.ours1T}/${r.steps.ours}/${r.steps.tfjsWasm}/${r.steps.tfjsCpu}`);
  }
  lines.push('', `conv layer: GFLOP/s (2·N·OH·OW·K·K·C·F per op; all = 3 ops / sum of medians); ours 1T = 1 thread, nT = ${n} threads`
    + `${wasmFilterGradAdded ? '; tfjs-wasm dW = bench kernel (transpose + XNNPACK conv)' : ''}`);
  lines.push(`${'case'.padEnd(14)} op  | ours1T oursNT nT/1T  wasm   cpu | 1T/wasm nT/wasm   nT/cpu | ms ours 1T / nT / wasm / cpu`);
  for (const r of conv) {
    for (const [op, o] of [...Object.entries(r.ops), ['all', r.total]]) {
      lines.push(`${r.name.padEnd(14)} ${op.padEnd(3)} |${f(o.ours1T, 1, 7)}${f(o.ours, 1, 7)}${f(o.threadSpeedup, 2, 6)}${f(o.tfjsWasm, 1, 6)}${f(o.tfjsCpu, 2, 6)} |`
        + `${f(o.vsWasm1T, 2, 8)}${f(o.vsWasm, 2, 8)}${f(o.vsCpu, 1, 9)} | `
        + `${o.ms.ours1.toFixed(2)} / ${o.ms.ours.toFixed(2)} / ${o.ms.wasm.toFixed(2)} / ${o.ms.cpu.toFixed(1)}`
        + (o.vsWasmPerRound ? ` | nT/wasm per round ${o.vsWasmPerRound.map((v) => v.toFixed(1)).join(' ')}` : ''));
    }
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now(), loadBefore = os.loadavg();
  const env = (name, dflt) => Number(process.env[name] ?? dflt);
  console.log(describeKernel());
  const res = await runCnnBench({ log: console.log, rounds: env('BENCH_ROUNDS', 5), roundMs: env('BENCH_MS', 1000),
    convRounds: env('BENCH_CONV_ROUNDS', 5) });
  console.log(formatCnnTables(res));
  console.log(`checks: ${JSON.stringify(res.checks)}`);
  console.log(`at the end: ${describeKernel()}`);
  console.log(`cnn bench took ${((performance.now() - t0) / 1000).toFixed(1)} s; load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'cnn.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version,
    cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg(), ...res }, null, 2) + '\n');
  console.log(`wrote ${join(dir, 'cnn.json')}`);
}
