// All speed benchmarks in one process: `npm run bench` (builds first).
//
// Runs the matmul bench (bench/matmul.mjs), the training-step bench
// (bench/train.mjs) and the CNN bench (bench/cnn.mjs: LeNet training step and
// one conv layer forward + backward), prints the tables and the goals of the
// "Fast kernels" issue, and writes bench/results/latest.json with every figure
// and the machine it was measured on. The memory check is separate:
// npm run bench:memory.
//
// When /usr/bin/python3 can import torch, each section is followed by its
// PyTorch counterpart (bench/pytorch.mjs: ours and PyTorch at one thread in
// alternating rounds, PyTorch in a long-lived child process), and the tables
// show tensorfold ÷ PyTorch next to tensorfold ÷ tfjs-wasm. Without torch it
// prints how to install it and skips that part.
//
// Threads: ours is measured at 1 thread and at the kernel's default thread
// count (kernelInfo().maxThreads at start: the cores, at most 4), interleaved
// with tfjs-wasm (1 thread); the workers are started before anything is timed
// and kernelInfo() is printed at the top and at the end. In the PyTorch rounds
// ours runs at the default thread count and PyTorch at 1 thread.
//
//   BENCH_QUICK=1 node bench/run.mjs   (short rounds everywhere: checks the script, not for figures)
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { kernelInfo } from '../dist/src/index.js';
import { DEFAULT_THREADS, describeKernel, startThreads } from './util.mjs';
import { formatMatmulTable, runMatmulBench } from './matmul.mjs';
import { formatTrainTable, runTrainBench } from './train.mjs';
import { formatCnnTables, runCnnBench } from './cnn.mjs';
import {
  TORCH_INSTALL_HINT, describeTorch, formatTorchMatmulTable, formatTorchTrainTable, runTorchCnn, runTorchMatmul,
  runTorchTrain, startTorch,
} from './pytorch.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The MLP step for the issue's "done when": ours at n threads and at 1 (train bench rounds), and
 * PyTorch at 1 thread against ours at n threads in the rounds alternating with it.
 */
