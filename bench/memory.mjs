// Memory check: resident memory stays bounded over a long training run.
//
//   npm run bench:memory      (= npm run build && node --expose-gc bench/memory.mjs)
//
// Trains the 784-256-128-10 relu MLP on MNIST (8,000 training and 1,000
// validation digits, batch 128, Adam) for 20 epochs with `fit`. After every
// epoch (onEpoch) it runs a full GC when --expose-gc is given and samples
// process.memoryUsage().rss. Exits 1 if RSS after epoch 20 exceeds RSS after
// epoch 2 by more than 10% (epoch 1 is skipped: it grows the wasm memory,
// tiers up the JIT and warms the allocator).
import { fileURLToPath } from 'node:url';
import {
  adam, andThen, dense, fit, key, pipe, relu, softmaxCrossEntropy, splitData,
} from '../dist/src/index.js';
import { loadMnist } from '../dist/src/node/index.js';

const MB = 2 ** 20;

/** Trains for `epochs` epochs; returns RSS (bytes) after each epoch and the final state. */
export function runMemoryBench({ epochs = 20, log = () => {} } = {}) {
  const gc = globalThis.gc;
  if (typeof gc !== 'function') log('note: run node with --expose-gc for GC before each sample');
  const net = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 128)), andThen(relu), andThen(dense(128, 10)));
  const k = key(7);
  const { train, validation } = splitData(k, loadMnist(), { train: 8000, validation: 1000 });
  const rss = [];
  const started = performance.now();
  const state = fit({
    net, loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: 128, epochs, key: k,
    onEpoch: (r) => {
      gc?.();
      const m = process.memoryUsage();
      rss.push(m.rss);
      log(`epoch ${String(r.epoch).padStart(2)}  rss ${(m.rss / MB).toFixed(1).padStart(6)} MB`
        + `  heap ${(m.heapUsed / MB).toFixed(1).padStart(5)} MB  external+buffers ${((m.external + m.arrayBuffers) / MB).toFixed(1).padStart(5)} MB`
        + `  validation error ${(100 * r.validationError).toFixed(2)}%  ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
  }, train, validation);
  return { rss, ratio: rss[epochs - 1] / rss[1], epochs: state.epoch };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { rss, ratio } = runMemoryBench({ log: console.log });
  const ok = ratio <= 1.1;
  console.log(`rss epoch 20 / epoch 2 = ${(rss[19] / MB).toFixed(1)} / ${(rss[1] / MB).toFixed(1)} MB = ${ratio.toFixed(3)} `
    + `(limit 1.10): ${ok ? 'ok' : 'FAIL'}`);
  if (!ok) process.exitCode = 1;
}
