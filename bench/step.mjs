// Focused training-step bench (issue 12): examples/s of `trainStep` on the 784-256-128-10 relu MLP,
// batch 128, sgd(0.01) and adam(1e-3), for one or more builds of tensorfold in one process, in
// interleaved rounds (so the machine's other load hits every contender alike).
//
//   npm run build && node bench/step.mjs [root ...] [--rounds 9] [--ms 1000] [--threads 1,2] [--only sgd]
//
// `--threads 1,2` runs every build at each of these kernel thread counts (`setKernelThreads`), as
// contenders of their own in the same interleaved rounds; without it, at the default count.
// `--only adam` keeps one optimizer (e.g. for `node --cpu-prof`).
//
// Each root is a checkout with a built `dist/` (default: this one); e.g. to compare with an older
// commit: `git archive <commit> | tar -x -C /tmp/old`, link node_modules, build it, then
// `node bench/step.mjs /tmp/old .`. Under `node --cpu-prof` it gives the profile of the step alone
// (one root, `--rounds 1 --ms 5000`). Prints the median examples/s over rounds and every round.
import { contenderLabel, loadBuild, median, parseBuildsArgs } from './builds.mjs';

const { rounds, roundMs, roots, threadCounts, only } = parseBuildsArgs(process.argv.slice(2), { rounds: 9, ms: 1000 });

const contenders = [];
for (const root of roots) {
  const { L, net, params, batches, k } = await loadBuild(root);
  for (const threads of threadCounts)
  for (const [name, make] of [['sgd(0.01)', () => L.sgd(0.01)], ['adam(1e-3)', () => L.adam(1e-3)]]) {
    if (!name.startsWith(only)) continue;
    const o = make();
    const stepFn = L.trainStep(net, L.softmaxCrossEntropy, o);
    let state = { params, opt: o.init(params), netState: undefined }, i = 0, loss = NaN;
    const run = (ms) => {
      if (threads !== undefined) L.setKernelThreads(threads);
      const t0 = performance.now();
      let n = 0, t;
      do {
        [state, loss] = stepFn(state, batches[i++ % batches.length], k);
        n++;
        t = performance.now() - t0;
      } while (t < ms);
      return (n * batches[0].x.shape[0]) / (t / 1000);
    };
    contenders.push({ label: contenderLabel(name, root, threads), run, rates: [], loss: () => loss });
  }
}
for (const c of contenders) c.run(300); // warm-up
for (let r = 0; r < rounds; r++) for (const c of r % 2 ? [...contenders].reverse() : contenders) c.rates.push(c.run(roundMs));
for (const c of contenders)
  console.log(`${c.label.padEnd(28)} ${String(Math.round(median(c.rates))).padStart(7)} ex/s   rounds: ${c.rates.map(Math.round).join(' ')}`);