function mlpSummary(train, torchRows) {
  return train.map((t) => {
    const p = torchRows.find((r) => r.optimizer === t.optimizer);
    return `MLP ${t.optimizer}: ours ${Math.round(t.ours)} ex/s at ${t.threads} threads, ${Math.round(t.ours1T)} at 1 thread `
      + `(${t.threadSpeedup.toFixed(2)}×); vs PyTorch (1 thread, ${p ? Math.round(p.torch) : '-'} ex/s): `
      + `${p ? `${p.vsTorch.toFixed(2)}× (ours' ${Math.round(p.ours)} at ${t.threads} threads, same rounds)` : '-'}`;
  }).join('\n');
}

const machine = () => ({
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`, memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  date: new Date().toISOString(),
});

/** The issue's targets, each with the measured value. */
function goals(matmul, train) {
  const out = [];
  const sq = matmul.find((r) => r.name === 'square 512' && r.layout === 'nn');
  if (sq.threads >= 2) {
    out.push({ goal: `matmul square 512 at ${sq.threads} threads ≥ 1.7× 1 thread`, value: sq.threadSpeedup, ok: sq.threadSpeedup >= 1.7 });
  }
  for (const t of train) {
    out.push({ goal: `train ${t.optimizer} ≥ 3× tfjs-wasm`, value: t.vsWasm, ok: t.vsWasm >= 3 });
    out.push({ goal: `train ${t.optimizer} ≥ 10× tfjs-cpu`, value: t.vsCpu, ok: t.vsCpu >= 10 });
  }
  out.push({ goal: 'matmul square 512 ≥ 1× tfjs-wasm', value: sq.vsWasm, ok: sq.vsWasm >= 1 });
  for (const r of matmul.filter((r) => r.name.startsWith('mlp ') && r.layout !== 'nn')) {
    out.push({ goal: `${r.name} (${r.layout}) ≥ 5× tfjs-wasm`, value: r.vsWasm, ok: r.vsWasm >= 5 });
  }
  return out;
}

const log = (line) => console.log(line);
const info = machine();
const loadBefore = os.loadavg();
log(`${info.cpu}, ${info.cores} cores, node ${info.node}, load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}`);
// The kernel's workers start (and are waited for) before anything is timed.
const kernelAtStart = startThreads();
log(`kernelInfo(): ${JSON.stringify(kernelAtStart)} (${describeKernel(kernelAtStart)}); ours is measured at 1 and at ${DEFAULT_THREADS} threads`);
const quick = process.env.BENCH_QUICK === '1';
if (quick) log('BENCH_QUICK=1: short rounds, for checking the script only (figures not meaningful)');
const opts = quick
  ? { matmul: { rounds: 1, budgetMs: 40 }, train: { rounds: 2, roundMs: 300, cpuRounds: 1, cpuRoundMs: 200 },
    cnn: { rounds: 2, roundMs: 300, convRounds: 1 }, torchMatmul: { rounds: 1, budgetMs: 40 },
    torchTrain: { rounds: 2, roundMs: 300 } }
  : { matmul: {}, train: {}, cnn: {}, torchMatmul: {}, torchTrain: {} };
// PyTorch's child process starts (and imports torch) before anything is timed.
const torch = await startTorch();
log(torch.skipped ? `${TORCH_INSTALL_HINT}\n  (reason: ${torch.skipped})` : describeTorch(torch.info));
const pt = torch.skipped ? null : { ms: 0 };
/** Runs the PyTorch counterpart of a section and adds up its time. */
const withTorch = async (fn) => {
  const start = performance.now();
  const res = await fn();
  pt.ms += performance.now() - start;
  return res;
};
let matmul, train, cnn;
try {
  log('matmul bench ...');
  matmul = await runMatmulBench(opts.matmul);
  log(formatMatmulTable(matmul));
  log('');
  if (pt) {
    log(`pytorch bench: matmul, ours (${DEFAULT_THREADS} threads) vs PyTorch (1 thread) back to back per case`);
    pt.matmul = await withTorch(() => runTorchMatmul(torch, opts.torchMatmul));
    log(formatTorchMatmulTable(matmul, pt.matmul.rows));
    log('');
  }
  train = await runTrainBench({ log, ...opts.train });
  log(formatTrainTable(train));
  log('');
  if (pt) {
    pt.train = await withTorch(() => runTorchTrain(torch, { log, ...opts.torchTrain }));
    log(formatTorchTrainTable(`MLP 784-256-128-10 relu, softmax CE, batch 128, MNIST; ours at ${DEFAULT_THREADS} threads, PyTorch at 1`,
      'optimizer', train, pt.train.rows));
    log(mlpSummary(train, pt.train.rows));
    log('');
  }
  const cnnStart = performance.now();
  cnn = await runCnnBench({ log, ...opts.cnn });
  log(formatCnnTables(cnn));
  log(`cnn bench: ${((performance.now() - cnnStart) / 1000).toFixed(0)} s`);
  if (pt) {
    log('');
    pt.cnn = await withTorch(() => runTorchCnn(torch, { log, ...opts.torchTrain }));
    log(formatTorchTrainTable(`LeNet training step (Adam 1e-3, softmax CE, MNIST); ours at ${DEFAULT_THREADS} threads, PyTorch at 1`,
      'batch', cnn.train, pt.cnn.rows));
    log(`pytorch bench: ${(pt.ms / 1000).toFixed(0)} s in all`);
  }
} finally {
  if (!torch.skipped) torch.close();
}
const results = goals(matmul, train);
log('');
log('goals of the "Fast kernels" issue:');
for (const g of results) log(`  ${g.ok ? 'ok  ' : 'MISS'} ${g.goal}: ${g.value.toFixed(2)}×`);
{
  const sq = matmul.find((r) => r.name === 'square 512' && r.layout === 'nn');
  const x = (v) => `${v.toFixed(2)}×`;
  log(`threads (${DEFAULT_THREADS} ÷ 1): matmul square 512 ${x(sq.threadSpeedup)} (per round ${sq.threadSpeedupPerRound.map((v) => v.toFixed(2)).join(' ')}); `
    + `MLP step ${train.map((r) => `${r.optimizer} ${x(r.threadSpeedup)}`).join(', ')}; `
    + `LeNet step ${cnn.train.map((r) => `batch ${r.batch} ${x(r.threadSpeedup)}`).join(', ')}`);
}
if (pt) {
  const x = (v) => `${v.toFixed(2)}×`;
  const mm = pt.matmul.rows, sq = mm.find((r) => r.name === 'square 512' && r.layout === 'nn');
  const mlpRows = mm.filter((r) => r.name.startsWith('mlp '));
  log(`tensorfold (${DEFAULT_THREADS} threads) ÷ PyTorch (1 thread): `
    + `MLP step ${pt.train.rows.map((r) => `${r.optimizer} ${x(r.vsTorch)}`).join(', ')}; `
    + `LeNet step ${pt.cnn.rows.map((r) => `batch ${r.batch} ${x(r.vsTorch)}`).join(', ')}; `
    + `matmul square 512 ${x(sq.vsTorch)}, MLP products ${x(Math.min(...mlpRows.map((r) => r.vsTorch)))} to ${x(Math.max(...mlpRows.map((r) => r.vsTorch)))}`);
}
const loadAfter = os.loadavg();
const kernelAtEnd = kernelInfo();
log(`kernelInfo() at the end: ${JSON.stringify(kernelAtEnd)}`);
log(`load average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', 'latest.json');
writeFileSync(out, JSON.stringify({
  machine: { ...info, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
  kernel: { atStart: kernelAtStart, atEnd: kernelAtEnd, defaultThreads: DEFAULT_THREADS },
  quick,
  matmul: { unit: 'GFLOP/s', rows: matmul },
  train: { unit: 'examples/s', rows: train },
  cnn: {
    train: { unit: 'examples/s', rows: cnn.train },
    conv: { unit: 'GFLOP/s', rows: cnn.conv },
    checks: cnn.checks,
    tfjsWasmFilterGrad: cnn.wasmFilterGradAdded ? 'bench kernel: transpose + tfjs-wasm Conv2D (tfjs-backend-wasm has none)' : 'tfjs-backend-wasm',
  },
  pytorch: pt
    ? { info: torch.info, seconds: pt.ms / 1000,
      matmul: { unit: 'GFLOP/s', rows: pt.matmul.rows, maxAbsDiffPerK: pt.matmul.maxAbsDiffPerK },
      train: { unit: 'examples/s', rows: pt.train.rows, lossAfter3Sgd: pt.train.check },
      cnn: { unit: 'examples/s', rows: pt.cnn.rows, lenetLossAfter3Adam: pt.cnn.check } }
    : { skipped: torch.skipped, install: 'apt-get update && apt-get install -y python3-torch libopenblas0-pthread' },
  goals: results,
}, null, 2) + '\n');
log(`wrote ${out}`);
