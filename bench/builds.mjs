// Command line of the benches that compare builds (bench/step.mjs, bench/optimizerShare.mjs):
// `[root ...] [--rounds R] [--ms T] [--threads 1,2] [--only NAME]`, each root a checkout with a built
// dist/ (default: this one).
// Kept free of imports from dist/, so that such a bench loads only the builds it is given.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Parses `argv` (without node and the script): the roots; rounds and ms with these defaults;
 * `--threads 1,2` (each build also at each of these kernel thread counts, set with
 * `setKernelThreads` before each timing; default: the build's own default only, `[undefined]`);
 * `--only adam` (only the optimizers whose name starts so).
 */
export function parseBuildsArgs(argv, { rounds, ms }) {
  const args = [...argv];
  const take = (name) => {
    const i = args.indexOf(name);
    return i < 0 ? undefined : args.splice(i, 2)[1];
  };
  const r = Number(take('--rounds') ?? rounds), t = Number(take('--ms') ?? ms);
  const threads = take('--threads'), only = take('--only') ?? '';
  return {
    rounds: r, roundMs: t, only,
    threadCounts: threads === undefined ? [undefined] : threads.split(',').map(Number),
    roots: args.length > 0 ? args : [path.resolve(import.meta.dirname, '..')],
  };
}

/** A contender's label: the optimizer, the build's path, and the thread count if one was asked. */
export const contenderLabel = (name, root, threads) =>
  `${name} ${path.relative(process.cwd(), root) || '.'}${threads === undefined ? '' : ` ${threads}T`}`;

/** The median of a list of numbers (bench/util.mjs re-exports it). */
export const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

/**
 * One build's library and the MLP bench's set-up from it: `L` (dist/src/index.js), the net and its
 * initial params, the MNIST batches and a key (as bench/train.mjs makes them).
 */
export async function loadBuild(root) {
  const url = (p) => pathToFileURL(path.resolve(root, p)).href;
  const { mlp, mnistBatches } = await import(url('bench/train.mjs'));
  const L = await import(url('dist/src/index.js'));
  const { net, params } = mlp();
  return { L, net, params, batches: mnistBatches(), k: L.key(1) };
}
