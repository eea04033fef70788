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
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import {
  adam, andThen, dense, key, labels, pipe, relu, sgd, softmaxCrossEntropy, trainStep,
} from '../dist/src/index.js';
import { loadMnist } from '../dist/src/node/index.js';
import { useBackend } from './matmul.mjs';
import { loadTfjsGradients } from './tfjsGradients.mjs';
import { measureRounds } from './util.mjs';

/** Steppers of batch BATCH, as measureRounds takes them. */
const withBatch = (runs) => Object.fromEntries(Object.entries(runs).map(([n, run]) => [n, { run, batch: BATCH }]));

const BATCH = 128;
const SIZES = [784, 256, 128, 10];
const N_BATCHES = 32; // distinct batches, cycled


/** The MLP and its initial params (the same for every contender). */
export function mlp() {
  const net = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 128)), andThen(relu), andThen(dense(128, 10)));
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
  const vars = [0, 2, 4].flatMap((i) => [
    tf.variable(tf.tensor2d(params[i].w.data, params[i].w.shape)),
    tf.variable(tf.tensor1d(params[i].b.data)),
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
 * Examples/s of full training steps for ours (sgd, adam) and tfjs-wasm,
 * tfjs-cpu (same optimizers). Returns one row per optimizer with ratios.
 */
export async function runTrainBench({ rounds = 5, roundMs = 1500, log = () => {} } = {}) {
  await loadTfjsGradients();
  const batches = mnistBatches();
  const { net, params } = mlp();
  await useBackend('wasm');
  checkAgreement(net, params, batches);
  log(`train bench: ours vs tfjs-wasm, ${rounds} rounds of ~${roundMs} ms each`);
  const runs = {};
  for (const [o, make] of Object.entries(OPTIMIZERS)) {
    runs[`ours ${o}`] = oursContender(net, params, make.ours(), batches);
    runs[`wasm ${o}`] = tfjsContender(params, make.tfjs, batches);
  }
  const fast = measureRounds(withBatch(runs), { rounds, roundMs, minSteps: 10 });
  for (const [o] of Object.entries(OPTIMIZERS)) runs[`wasm ${o}`].dispose();
  log('train bench: tfjs-cpu');
  await useBackend('cpu');
  const cpuRuns = {};
  for (const [o, make] of Object.entries(OPTIMIZERS)) cpuRuns[`cpu ${o}`] = tfjsContender(params, make.tfjs, batches);
  const cpu = measureRounds(withBatch(cpuRuns), { rounds: 3, roundMs: 1000, minSteps: 3 });
  for (const run of Object.values(cpuRuns)) run.dispose();
  const all = { ...fast, ...cpu };
  return Object.keys(OPTIMIZERS).map((o) => {
    const ours = all[`ours ${o}`], wasm = all[`wasm ${o}`], cpuR = all[`cpu ${o}`];
    return {
      optimizer: o, batch: BATCH, sizes: SIZES,
      ours: ours.examplesPerSec, tfjsWasm: wasm.examplesPerSec, tfjsCpu: cpuR.examplesPerSec,
      vsWasm: ours.examplesPerSec / wasm.examplesPerSec, vsCpu: ours.examplesPerSec / cpuR.examplesPerSec,
      steps: { ours: ours.steps, tfjsWasm: wasm.steps, tfjsCpu: cpuR.steps },
      finalLoss: { ours: ours.loss, tfjsWasm: wasm.loss, tfjsCpu: cpuR.loss },
    };
  });
}

/** The table of {@link runTrainBench} rows as text. */
export function formatTrainTable(rows) {
  const f = (x, d = 0) => x.toFixed(d).padStart(9);
  const lines = [
    `MLP ${SIZES.join('-')} relu, softmax CE, batch ${BATCH}, MNIST: examples/s, median of rounds`,
    `optimizer |      ours  tfjsWasm   tfjsCpu |    xWasm     xCpu | steps ours/wasm/cpu`,
  ];
  for (const r of rows) {
    lines.push(`${r.optimizer.padEnd(9)} |${f(r.ours)} ${f(r.tfjsWasm)} ${f(r.tfjsCpu)} |${f(r.vsWasm, 1)}${f(r.vsCpu, 1)} | `
      + `${r.steps.ours}/${r.steps.tfjsWasm}/${r.steps.tfjsCpu}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(formatTrainTable(await runTrainBench({ log: console.log })));
}
