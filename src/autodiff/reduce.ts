import type { Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { alloc, numel, type Tensor } from '../tensor/Tensor.js'
import { scale } from './elementwise.js'
import { reshape } from './shape.js'
import { lift, record, type Var, type VarLike } from './Var.js'

// Sum over an axis and its adjoint, expand (broadcast along a new axis), as one pair of primitives:
// each one's backward is the other. Means and full reductions are derived from them.
//
// Both view the tensor as [outer, n, inner], n the axis: for a matrix, axis 0 is [1, R, C] and
// axis 1 is [R, C, 1].

const sumKernel = (x: Tensor, outer: number, n: number, inner: number): Tensor['data'] => {
  const d = x.data, o = alloc(x.dtype, outer * inner)
  if (inner === 1) {
    // Rows summed one at a time, in float64 (as the op sum over axis 1).
    for (let r = 0, k = 0; r < outer; r++) {
      let s = 0
      for (let j = 0; j < n; j++, k++) s += d[k]!
      o[r] = s
    }
  } else {
    // Rows added into the result in turn (as the op sum over axis 0).
    for (let r = 0, k = 0; r < outer; r++)
      for (let j = 0; j < n; j++) for (let i = 0, b = r * inner; i < inner; i++, k++) o[b + i] = o[b + i]! + d[k]!
  }
  return o
}

const expandKernel = (x: Tensor, outer: number, n: number, inner: number): Tensor['data'] => {
  const d = x.data, o = alloc(x.dtype, outer * n * inner)
  for (let r = 0, k = 0; r < outer; r++) for (let j = 0; j < n; j++) for (let i = 0, b = r * inner; i < inner; i++, k++) o[k] = d[b + i]!
  return o
}

/** `axis` of a rank-`rank` shape (negative counts from the end); throws naming the op and the shape. */
const axisOf = (op: string, axis: number, shape: Shape, rank: number): number => {
  const a = axis < 0 ? axis + rank : axis
  if (!Number.isInteger(axis) || a < 0 || a >= rank) throw new ShapeError(op, `axis ${axis} is outside x of shape ${showShape(shape)}`)
  return a
}

const sumAxis = (op: string, x: Var, axis: number): Var => {
  const s = x.shape
  const a = axisOf(op, axis, s, s.length)
  const outer = numel(s.slice(0, a)), n = s[a]!, inner = numel(s.slice(a + 1))
  const shape = [...s.slice(0, a), ...s.slice(a + 1)]
  // NOTE: sum and expand are each other's adjoint: the backward of a sum copies dy along the axis.
  return record(op, [x], { shape, dtype: x.value.dtype, data: sumKernel(x.value, outer, n, inner) }, (dy) => [
    { shape: s, dtype: dy.dtype, data: expandKernel(dy, outer, n, inner) },
  ])
}

/**
 * The sum over an axis, which disappears: for a matrix `[R, C]`, axis 0 gives `[C]` (the column
 * sums) and axis 1 `[R]` (the row sums), as the op `sum`; for any shape, axis 0 sums `[N, ...S]` to
 * `S` and axis −1 sums `[...S, N]` to `S`. Backward: {@link expand} of `dy` along the axis.
 *
 * @example
 * ad.sum(ones([2, 3]), 1)        // Var<[2]>
 * ad.sum(ones([4, 5, 6]), -1)    // Var<[4, 5]>
 * @category autodiff
 */
export function sum<R extends number, C extends number>(x: VarLike<[R, C]>, axis: 1): Var<[R]>
export function sum<N extends number, S extends Shape>(x: VarLike<[N, ...S]>, axis: 0): Var<[...S]>
export function sum<S extends Shape, N extends number>(x: VarLike<[...S, N]>, axis: -1): Var<[...S]>
export function sum(x: VarLike, axis: number): Var {
  return sumAxis('sum', lift('sum', 'x', x), axis)
}

/**
 * Copies `x` `n` times along a new axis: axis 0 makes `S` into `[N, ...S]` (every row `x`), axis −1
 * makes `S` into `[...S, N]` (each entry repeated `n` times; for a vector `[R]` axis 1 is the same).
 * Broadcasting, made explicit. Backward: {@link sum} of `dy` over the axis.
 *
 * NOTE: this is sum in reverse.
 * @example
 * ad.expand(ones([3]), 0, 4)     // Var<[4, 3]>: a bias for 4 rows
 * ad.expand(ones([4]), -1, 3)    // Var<[4, 3]>: a statistic per row, for 3 columns
 * @category autodiff
 */
export function expand<S extends Shape, N extends number>(x: VarLike<S>, axis: 0, n: N): Var<[N, ...S]>
export function expand<S extends Shape, N extends number>(x: VarLike<S>, axis: -1, n: N): Var<[...S, N]>
export function expand<R extends number, N extends number>(x: VarLike<[R]>, axis: 1, n: N): Var<[R, N]>
export function expand(x: VarLike, axis: number, n: number): Var {
  const op = 'expand'
  const v = lift(op, 'x', x)
  const s = v.shape
  const a = axisOf(op, axis, s, s.length + 1)
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(op, `n must be a non-negative integer, got ${n}`)
  const outer = numel(s.slice(0, a)), inner = numel(s.slice(a))
  const shape = [...s.slice(0, a), n, ...s.slice(a)]
  return record(op, [v], { shape, dtype: v.value.dtype, data: expandKernel(v.value, outer, n, inner) }, (dy) => [
    { shape: s, dtype: dy.dtype, data: sumKernel(dy, outer, n, inner) },
  ])
}

/**
 * The mean over an axis = `scale(sum(x, axis), 1/n)`, with the shapes of {@link sum}.
 *
 * NOTE: multiplying by `1/n` can differ from the op `mean`'s division by `n` in the last bit.
 * @example
 * ad.mean(ones([2, 3]), 1)    // Var<[2]>
 * @category autodiff
 */
export function mean<R extends number, C extends number>(x: VarLike<[R, C]>, axis: 1): Var<[R]>
export function mean<N extends number, S extends Shape>(x: VarLike<[N, ...S]>, axis: 0): Var<[...S]>
export function mean<S extends Shape, N extends number>(x: VarLike<[...S, N]>, axis: -1): Var<[...S]>
export function mean(x: VarLike, axis: number): Var {
  const v = lift('mean', 'x', x)
  const n = v.shape[axisOf('mean', axis, v.shape, v.shape.length)]!
  return scale(sumAxis('mean', v, axis), 1 / n)
}

/** The sum of all elements, a scalar `Var<[]>` = `sum(reshape(x, [numel]), 0)`. @category autodiff */
export const sumAll = (x: VarLike): Var<[]> => {
  const v = lift('sumAll', 'x', x)
  return sumAxis('sumAll', reshape(v, [numel(v.shape)]), 0) as Var<[]>
}

/** The mean of all elements, a scalar `Var<[]>` = `scale(sumAll(x), 1/numel)`. @category autodiff */
export const meanAll = (x: VarLike): Var<[]> => {
  const v = lift('meanAll', 'x', x)
  return scale(sumAll(v), 1 / numel(v.shape))
}
