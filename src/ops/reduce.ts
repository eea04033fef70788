import { assertRank } from '../internal/assert.js'
import { ShapeError } from '../shape/ShapeError.js'
import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'

const fround = Math.fround

/**
 * `o[j] += Σ_i d[i·c + j]` over rows `i = 0 … r−1` in order, rounding after every add as a
 * one-row-at-a-time loop through `o`'s storage does (so the same bits). Four rows go per pass
 * through `o` (`Math.fround` rounds the three sums kept in registers): a third fewer loads and
 * stores than one row at a time, and the bias gradient of a dense layer is this loop.
 */
const sumRows = (d: Storage, o: Storage, r: number, c: number): void => {
  let i = 0
  if (o instanceof Float32Array)
    for (; i + 4 <= r; i += 4) {
      const k = i * c
      for (let j = 0; j < c; j++) o[j] = fround(fround(fround(o[j]! + d[k + j]!) + d[k + c + j]!) + d[k + 2 * c + j]!) + d[k + 3 * c + j]!
    }
  else
    for (; i + 4 <= r; i += 4) {
      const k = i * c
      for (let j = 0; j < c; j++) o[j] = o[j]! + d[k + j]! + d[k + c + j]! + d[k + 2 * c + j]! + d[k + 3 * c + j]!
    }
  for (let k = i * c; i < r; i++) for (let j = 0; j < c; j++, k++) o[j] = o[j]! + d[k]!
}

/**
 * Sums a matrix over an axis: axis 0 sums the rows together (`[R, C] → [C]`, the bias gradient),
 * axis 1 sums each row (`[R, C] → [R]`).
 *
 * @example
 * sum(tensor([2, 2], [1, 2, 3, 4]), 0) // Tensor<[2]>: [4, 6]
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
  if (axis === 0) sumRows(d, o, r, c)
  else {
    for (let i = 0, k = 0; i < r; i++) {
      let s = 0
      for (let j = 0; j < c; j++, k++) s += d[k]!
      o[i] = s
    }
  }
  return { shape: [o.length], dtype: x.dtype, data: o }
}

/**
 * The mean of a matrix over an axis (see {@link sum}): `[R, C] → [C]` (axis 0) or `[R]` (axis 1).
 *
 * @example
 * mean(tensor([2, 2], [1, 2, 3, 4]), 1) // Tensor<[2]>: [1.5, 3.5]
 * @category ops
 */
export function mean<R extends number, C extends number>(x: Tensor<[R, C]>, axis: 0): Tensor<[C]>
export function mean<R extends number, C extends number>(x: Tensor<[R, C]>, axis: 1): Tensor<[R]>
export function mean(x: Tensor<[number, number]>, axis: 0 | 1): Tensor<[number]> {
  const s = axis === 0 ? sum(x, 0) : sum(x, 1)
  const n = x.shape[axis]
  const o = s.data
  for (let i = 0; i < o.length; i++) o[i] = o[i]! / n // s was just allocated by sum
  return s
}
