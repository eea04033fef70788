import { assertRank } from '../internal/assert.js'
import { ShapeError } from '../shape/ShapeError.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'

/**
 * Sums a matrix over an axis: axis 0 sums the rows together (`[R, C] → [C]`, the bias gradient),
 * axis 1 sums each row (`[R, C] → [R]`).
 *
 * @category ops
 */
export function sum<R extends number, C extends number>(x: Tensor<[R, C]>, axis: 0): Tensor<[C]>
export function sum<R extends number, C extends number>(x: Tensor<[R, C]>, axis: 1): Tensor<[R]>
export function sum(x: Tensor<[number, number]>, axis: 0 | 1): Tensor<[number]> {
  assertRank('sum', x, 2)
  if (axis !== 0 && axis !== 1) throw new ShapeError('sum', `axis must be 0 or 1 for a matrix, got ${String(axis)}`)
  const [r, c] = x.shape
  const d = x.data
  const o = alloc(x.dtype, axis === 0 ? c : r)
  if (axis === 0) {
    for (let i = 0, k = 0; i < r; i++) for (let j = 0; j < c; j++, k++) o[j] = o[j]! + d[k]!
  } else {
    for (let i = 0, k = 0; i < r; i++) {
      let s = 0
      for (let j = 0; j < c; j++, k++) s += d[k]!
      o[i] = s
    }
  }
  return { shape: [o.length], dtype: x.dtype, data: o }
}

/** The mean of a matrix over an axis (see {@link sum}). @category ops */
export function mean<R extends number, C extends number>(x: Tensor<[R, C]>, axis: 0): Tensor<[C]>
export function mean<R extends number, C extends number>(x: Tensor<[R, C]>, axis: 1): Tensor<[R]>
export function mean(x: Tensor<[number, number]>, axis: 0 | 1): Tensor<[number]> {
  const s = axis === 0 ? sum(x, 0) : sum(x, 1)
  const n = x.shape[axis]
  const o = s.data
  for (let i = 0; i < o.length; i++) o[i] = o[i]! / n // s was just allocated by sum
  return s
}
