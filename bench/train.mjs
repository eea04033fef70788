// Training-step benchmark: the 784-256-128-10 relu MLP with softmax
// cross-entropy at batch 128 on the real MNIST digits, tensorfold vs
// TensorFlow.js ('wasm' with SIMD, single thread, and 'cpu'), one process.
//
//   npm run build && node bench/train.mjs
//
// A step is the whole update: forward, loss, backward, optimizer. Ours is
// `trainStep(net, softmaxCrossEntropy, sgd(0.01) | adam(1e-3))` on plain
// Float32Array batches (so it includes copying operands into wasm memory);
// tfjs is `optimizer.minimize(() => tf.losses.softmaxCrossEntropy(...))` on
// tf.variable weights with the loss read back by dataSync. Both start from
// the same weights and see the same batches in the same order.
//
// Ours runs twice per optimizer, in the same interleaved rounds: at the
// kernel's default thread count (kernelInfo().maxThreads at start; the GEMMs
// of this step, ≥ 2^21 multiply-adds except the 128-10 layer's, are split
// across worker threads) and at 1 thread (setKernelThreads(1)), so the table
// shows what the other cores give. tfjs-wasm and tfjs-cpu run on one thread.
//
//   BENCH_ROUNDS=2 BENCH_MS=300 node bench/train.mjs   (short run, for checking)
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  adam, andThen, dense, key, labels, pipe, sgd, softmaxCrossEntropy, trainStep,
} from '../dist/src/index.js';
import { loadMnist } from '../dist/src/node/index.js';
import { useBackend } from './matmul.mjs';
import { loadTfjsGradients } from './tfjsGradients.mjs';
import { DEFAULT_THREADS, atThreads, checkSplits, describeKernel, measureRounds, median, startThreads } from './util.mjs';

/** Steppers of batch BATCH, as measureRounds takes them. */
const withBatch = (runs) => Object.fromEntries(Object.entries(runs).map(([n, run]) => [n, { run, batch: BATCH }]));

const BATCH = 128;
const SIZES = [784, 256, 128, 10];
const N_BATCHES = 32; // distinct batches, cycled


/**
 * The MLP and its initial params (the same for every contender). Ours writes each relu as the
 * dense layer's fused activation (`{ activation: 'relu' }`), the bits of a separate `relu` layer
 * (tested) without a pass of its own: the network is the same.
 */
export function mlp() {
  const act = { activation: 'relu' };
  const net = pipe(dense(784, 256, act), andThen(dense(256, 128, act)), andThen(dense(128, 10)));
  return { net, params: net.init(key(0)) };
}

/** N_BATCHES batches of BATCH digits from a fixed shuffle of MNIST. */
export function mnistBatches() {
  const all = loadMnist();
  const n = all.x.shape[0];
  const order = Array.from({ length: n }, (_, i) => i);
  let s = 12345;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const batches = [];
  for (let b = 0; b < N_BATCHES; b++) {
    const x = new Float32Array(BATCH * 784);
    const y = [];
    for (let r = 0; r < BATCH; r++) {
      const i = order[b * BATCH + r];
      x.set(all.x.data.subarray(i * 784, (i + 1) * 784), r * 784);
      y.push(all.y.data[i]);
    }
    batches.push({ x: { shape: [BATCH, 784], dtype: 'float32', data: x }, y: labels(y, 10) });
  }
  return batches;
}

/** A stepper for tensorfold: `run(steps)` → [ms, last loss]. */
function oursContender(net, params, optimizer, batches) {
  const stepFn = trainStep(net, softmaxCrossEntropy, optimizer);
  let state = { params, opt: optimizer.init(params), netState: undefined };
  let t = 0;
  const k = key(1);
  return (steps) => {
    let loss = NaN;
    const start = performance.now();
    for (let i = 0; i < steps; i++, t++) {
      [state, loss] = stepFn(state, batches[t % batches.length], k);
    }
    return [performance.now() - start, loss];
  };
}

