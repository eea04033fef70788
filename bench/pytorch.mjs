// PyTorch in the benchmark (issue 12): the MLP training step of train.mjs,
// the matmul cases of matmul.mjs and the LeNet step of cnn.mjs, tensorfold vs
// PyTorch at one thread, interleaved round by round. `npm run bench` runs it
// when /usr/bin/python3 can import torch, and skips it (printing how to
// install it) otherwise:
//
//   apt-get update && apt-get install -y python3-torch libopenblas0-pthread
//
// PyTorch runs in one long-lived child process (bench/torch/server.py) that
// takes JSON commands on stdin and answers on stdout, so Python's start-up is
// not timed; the child times its own steps with time.perf_counter(), so the
// pipe round trip is not timed either. The child gets the environment of this
// process without OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (with them, Debian's
// OpenBLAS picks a slower kernel) and with OMP_NUM_THREADS=1,
// OPENBLAS_NUM_THREADS=1; it also calls torch.set_num_threads(1). Everyone
// starts from the same initial weights and sees the same MNIST batches, which
// go to the child as raw float32 / int32 .bin files in a temp dir.
//
//   npm run build && node bench/pytorch.mjs   (the PyTorch part on its own)
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import os from 'node:os';
import { adam, key, labels, sgd, softmaxCrossEntropy, trainStep } from '../dist/src/index.js';
import { matmulKernel } from '../dist/src/kernels/matmul.js';
import { mlp, mnistBatches } from './train.mjs';
import { lenet } from './cnn.mjs';
import { median, random, timeMs } from './util.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SERVER = join(here, 'torch', 'server.py');

/** The interpreter with Debian's torch (not a pyenv python on PATH); BENCH_TORCH_PYTHON overrides it. */
export const TORCH_PYTHON = process.env.BENCH_TORCH_PYTHON || '/usr/bin/python3';

export const TORCH_INSTALL_HINT = 'PyTorch part skipped. To include it, install Debian\'s PyTorch and the threaded OpenBLAS\n'
  + '  (as root): apt-get update && apt-get install -y python3-torch libopenblas0-pthread\n'
  + `  then \`npm run bench\` runs it with ${TORCH_PYTHON} (BENCH_TORCH_PYTHON=... to use another; BENCH_TORCH=0 to skip).`;


// ------------------------------------------------------------ the child

/**
 * Starts bench/torch/server.py. Resolves to { call(cmd) → Promise<answer>,
 * info, close() } or, when Python or torch is missing, to { skipped: reason }.
 */
export async function startTorch() {
  if (process.env.BENCH_TORCH === '0') return { skipped: 'BENCH_TORCH=0' };
  const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const child = spawn(TORCH_PYTHON, [SERVER], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  const waiting = [];
  let dead = null;
  const fail = (why) => {
    dead = why;
    for (const w of waiting.splice(0)) w.reject(new Error(`PyTorch child: ${why}${stderr ? `\n${stderr}` : ''}`));
  };
  child.on('error', (e) => fail(e.message));
  child.on('exit', (code, signal) => fail(`exited (${signal ?? code})`));
  child.stdin.on('error', () => {}); // EPIPE once the child has gone: 'exit' reports it
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w.resolve(JSON.parse(line));
  });
  const next = () => new Promise((resolve, reject) => {
    if (dead) reject(new Error(`PyTorch child: ${dead}${stderr ? `\n${stderr}` : ''}`));
    else waiting.push({ resolve, reject });
  });
  const tmp = mkdtempSync(join(os.tmpdir(), 'tensorfold-bench-torch-'));
  const close = () => {
    if (!dead) { child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n'); child.unref(); }
    rmSync(tmp, { recursive: true, force: true });
  };
  let hello;
  try {
    hello = await next();
  } catch (e) {
    close();
    return { skipped: e.message };
  }
  if (!hello.ok) {
    close();
    return { skipped: `${TORCH_PYTHON}: ${hello.error}` };
  }
  const call = async (cmd) => {
    const p = next();
    child.stdin.write(JSON.stringify(cmd) + '\n');
    const a = await p;
    if (!a.ok) throw new Error(`PyTorch child, ${cmd.cmd}: ${a.error}`);
    return a;
  };
  const { ok, ...info } = await call({ cmd: 'info' });
  return { call, info, tmp, close };
}

