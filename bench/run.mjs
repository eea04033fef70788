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
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { formatMatmulTable, runMatmulBench } from './matmul.mjs';
import { formatTrainTable, runTrainBench } from './train.mjs';
import { formatCnnTables, runCnnBench } from './cnn.mjs';
import {
  TORCH_INSTALL_HINT, describeTorch, formatTorchMatmulTable, formatTorchTrainTable, runTorchCnn, runTorchMatmul,
  runTorchTrain, startTorch,
} from './pytorch.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const machine = () => ({
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`, memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  date: new Date().toISOString(),
});

/** The issue's targets, each with the measured value. */
function goals(matmul, train) {
  const out = [];
  for (const t of train) {
    out.push({ goal: `train ${t.optimizer} ≥ 3× tfjs-wasm`, value: t.vsWasm, ok: t.vsWasm >= 3 });
    out.push({ goal: `train ${t.optimizer} ≥ 10× tfjs-cpu`, value: t.vsCpu, ok: t.vsCpu >= 10 });
  }
  const sq = matmul.find((r) => r.name === 'square 512' && r.layout === 'nn');
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
  matmul = await runMatmulBench();
  log(formatMatmulTable(matmul));
  log('');
  if (pt) {
    log('pytorch bench: matmul, ours vs PyTorch back to back per case');
    pt.matmul = await withTorch(() => runTorchMatmul(torch));
    log(formatTorchMatmulTable(matmul, pt.matmul.rows));
    log('');
  }
  train = await runTrainBench({ log });
  log(formatTrainTable(train));
  log('');
  if (pt) {
    pt.train = await withTorch(() => runTorchTrain(torch, { log }));
    log(formatTorchTrainTable('MLP 784-256-128-10 relu, softmax CE, batch 128, MNIST', 'optimizer', train, pt.train.rows));
    log('');
  }
  const cnnStart = performance.now();
  cnn = await runCnnBench({ log });
  log(formatCnnTables(cnn));
  log(`cnn bench: ${((performance.now() - cnnStart) / 1000).toFixed(0)} s`);
  if (pt) {
    log('');
    pt.cnn = await withTorch(() => runTorchCnn(torch, { log }));
    log(formatTorchTrainTable('LeNet training step (Adam 1e-3, softmax CE, MNIST)', 'batch', cnn.train, pt.cnn.rows));
    log(`pytorch bench: ${(pt.ms / 1000).toFixed(0)} s in all`);
  }
} finally {
  if (!torch.skipped) torch.close();
}
const results = goals(matmul, train);
log('');
log('goals of the "Fast kernels" issue:');
for (const g of results) log(`  ${g.ok ? 'ok  ' : 'MISS'} ${g.goal}: ${g.value.toFixed(2)}×`);
if (pt) {
  const x = (v) => `${v.toFixed(2)}×`;
  const mm = pt.matmul.rows, sq = mm.find((r) => r.name === 'square 512' && r.layout === 'nn');
  const mlpRows = mm.filter((r) => r.name.startsWith('mlp '));
  log('tensorfold ÷ PyTorch (1 thread): '
    + `MLP step ${pt.train.rows.map((r) => `${r.optimizer} ${x(r.vsTorch)}`).join(', ')}; `
    + `LeNet step ${pt.cnn.rows.map((r) => `batch ${r.batch} ${x(r.vsTorch)}`).join(', ')}; `
    + `matmul square 512 ${x(sq.vsTorch)}, MLP products ${x(Math.min(...mlpRows.map((r) => r.vsTorch)))} to ${x(Math.max(...mlpRows.map((r) => r.vsTorch)))}`);
}
const loadAfter = os.loadavg();
log(`load average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`);
mkdirSync(join(here, 'results'), { recursive: true });
const out = join(here, 'results', 'latest.json');
writeFileSync(out, JSON.stringify({
  machine: { ...info, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
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
