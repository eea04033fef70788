import type { Key } from '../random/Key.js'
import { permutation } from '../random/sample.js'
import { size, take, type AnyDataset, type WithSize } from './Dataset.js'

/**
 * The examples of `data` in a random order fixed by `key` (features and labels stay paired).
 *
 * - `data`: a `Dataset<N, D>` or `RegressionSet<N, D, O>`.
 * - returns: a new dataset of the same kind and size `N`.
 *
 * @example
 * const shuffled = shuffle(key(0), d)
 * @category data
 */
export const shuffle = <T extends AnyDataset>(key: Key, data: T): WithSize<T, T['x']['shape'][0]> =>
  take(data, permutation(key, size(data))) as never