/** One line about the PyTorch setup (version, threads, BLAS kernel). */
export function describeTorch(info) {
  const b = info.blas ?? {};
  return `PyTorch ${info.torch} (${info.python}, numpy ${info.numpy}), ${info.threads} thread, `
    + `BLAS: ${b.openblas_config ? `OpenBLAS core ${b.openblas_core} (${b.openblas_config}), ${b.openblas_threads} thread` : (b.libraries ?? []).join(' ') || 'unknown'}; `
    + `conv: ${(info.convOps ?? []).filter((n) => /mkldnn|slow|thnn/.test(n)).join(', ') || 'unknown'}; `
    + `OPENBLAS_CORETYPE=${info.env?.OPENBLAS_CORETYPE ?? '(unset)'}, OPENBLAS_L2_SIZE=${info.env?.OPENBLAS_L2_SIZE ?? '(unset)'}`
    + (b.openblas_core ? '' : '\n  WARNING: torch does not use OpenBLAS (slow reference BLAS?): apt-get install -y libopenblas0-pthread');
}

// ------------------------------------------------------------ data for the child

const writeBin = (path, typed) => writeFileSync(path, Buffer.from(typed.buffer, typed.byteOffset, typed.byteLength));

/** Writes the MNIST batches of train.mjs and the initial MLP and LeNet weights; sends them to the child. */
async function sendData(torch, batches, mlpParams, lenetParams) {
  const n = batches.length * batches[0].x.shape[0];
  const x = new Float32Array(n * 784), y = new Int32Array(n);
  let r = 0;
  for (const b of batches) {
    x.set(b.x.data, r * 784);
    y.set(b.y.data, r);
    r += b.x.shape[0];
  }
  writeBin(join(torch.tmp, 'x.bin'), x);
  writeBin(join(torch.tmp, 'y.bin'), y);
  const leaves = (net, params) => params.filter((p) => p?.w !== undefined).map((p, i) => {
    const w = join(torch.tmp, `${net}-${i}-w.bin`), b = join(torch.tmp, `${net}-${i}-b.bin`);
    writeBin(w, p.w.data);
    writeBin(b, p.b.data);
    return { w, b, wShape: p.w.shape, bShape: p.b.shape };
  });
  await torch.call({ cmd: 'load', n, x: join(torch.tmp, 'x.bin'), y: join(torch.tmp, 'y.bin'),
    mlp: leaves('mlp', mlpParams), lenet: leaves('lenet', lenetParams) });
}

// ------------------------------------------------------------ contenders

/** tensorfold stepper (as in train.mjs / cnn.mjs): `run(steps)` → [ms, last loss, process CPU ms]. */
function oursStepper(net, params, optimizer, batches) {
  const stepFn = trainStep(net, softmaxCrossEntropy, optimizer);
  let state = { params, opt: optimizer.init(params), netState: undefined };
  let t = 0;
  const k = key(1);
  return async (steps) => {
    let loss = NaN;
    const cpu = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < steps; i++, t++) [state, loss] = stepFn(state, batches[t % batches.length], k);
    const ms = performance.now() - start, c = process.cpuUsage(cpu);
    return [ms, loss, (c.user + c.system) / 1000];
  };
}

/** PyTorch stepper in the child: `run(steps)` → [ms, last loss, CPU ms] (timed by the child). */
async function torchStepper(torch, id, spec) {
  await torch.call({ cmd: 'trainer', id, ...spec });
  return async (steps) => {
    const a = await torch.call({ cmd: 'run', id, steps });
    return [a.ms, a.loss, a.cpuMs];
  };
}

/** The batches of train.mjs as [B, 28, 28, 1] batches of `batch` (as cnn.mjs does). */
function imageBatches(batches, batch) {
  const out = [];
  for (const b of batches) {
    for (let r0 = 0; r0 < b.x.shape[0]; r0 += batch) {
      const x = b.x.data.slice(r0 * 784, (r0 + batch) * 784);
      const y = Array.from(b.y.data.subarray(r0, r0 + batch));
      out.push({ x: { shape: [batch, 28, 28, 1], dtype: 'float32', data: x }, y: labels(y, 10) });
    }
  }
  return out;
}

/**
 * Alternating rounds (ours, then PyTorch, per pair): per contender a warm-up
 * of 2 + minSteps steps, then `rounds` rounds of about roundMs each. `pairs`:
 * name → { ours, torch, batch }. Returns name → { ours, torch (examples/s,
 * median over rounds), vsTorch (ratio of the medians), vsTorchPerRound,
 * steps, finalLoss, cpuPerWall: { ours, torch } (CPU time over wall time in
 * the timed rounds: about 1 when a contender had a core to itself; below 1
 * when the machine's load took it away; ours counts all of node's threads,
 * GC helpers included) }.
 */
