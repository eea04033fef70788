// Helpers every bench shares: a median, seeded data, and a repeat-until-budget timer.

/** The median of a list of numbers. */
export const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/** `len` floats in [-1, 1) from a linear congruential generator: the same seed, the same data. */
export function random(len, seed) {
  const a = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

/** [median, min] ms of fn() after `warm` calls (warm-up also lets V8 tier up), repeating until ~budgetMs (at least minReps, at most maxReps). */
export function timeMs(fn, budgetMs, { warm = 3, minReps = 5, maxReps = 40 } = {}) {
  for (let i = 0; i < warm; i++) fn();
  const ts = [];
  const start = performance.now();
  while (ts.length < minReps || (performance.now() - start < budgetMs && ts.length < maxReps)) {
    const t = performance.now();
    fn();
    ts.push(performance.now() - t);
  }
  ts.sort((x, y) => x - y);
  return [ts[ts.length >> 1], ts[0]];
}

/**
 * Runs `runs` (name → { run, batch }, where run(steps) → [ms, loss]) in interleaved rounds so that
 * machine noise hits all alike: per contender a warm-up of 2 + minSteps steps, then `rounds` rounds
 * of about `roundMs` each (at least `minSteps` steps). Returns name → { examplesPerSec (median over
 * rounds), steps, loss }.
 */
export function measureRounds(runs, { rounds, roundMs, minSteps }) {
  const stepMs = {};
  for (const [name, { run }] of Object.entries(runs)) {
    run(2); // compile, allocate, first optimizer state
    stepMs[name] = run(minSteps)[0] / minSteps;
  }
  const out = Object.fromEntries(Object.keys(runs).map((n) => [n, { rates: [], steps: 0, loss: NaN }]));
  for (let r = 0; r < rounds; r++) {
    for (const [name, { run, batch }] of Object.entries(runs)) {
      const steps = Math.max(minSteps, Math.round(roundMs / stepMs[name]));
      const [ms, loss] = run(steps);
      const o = out[name];
      o.rates.push((steps * batch) / (ms / 1000));
      o.steps += steps;
      o.loss = loss;
    }
  }
  return Object.fromEntries(Object.entries(out).map(([n, o]) => [n, { examplesPerSec: median(o.rates), steps: o.steps, loss: o.loss }]));
}
