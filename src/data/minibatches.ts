import type { Key } from '../random/Key.js'
import { permutation } from '../random/sample.js'
import { ValueError } from '../shape/ValueError.js'
import { size, take, type AnyDataset, type WithSize } from './Dataset.js'

/**
 * Splits `data` into minibatches of `batchSize` examples after shuffling it with `key`. Every
 * example appears in exactly one batch; the last batch is smaller when `batchSize` does not divide
 * `N` (it is kept, not dropped). An empty dataset gives no batches.
 *
 * - `data`: a `Dataset<N, D>` or `RegressionSet<N, D, O>`.
 * - returns: `⌈N / batchSize⌉` datasets of the same kind, each `Tensor<[number, D]>` features.
 *
 * @throws ValueError when `batchSize` is not a positive integer.
 * @example
 * for (const batch of minibatches(fold(k, epoch), train, 32)) step(batch.x, batch.y)
 * @category data
 */
export const minibatches = <T extends AnyDataset>(key: Key, data: T, batchSize: number): WithSize<T, number>[] => {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValueError('minibatches', `batchSize must be a positive integer, got ${batchSize}`)
  const n = size(data)
  const order = permutation(key, n)
  const out: WithSize<T, number>[] = []
  for (let start = 0; start < n; start += batchSize) out.push(take(data, order.subarray(start, start + batchSize)))
  return out
}
