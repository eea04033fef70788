import type { Key } from '../random/Key.js'
import { permutation } from '../random/sample.js'
import { ValueError } from '../shape/ValueError.js'
import { size, take, type AnyDataset, type WithSize } from './Dataset.js'

/** Example counts for `splitData`; `test` defaults to every remaining example. @category data */
export interface SplitSizes {
  readonly train: number
  readonly validation: number
  readonly test?: number
}

/** The three disjoint parts returned by `splitData`. @category data */
export interface Splits<T extends AnyDataset> {
  readonly train: WithSize<T, number>
  readonly validation: WithSize<T, number>
  readonly test: WithSize<T, number>
}

const checkCount = (name: string, v: number): void => {
  if (!Number.isInteger(v) || v < 0) throw new ValueError('splitData', `${name} must be a non-negative integer count, got ${v}`)
}

/**
 * Splits `data` into disjoint train, validation and test sets, fixed by `key`: one permutation of
 * the examples is cut into consecutive parts of `sizes.train`, `sizes.validation` and `sizes.test`
 * examples. Without `sizes.test`, the test set is every remaining example; with it, examples
 * beyond the three counts are left out.
 *
 * - `data`: a `Dataset<N, D>` or `RegressionSet<N, D, O>`.
 * - returns: three datasets of the same kind with `Tensor<[number, D]>` features.
 *
 * @throws ValueError when a count is not a non-negative integer or the counts exceed `N`.
 * @example
 * const { train, validation, test } = splitData(key(0), d, { train: 8000, validation: 1000 })
 * @category data
 */
export const splitData = <T extends AnyDataset>(key: Key, data: T, sizes: SplitSizes): Splits<T> => {
  const n = size(data)
  const { train, validation } = sizes
  checkCount('train', train)
  checkCount('validation', validation)
  if (sizes.test !== undefined) checkCount('test', sizes.test)
  const test = sizes.test ?? n - train - validation
  if (train + validation + test > n || test < 0)
    throw new ValueError(
      'splitData',
      `train ${train} + validation ${validation}${sizes.test === undefined ? '' : ` + test ${test}`} = ${train + validation + Math.max(test, 0)} exceeds the ${n} examples of data`,
    )
  const order = permutation(key, n)
  return {
    train: take(data, order.subarray(0, train)),
    validation: take(data, order.subarray(train, train + validation)),
    test: take(data, order.subarray(train + validation, train + validation + test)),
  }
}
