import type { Key } from '../random/Key.js'
import { permutation } from '../random/sample.js'
import { ValueError } from '../shape/ValueError.js'
import { size, take, type AnyDataset, type WithSize } from './Dataset.js'

/**
 * A minibatch: a dataset of the same kind, and the dataset row each of its rows came from, so that
 * an error about "row 1 of the minibatch" can name the dataset row `rows[1]` (see `batchRowError`).
 *
 * @category data
 */
export type Minibatch<T extends AnyDataset> = WithSize<T, number> & { readonly rows: Int32Array }

/** Options of {@link minibatches}. @category data */
export interface MinibatchOptions {
  /**
   * The smallest last minibatch to keep on its own (default 1: keep any). A smaller last
   * minibatch joins the one before it. Batch norm needs 2: the statistics of one row are
   * meaningless (its variance is 0), so `validateFitData` asks for 2 when the network has batch norm.
   */
  readonly minLast?: number
}

/**
 * Splits `data` into minibatches of `batchSize` examples after shuffling it with `key`. Every
 * example appears in exactly one batch; the last batch is smaller when `batchSize` does not divide
 * `N` (it is kept, not dropped), unless it has fewer than `options.minLast` rows: then it joins the
 * batch before it. An empty dataset gives no batches. Each batch carries `rows`, the dataset row of
 * each of its rows.
 *
 * - `data`: a `Dataset<N, D>` or `RegressionSet<N, D, O>`.
 * - returns: `⌈N / batchSize⌉` (or one fewer, after a join) datasets of the same kind, each
 *   `Tensor<[number, D]>` features, with `rows: Int32Array`.
 *
 * @throws ValueError when `batchSize` or `options.minLast` is not a positive integer.
 * @example
 * for (const batch of minibatches(fold(k, epoch), train, 32)) console.log(batch.x.shape) // [32, 784] …; the last may have fewer rows
 * @category data
 */
export const minibatches = <T extends AnyDataset>(key: Key, data: T, batchSize: number, options: MinibatchOptions = {}): Minibatch<T>[] => {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError('minibatches', `batchSize must be a positive integer, got ${batchSize}`)
  const minLast = options.minLast ?? 1
  if (!Number.isInteger(minLast) || minLast < 1) throw new ValueError('minibatches', `minLast must be a positive integer, got ${minLast}`)
  const n = size(data)
  const order = permutation(key, n)
  const starts: number[] = []
  for (let start = 0; start < n; start += batchSize) starts.push(start)
  while (starts.length > 1 && n - starts[starts.length - 1]! < minLast) starts.pop()
  return starts.map((start, i) => {
    const rows = order.subarray(start, i + 1 < starts.length ? starts[i + 1]! : n)
    return Object.assign(take(data, rows), { rows }) as Minibatch<T>
  })
}