/** The same MLP in tfjs on the current backend; `dispose()` frees it. */
function tfjsContender(params, makeOptimizer, batches) {
  const vars = params.filter((p) => p.w !== undefined).flatMap((p) => [
    tf.variable(tf.tensor2d(p.w.data, p.w.shape)),
    tf.variable(tf.tensor1d(p.b.data)),
  ]);
  const data = batches.map((b) => ({
    x: tf.tensor2d(b.x.data, b.x.shape),
    y: tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(b.y.data, 'int32'), 10), 'float32')),
  }));
  const optimizer = makeOptimizer();
  const [w1, b1, w2, b2, w3, b3] = vars;
  let t = 0;
  const run = (steps) => {
    let loss = NaN;
    const start = performance.now();
    for (let i = 0; i < steps; i++, t++) {
      const { x, y } = data[t % data.length];
      const value = optimizer.minimize(() => {
        const h1 = tf.relu(tf.add(tf.matMul(x, w1), b1));
        const h2 = tf.relu(tf.add(tf.matMul(h1, w2), b2));
        return tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(h2, w3), b3));
      }, true, vars);
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

const OPTIMIZERS = {
  sgd: { ours: () => sgd(0.01), tfjs: () => tf.train.sgd(0.01) },
  adam: { ours: () => adam(1e-3), tfjs: () => tf.train.adam(1e-3) },
};

/** Checks that one step of each library gives the same loss from the same start. */
function checkAgreement(net, params, batches) {
  const ours = oursContender(net, params, sgd(0.01), batches);
  const theirs = tfjsContender(params, () => tf.train.sgd(0.01), batches);
  const [, a] = ours(3), [, b] = theirs(3);
  theirs.dispose();
  if (!(Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b)))) throw new Error(`train bench: losses differ (ours ${a}, tfjs ${b})`);
}

/**
 * Examples/s of full training steps for ours (sgd, adam) at the default
 * thread count and at 1 thread, and tfjs-wasm, tfjs-cpu (same optimizers).
 * Returns one row per optimizer with ratios: `ours` (= `oursNT`, at
 * `threads` threads), `ours1T`, `threadSpeedup` (nT / 1T of the medians, and
 * per round), `vsWasm` / `vsCpu` (nT), `vsWasm1T` / `vsCpu1T`, and
 * `splits` / `workerBlocks` (products split across threads in the nT runs,
 * warm-up included, and blocks of them the workers computed).
 * `cpuRounds` / `cpuRoundMs` are tfjs-cpu's (slow: ~0.2 s per step).
 */