async function measurePairs(pairs, { rounds, roundMs, minSteps }) {
  const stepMs = {};
  for (const [name, p] of Object.entries(pairs)) {
    for (const who of ['ours', 'torch']) {
      await p[who](2);
      stepMs[`${name} ${who}`] = (await p[who](minSteps))[0] / minSteps;
    }
  }
  const out = {};
  for (const name of Object.keys(pairs)) out[name] = { rates: { ours: [], torch: [] }, steps: { ours: 0, torch: 0 }, loss: {}, ms: { ours: 0, torch: 0 }, cpuMs: { ours: 0, torch: 0 } };
  for (let r = 0; r < rounds; r++) {
    for (const [name, p] of Object.entries(pairs)) {
      for (const who of ['ours', 'torch']) {
        const steps = Math.max(minSteps, Math.round(roundMs / stepMs[`${name} ${who}`]));
        const [ms, loss, cpuMs] = await p[who](steps);
        const o = out[name];
        o.ms[who] += ms;
        o.cpuMs[who] += cpuMs;
        o.rates[who].push((steps * p.batch) / (ms / 1000));
        o.steps[who] += steps;
        o.loss[who] = loss;
      }
    }
  }
  return Object.fromEntries(Object.entries(out).map(([n, o]) => {
    const ours = median(o.rates.ours), torch = median(o.rates.torch);
    const perRound = o.rates.ours.map((x, i) => x / o.rates.torch[i]);
    return [n, { ours, torch, vsTorch: ours / torch, vsTorchPerRound: perRound, vsTorchMedianOfRounds: median(perRound),
      steps: o.steps, finalLoss: o.loss, cpuPerWall: { ours: o.cpuMs.ours / o.ms.ours, torch: o.cpuMs.torch / o.ms.torch } }];
  }));
}

// ------------------------------------------------------------ matmul

/** The cases of matmul.mjs (name, layout, m, k, n). */
function matmulCases() {
  const list = [];
  for (const n of [128, 256, 512, 1024]) list.push({ name: `square ${n}`, m: n, k: n, n, layout: 'nn' });
  for (const layout of ['tn', 'nt']) list.push({ name: 'square 512', m: 512, k: 512, n: 512, layout });
  for (const [i, o] of [[784, 256], [256, 128], [128, 10]]) {
    list.push({ name: `mlp ${i}-${o} fwd x·W`, m: 128, k: i, n: o, layout: 'nn' });
    list.push({ name: `mlp ${i}-${o} dW=xᵀ·dy`, m: i, k: 128, n: o, layout: 'tn' });
    list.push({ name: `mlp ${i}-${o} dx=dy·Wᵀ`, m: 128, k: o, n: i, layout: 'nt' });
  }
  return list;
}

/**
 * GFLOP/s of our matmulKernel and torch.mm (1 thread) on the cases of
 * matmul.mjs, back to back per case: a warm-up round, then `rounds` rounds of
 * about budgetMs per contender. Results are checked against each other first.
 */
