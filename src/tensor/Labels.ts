import { ValueError } from '../shape/ValueError.js'

/**
 * Integer class labels for a batch of `B` examples (class indices `0 … C−1`).
 *
 * @category tensor
 */
export interface Labels<B extends number = number> {
  readonly shape: readonly [B]
  readonly data: Int32Array
}

/** True for `Labels` (int32 storage), as opposed to a float target tensor. */
export const isLabels = (y: unknown): y is Labels =>
  typeof y === 'object' && y !== null && (y as Labels).data instanceof Int32Array

/**
 * Builds labels from integer class indices, checked to be integers in `[0, numClasses)`. A literal
 * array gives a literal batch size (`labels([0, 2, 1], 3)` is `Labels<3>`); a runtime array gives
 * `Labels<number>`.
 *
 * @throws ValueError naming the first bad label.
 * @category tensor
 */
export const labels = <const V extends ArrayLike<number>>(values: V, numClasses: number): Labels<V extends readonly number[] ? V['length'] : number> => {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new ValueError('labels', `numClasses must be a positive integer, got ${numClasses}`)
  const data = new Int32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isInteger(v) || v < 0 || v >= numClasses)
      throw new ValueError('labels', `label ${i} is ${v}; labels must be integers in [0, ${numClasses})`)
    data[i] = v
  }
  return { shape: [values.length] as never, data }
}