export async function runTrainBench({ rounds = 5, roundMs = 1500, cpuRounds = 3, cpuRoundMs = 1000, log = () => {} } = {}) {
  await loadTfjsGradients();
  const batches = mnistBatches();
  const { net, params } = mlp();
  startThreads(); // workers up before anything is timed
  const threads = DEFAULT_THREADS;
  await useBackend('wasm');
  checkAgreement(net, params, batches);
  log(`train bench: ours at ${threads} threads and at 1 thread vs tfjs-wasm (1 thread), ${rounds} interleaved rounds of ~${roundMs} ms each; ${describeKernel()}`);
  const runs = {}, jobs = {};
  for (const [o, make] of Object.entries(OPTIMIZERS)) {
    jobs[o] = { nT: {}, '1T': {} };
    runs[`ours nT ${o}`] = atThreads(threads, oursContender(net, params, make.ours(), batches), jobs[o].nT);
    runs[`ours 1T ${o}`] = atThreads(1, oursContender(net, params, make.ours(), batches), jobs[o]['1T']);
    runs[`wasm ${o}`] = tfjsContender(params, make.tfjs, batches);
  }
  const fast = measureRounds(withBatch(runs), { rounds, roundMs, minSteps: 10 });
  for (const [o] of Object.entries(OPTIMIZERS)) runs[`wasm ${o}`].dispose();
  log('train bench: tfjs-cpu');
  await useBackend('cpu');
  const cpuRuns = {};
  for (const [o, make] of Object.entries(OPTIMIZERS)) cpuRuns[`cpu ${o}`] = tfjsContender(params, make.tfjs, batches);
  const cpu = measureRounds(withBatch(cpuRuns), { rounds: cpuRounds, roundMs: cpuRoundMs, minSteps: 3 });
  for (const run of Object.values(cpuRuns)) run.dispose();
  await useBackend('wasm');
  const all = { ...fast, ...cpu };
  return Object.keys(OPTIMIZERS).map((o) => {
    const ours = all[`ours nT ${o}`], one = all[`ours 1T ${o}`], wasm = all[`wasm ${o}`], cpuR = all[`cpu ${o}`];
    checkSplits(`train bench, ${o}`, jobs[o]['1T'], jobs[o].nT, threads);
    const perRound = ours.rates.map((x, i) => x / one.rates[i]);
    return {
      optimizer: o, batch: BATCH, sizes: SIZES, threads,
      ours: ours.examplesPerSec, oursNT: ours.examplesPerSec, ours1T: one.examplesPerSec,
      threadSpeedup: ours.examplesPerSec / one.examplesPerSec, threadSpeedupPerRound: perRound,
      threadSpeedupMedianOfRounds: median(perRound), splits: jobs[o].nT.splits ?? null, workerBlocks: jobs[o].nT.workerBlocks ?? null,
      tfjsWasm: wasm.examplesPerSec, tfjsCpu: cpuR.examplesPerSec,
      vsWasm: ours.examplesPerSec / wasm.examplesPerSec, vsCpu: ours.examplesPerSec / cpuR.examplesPerSec,
      vsWasm1T: one.examplesPerSec / wasm.examplesPerSec, vsCpu1T: one.examplesPerSec / cpuR.examplesPerSec,
      steps: { ours: ours.steps, ours1T: one.steps, tfjsWasm: wasm.steps, tfjsCpu: cpuR.steps },
      finalLoss: { ours: ours.loss, ours1T: one.loss, tfjsWasm: wasm.loss, tfjsCpu: cpuR.loss },
    };
  });
}

/** The table of {@link runTrainBench} rows as text. */
export function formatTrainTable(rows) {
  const f = (x, d = 0) => x.toFixed(d).padStart(9);
  const n = rows[0]?.threads ?? DEFAULT_THREADS;
  const lines = [
    `MLP ${SIZES.join('-')} relu, softmax CE, batch ${BATCH}, MNIST: examples/s, median of rounds; `
      + `ours 1T = 1 thread, ours nT = ${n} threads; tfjs 1 thread`,
    `optimizer |   ours 1T   ours nT    nT/1T |  tfjsWasm   tfjsCpu |  1T/wasm  nT/wasm   nT/cpu | nT/1T per round | steps 1T/nT/wasm/cpu`,
  ];
  for (const r of rows) {
    lines.push(`${r.optimizer.padEnd(9)} |${f(r.ours1T)} ${f(r.ours)}${f(r.threadSpeedup, 2)} |${f(r.tfjsWasm)} ${f(r.tfjsCpu)} |`
      + `${f(r.vsWasm1T, 1)}${f(r.vsWasm, 1)}${f(r.vsCpu, 1)} | ${r.threadSpeedupPerRound.map((v) => v.toFixed(2)).join(' ')} | `
      + `${r.steps.ours1T}/${r.steps.ours}/${r.steps.tfjsWasm}/${r.steps.tfjsCpu}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const env = (name, dflt) => Number(process.env[name] ?? dflt);
  console.log(formatTrainTable(await runTrainBench({ log: console.log, rounds: env('BENCH_ROUNDS', 5), roundMs: env('BENCH_MS', 1500),
    cpuRounds: env('BENCH_CPU_ROUNDS', 3), cpuRoundMs: env('BENCH_CPU_MS', 1000) })));
  console.log(`at the end: ${describeKernel()}`);
}