export async function runTorchMatmul(torch, { rounds = 3, budgetMs = 150 } = {}) {
  const rows = matmulCases().map((c, idx) => {
    const sa = c.layout === 'tn' ? [c.k, c.m] : [c.m, c.k], sb = c.layout === 'nt' ? [c.n, c.k] : [c.k, c.n];
    const a = random(sa[0] * sa[1], 2 * idx + 1), b = random(sb[0] * sb[1], 2 * idx + 2);
    const pa = join(torch.tmp, `mm-${idx}-a.bin`), pb = join(torch.tmp, `mm-${idx}-b.bin`);
    writeBin(pa, a);
    writeBin(pb, b);
    return { ...c, sa, sb, a, b, pa, pb, oursMs: [], torchMs: [] };
  });
  await torch.call({ cmd: 'matmulLoad', cases: rows.map((r) => ({ layout: r.layout, sa: r.sa, sb: r.sb, a: r.pa, b: r.pb })) });
  let maxRelDiff = 0;
  for (const [i, r] of rows.entries()) {
    const out = join(torch.tmp, `mm-${i}-c.bin`);
    await torch.call({ cmd: 'matmulCheck', i, out });
    const theirs = new Float32Array(readFileSync(out).buffer.slice(0));
    const ours = matmulKernel(r.a, r.b, r.m, r.k, r.n, r.layout);
    let diff = 0;
    for (let j = 0; j < ours.length; j++) diff = Math.max(diff, Math.abs(ours[j] - theirs[j]));
    if (theirs.length !== ours.length || !(diff <= 1e-4 * r.k)) throw new Error(`${r.name} (${r.layout}): results differ from PyTorch by ${diff}`);
    maxRelDiff = Math.max(maxRelDiff, diff / r.k);
  }
  for (let round = 0; round <= rounds; round++) { // round 0 is a warm-up
    for (const [i, r] of rows.entries()) {
      const o = timeMs(() => matmulKernel(r.a, r.b, r.m, r.k, r.n, r.layout), budgetMs);
      const t = (await torch.call({ cmd: 'matmulTime', i, budgetMs })).ms;
      if (round > 0) { r.oursMs.push(o); r.torchMs.push(t); }
    }
  }
  const gflops = (r, ms) => (2 * r.m * r.k * r.n) / (ms * 1e6);
  const med = (xs) => median(xs.map((x) => x[0]));
  const rowsOut = rows.map((r) => {
    const ours = gflops(r, med(r.oursMs)), pt = gflops(r, med(r.torchMs));
    return { name: r.name, layout: r.layout, m: r.m, k: r.k, n: r.n, ours, torch: pt, vsTorch: ours / pt,
      oursBest: gflops(r, Math.min(...r.oursMs.map((x) => x[1]))), torchBest: gflops(r, Math.min(...r.torchMs.map((x) => x[1]))) };
  });
  return { rows: rowsOut, maxAbsDiffPerK: maxRelDiff };
}

// ------------------------------------------------------------ training steps

let dataSent = null;
const ensureData = (torch) => {
  if (!dataSent) {
    const batches = mnistBatches();
    const m = mlp(), l = lenet();
    dataSent = sendData(torch, batches, m.params, l.params).then(() => ({ batches, mlp: m, lenet: l }));
  }
  return dataSent;
};

/**
 * The MLP step of train.mjs (sgd 0.01, adam 1e-3), ours vs PyTorch. First
 * checks that both give the same loss after 3 SGD steps (|Δ| < 1e-4).
 */
export async function runTorchTrain(torch, { rounds = 5, roundMs = 1000, log = () => {} } = {}) {
  const { batches, mlp: { net, params } } = await ensureData(torch);
  const [, a] = await oursStepper(net, params, sgd(0.01), batches)(3);
  const [, b] = await (await torchStepper(torch, 'mlp check', { net: 'mlp', batch: 128, opt: 'sgd' }))(3);
  if (!(Math.abs(a - b) < 1e-4)) throw new Error(`pytorch bench: MLP losses after 3 SGD steps differ (ours ${a}, PyTorch ${b})`);
  const check = { ours: a, torch: b, absDiff: Math.abs(a - b) };
  log(`pytorch bench: MLP loss after 3 SGD steps: ours ${a.toFixed(6)}, PyTorch ${b.toFixed(6)}`);
  log(`pytorch bench: MLP training, ours vs PyTorch, ${rounds} alternating rounds of ~${roundMs} ms each`);
  const pairs = {};
  for (const [o, make] of [['sgd', () => sgd(0.01)], ['adam', () => adam(1e-3)]]) {
    pairs[o] = { ours: oursStepper(net, params, make(), batches), torch: await torchStepper(torch, `mlp ${o}`, { net: 'mlp', batch: 128, opt: o }), batch: 128 };
  }
  const res = await measurePairs(pairs, { rounds, roundMs, minSteps: 10 });
  return { rows: Object.entries(res).map(([optimizer, r]) => ({ optimizer, batch: 128, ...r })), check };
}

/**
 * The LeNet step of cnn.mjs (Adam 1e-3) at batch 64 and 128, ours vs
 * PyTorch. First compares the losses after 3 Adam steps (within 1e-3
 * relative, as cnn.mjs does against tfjs).
 */
