// The optimizer's share of a training step (issue 12): for sgd, momentum, rmsprop, adagrad and
// adam, ms per `trainStep` on the 784-256-128-10 relu MLP at batch 128 (the step of
// bench/step.mjs), ms per `updateAndApply` alone (the optimizer's one pass that writes the new
// params and state; the part of the step that `trainStep` hands to the optimizer) on the same
// params with a fixed gradient tree (the real gradients of the first batch), and the share
// update / step. Contenders run in interleaved rounds (alternating order), so the machine's other
// load hits all alike; every figure is the median over rounds.
//
//   npm run build && node bench/optimizerShare.mjs [root ...] [--rounds 9] [--ms 400] [--threads 1,2] [--only adam]
//
// Each root is a checkout with a built `dist/` (default: this one), as for bench/step.mjs, e.g.
// `node bench/optimizerShare.mjs /tmp/old .` to compare with an older build in one process.
import { contenderLabel, loadBuild, median, parseBuildsArgs } from './builds.mjs';

const { rounds, roundMs, roots, threadCounts, only } = parseBuildsArgs(process.argv.slice(2), { rounds: 9, ms: 400 });

/** `fn()` repeatedly for about `ms`: ms per call. */
const timePer = (fn, ms) => {
  const t0 = performance.now();
  let n = 0, t;
  do {
    fn();
    n++;
    t = performance.now() - t0;
  } while (t < ms);
  return t / n;
};

const rows = [];
for (const root of roots) {
  const { L, net, params, batches, k } = await loadBuild(root);
  // The gradient tree every update-alone run applies: the real gradients of the first batch.
  const [, grads] = L.valueAndGrad(net, L.softmaxCrossEntropy)(params, batches[0].x, batches[0].y, { training: true, key: k });
  for (const threads of threadCounts)
  for (const [name, make] of [
    ['sgd(0.01)', () => L.sgd(0.01)],
    ['momentum(0.01)', () => L.momentum(0.01)],
    ['rmsprop(1e-3)', () => L.rmsprop(1e-3)],
    ['adagrad(0.01)', () => L.adagrad(0.01)],
    ['adam(1e-3)', () => L.adam(1e-3)],
  ]) {
    if (!name.startsWith(only)) continue;
    const o = make();
    if (o.updateAndApply === undefined) throw new Error(`${name} has no updateAndApply`);
    const stepFn = L.trainStep(net, L.softmaxCrossEntropy, o);
    let st = { params, opt: o.init(params), netState: undefined }, i = 0;
    const setThreads = () => { if (threads !== undefined) L.setKernelThreads(threads); };
    const step = () => {
      [st] = stepFn(st, batches[i++ % batches.length], k);
    };
    // NOTE: params and state carried from update to update, as in training (Adam's count grows).
    let up = { params, opt: o.init(params) };
    const update = () => {
      const [p, s] = o.updateAndApply(grads, up.opt, up.params);
      up = { params: p, opt: s };
    };
    rows.push({ label: contenderLabel(name, root, threads), setThreads, step, update, stepMs: [], updateMs: [] });
  }
}

for (const r of rows) r.setThreads(), timePer(r.step, 200), timePer(r.update, 200); // warm-up: compile, tier up
for (let k = 0; k < rounds; k++)
  for (const r of k % 2 ? [...rows].reverse() : rows) {
    r.setThreads();
    r.stepMs.push(timePer(r.step, roundMs));
    r.updateMs.push(timePer(r.update, roundMs / 2));
  }

console.log(`${rounds} interleaved rounds (~${roundMs} ms of steps, ~${roundMs / 2} ms of updates each); medians`);
console.log(`${'optimizer'.padEnd(28)} ${'ms/step'.padStart(8)} ${'ms/update'.padStart(10)} ${'share'.padStart(7)}`);
for (const r of rows) {
  const s = median(r.stepMs), u = median(r.updateMs);
  console.log(`${r.label.padEnd(28)} ${s.toFixed(3).padStart(8)} ${u.toFixed(3).padStart(10)} ${`${((100 * u) / s).toFixed(1)}%`.padStart(7)}`);
}
