import { ValueError } from '../shape/ValueError.js'

/**
 * Integer class labels for a batch of `B` examples, class indices `0 … C−1`. The class count is
 * part of the type (`Labels<B, 10>`) and of the value (`numClasses`), so labels of 5 classes
 * against 10-wide logits do not compile, and at run time they fail with both counts named.
 *
 * @category tensor
 */
export interface Labels<B extends number = number, C extends number = number> {
  readonly shape: readonly [B]
  readonly numClasses: number
  readonly data: Int32Array
  /**
   * Type-level only (never set): the class count `C`. A method, so that it compares both ways: a
   * count only run time knows (`number`) fits any literal one and is checked there, while `5`
   * against `10` does not compile.
   */
  classCount?(c: C): void
}

/** Labels over storage already checked to be integers in `[0, numClasses)` (internal: slices, gathers). */
export const labelsFromStorage = <B extends number, C extends number>(data: Int32Array, numClasses: C): Labels<B, C> => ({
  shape: [data.length as B],
  numClasses,
  data,
})

/** True for `Labels` (int32 storage), as opposed to a float target tensor. */
export const isLabels = (y: unknown): y is Labels =>
  typeof y === 'object' && y !== null && (y as Labels).data instanceof Int32Array

/**
 * Builds labels from integer class indices, checked to be integers in `[0, numClasses)`. A literal
 * array gives a literal batch size (`labels([0, 2, 1], 3)` is `Labels<3, 3>`); a runtime array gives
 * `Labels<number, C>`.
 *
 * @throws ValueError naming the first bad label.
 * @category tensor
 */
export const labels = <const V extends ArrayLike<number>, const C extends number>(
  values: V,
  numClasses: C,
): Labels<V extends readonly number[] ? V['length'] : number, C> => {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new ValueError('labels', `numClasses must be a positive integer, got ${numClasses}`)
  const data = new Int32Array(values.length)
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (!Number.isInteger(v) || v < 0 || v >= numClasses)
      throw new ValueError('labels', `label ${i} is ${v}; labels must be integers in [0, ${numClasses})`)
    data[i] = v
  }
  return { shape: [values.length] as never, numClasses, data }
}