export async function runTorchCnn(torch, { rounds = 5, roundMs = 1000, log = () => {} } = {}) {
  const { batches, lenet: { net, params } } = await ensureData(torch);
  const data = { 64: imageBatches(batches, 64), 128: imageBatches(batches, 128) };
  const [, a] = await oursStepper(net, params, adam(1e-3), data[64])(3);
  const [, b] = await (await torchStepper(torch, 'lenet check', { net: 'lenet', batch: 64, opt: 'adam' }))(3);
  if (!(Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b)))) throw new Error(`pytorch bench: LeNet losses after 3 Adam steps differ (ours ${a}, PyTorch ${b})`);
  const check = { ours: a, torch: b, absDiff: Math.abs(a - b) };
  log(`pytorch bench: LeNet loss after 3 Adam steps: ours ${a.toFixed(6)}, PyTorch ${b.toFixed(6)}`);
  log(`pytorch bench: LeNet training, ours vs PyTorch, ${rounds} alternating rounds of ~${roundMs} ms each`);
  const pairs = {};
  for (const batch of [64, 128]) {
    pairs[batch] = { ours: oursStepper(net, params, adam(1e-3), data[batch]),
      torch: await torchStepper(torch, `lenet ${batch}`, { net: 'lenet', batch, opt: 'adam' }), batch };
  }
  const res = await measurePairs(pairs, { rounds, roundMs, minSteps: 5 });
  return { rows: Object.entries(res).map(([batch, r]) => ({ batch: +batch, ...r })), check };
}

// ------------------------------------------------------------ tables

const f = (x, d = 0, w = 9) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d)).padStart(w);

/**
 * Training-step table: ours and tfjs-wasm from train.mjs / cnn.mjs (their
 * interleaved rounds), ours and PyTorch from the alternating rounds here.
 * `key` is 'optimizer' (MLP) or 'batch' (LeNet).
 */
export function formatTorchTrainTable(title, key, tfjsRows, torchRows) {
  const lines = [
    `${title}: examples/s, median of rounds (ours' = ours in the rounds alternating with PyTorch)`,
    `${key.padEnd(9)} |      ours  tfjsWasm    xWasm |     ours'   PyTorch   xTorch | steps ours'/torch | cpu/wall ours'/torch`,
  ];
  for (const t of torchRows) {
    const w = tfjsRows?.find((r) => r[key] === t[key]);
    lines.push(`${String(t[key]).padEnd(9)} |${f(w?.ours)} ${f(w?.tfjsWasm)}${f(w?.vsWasm, 2)} |${f(t.ours)} ${f(t.torch)}${f(t.vsTorch, 2)} | `
      + `${t.steps.ours}/${t.steps.torch} | ${t.cpuPerWall.ours.toFixed(2)}/${t.cpuPerWall.torch.toFixed(2)}`);
  }
  return lines.join('\n');
}

/** Matmul table: ours and tfjs-wasm from matmul.mjs, ours and PyTorch from the back-to-back rounds here. */
export function formatTorchMatmulTable(tfjsRows, torchRows) {
  const lines = [
    "matmul GFLOP/s, median of rounds (ours' = ours in the rounds alternating with PyTorch)",
    `${'case'.padEnd(22)} lay |    ours tfjsWasm   xWasm |   ours' PyTorch  xTorch`,
  ];
  for (const t of torchRows) {
    const w = tfjsRows?.find((r) => r.name === t.name && r.layout === t.layout);
    lines.push(`${t.name.padEnd(22)} ${t.layout}  |${f(w?.ours, 1, 8)} ${f(w?.tfjsWasm, 1, 8)}${f(w?.vsWasm, 2, 8)} |`
      + `${f(t.ours, 1, 8)}${f(t.torch, 1, 8)}${f(t.vsTorch, 2, 8)}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now(), loadBefore = os.loadavg();
  const torch = await startTorch();
  if (torch.skipped) {
    console.log(`${TORCH_INSTALL_HINT}\n  (reason: ${torch.skipped})`);
  } else {
    try {
      console.log(describeTorch(torch.info));
      const mm = await runTorchMatmul(torch);
      console.log(formatTorchMatmulTable(undefined, mm.rows));
      const train = await runTorchTrain(torch, { log: console.log });
      console.log(formatTorchTrainTable('MLP 784-256-128-10, batch 128', 'optimizer', undefined, train.rows));
      const cnn = await runTorchCnn(torch, { log: console.log });
      console.log(formatTorchTrainTable('LeNet, Adam 1e-3', 'batch', undefined, cnn.rows));
      console.log(`took ${((performance.now() - t0) / 1000).toFixed(1)} s; load average before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}, after ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    } finally {
      torch.close();
    }
  }
}
