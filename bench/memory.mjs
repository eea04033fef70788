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
//
// The kernel's worker threads run throughout: the script starts them before
// training (startWasmThreads) and prints kernelInfo() at the start and at the
// end; where the kernel may use several threads (maxThreads ≥ 2) it fails
// unless both report threads ≥ 2 and the training split some products across
// them (the first layer's products at batch 128, 128·784·256 multiply-adds,
// are well above the 2^21 from which the GEMM is split). RSS counts the
// workers' memory too: they live in this process.
import { fileURLToPath } from 'node:url';
import {
  adam, andThen, dense, fit, kernelInfo, key, pipe, relu, softmaxCrossEntropy, splitData,
} from '../dist/src/index.js';
import { loadMnist } from '../dist/src/node/index.js';
import { startThreads, threadCounters } from './util.mjs';

const MB = 2 ** 20;

const BATCH = 128;
/** Multiply-adds of the largest product of a training step (the first layer, 784 → 256). */
const LARGEST_MACS = BATCH * 784 * 256;

/**
 * Trains for `epochs` epochs; returns RSS (bytes) after each epoch, its ratio epoch `epochs` /
 * epoch 2, kernelInfo() at the start (workers started) and at the end, and the thread pool's
 * counters over the training (`splits`: products split across threads; `workerBlocks`: blocks of
 * them the workers computed; null if the build exposes none).
 */
export function runMemoryBench({ epochs = 20, log = () => {} } = {}) {
  if (LARGEST_MACS < 2 ** 20) throw new Error('memory bench: products too small to be split across threads');
  const infoStart = startThreads();
  log(`kernelInfo() at start: ${JSON.stringify(infoStart)}; largest product ${BATCH}·784·256 = ${LARGEST_MACS} multiply-adds (split from 2^21)`);
  const countersStart = threadCounters();
  const gc = globalThis.gc;
  if (typeof gc !== 'function') log('note: run node with --expose-gc for GC before each sample');
  const net = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 128)), andThen(relu), andThen(dense(128, 10)));
  const k = key(7);
  const { train, validation } = splitData(k, loadMnist(), { train: 8000, validation: 1000 });
  const rss = [];
  const started = performance.now();
  const state = fit({
    net, loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: BATCH, epochs, key: k,
    onEpoch: (r) => {
      gc?.();
      const m = process.memoryUsage();
      rss.push(m.rss);
      log(`epoch ${String(r.epoch).padStart(2)}  rss ${(m.rss / MB).toFixed(1).padStart(6)} MB`
        + `  heap ${(m.heapUsed / MB).toFixed(1).padStart(5)} MB  external+buffers ${((m.external + m.arrayBuffers) / MB).toFixed(1).padStart(5)} MB`
        + `  validation error ${(100 * r.validationError).toFixed(2)}%  ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
  }, train, validation);
  const countersEnd = threadCounters();
  const infoEnd = kernelInfo();
  log(`kernelInfo() at end: ${JSON.stringify(infoEnd)}`);
  const counters = countersStart && countersEnd
    ? { splits: countersEnd.splits - countersStart.splits, workerBlocks: countersEnd.workerBlocks - countersStart.workerBlocks }
    : null;
  if (counters) log(`products split across threads during training: ${counters.splits}, blocks computed by workers: ${counters.workerBlocks}`);
  return { rss, ratio: rss[epochs - 1] / rss[1], epochs: state.epoch, infoStart, infoEnd, counters };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { rss, ratio, infoStart, infoEnd, counters } = runMemoryBench({ log: console.log });
  const ok = ratio <= 1.1;
  console.log(`rss epoch 20 / epoch 2 = ${(rss[19] / MB).toFixed(1)} / ${(rss[1] / MB).toFixed(1)} MB = ${ratio.toFixed(3)} `
    + `(limit 1.10): ${ok ? 'ok' : 'FAIL'}`);
  // The worker must have been running: threads ≥ 2 at start and end wherever the kernel may use 2+.
  const threadsOk = infoStart.maxThreads < 2
    || (infoStart.threads >= 2 && infoEnd.threads >= 2 && (counters === null || counters.splits > 0));
  console.log(`kernel threads at start / end: ${infoStart.threads} / ${infoEnd.threads} (max ${infoStart.maxThreads})`
    + (counters ? `, ${counters.splits} products split` : '') + `: ${threadsOk ? 'ok' : 'FAIL (the worker was not running)'}`);
  if (!ok || !threadsOk) process.exitCode = 1;
}
