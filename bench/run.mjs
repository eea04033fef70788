// All speed benchmarks in one process: `npm run bench` (builds first).
//
// Runs the matmul bench (bench/matmul.mjs), the training-step bench
// (bench/train.mjs) and the CNN bench (bench/cnn.mjs: LeNet training step and
// one conv layer forward + backward), prints the tables and the goals of the
// "Fast kernels" issue, and writes bench/results/latest.json with every figure
// and the machine it was measured on. The memory check is separate:
// npm run bench:memory.
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { formatMatmulTable, runMatmulBench } from './matmul.mjs';
import { formatTrainTable, runTrainBench } from './train.mjs';
import { formatCnnTables, runCnnBench } from './cnn.mjs';

const here = dirname(fileURLToPath(import.meta.url));

const machine = () => ({
  cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`, memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  date: new Date().toISOString(),
});

/** The targets, each with the measured value. */
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
log('matmul bench ...');
const matmul = await runMatmulBench();
log(formatMatmulTable(matmul));
log('');
const train = await runTrainBench({ log });
log(formatTrainTable(train));
log('');
const cnnStart = performance.now();
const cnn = await runCnnBench({ log });
log(formatCnnTables(cnn));
log(`cnn bench: ${((performance.now() - cnnStart) / 1000).toFixed(0)} s`);
const results = goals(matmul, train);
log('');
log('goals of the "Fast kernels" issue:');
for (const g of results) log(`  ${g.ok ? 'ok  ' : 'MISS'} ${g.goal}: ${g.value.toFixed(2)}×`);
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
  goals: results,
}, null, 2) + '\n');
log(`wrote ${out}`);
