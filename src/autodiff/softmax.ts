import type { Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'
import { div, sub } from './elementwise.js'
import { expand, sum } from './reduce.js'
import { exp, log } from './unary.js'
import { constant, lift, type Var, type VarLike } from './Var.js'

// Softmax and log-softmax over the last axis, derived from exp, sum, expand, sub, div and log: no
// backward pass of their own.

/** The maximum of each row over the last axis, `[...S, N] → [...S]`, as a constant. */
const rowMax = (op: string, x: Tensor): Var => {
  const s = x.shape
  const n = s[s.length - 1]
  if (n === undefined || n === 0) throw new ShapeError(op, `x has shape ${showShape(s)}; the last axis must be non-empty`)
  const d = x.data, o = alloc(x.dtype, d.length / n)
  for (let r = 0, k = 0; r < o.length; r++) {
    let m = -Infinity
    for (let j = 0; j < n; j++, k++) if (d[k]! > m) m = d[k]!
    o[r] = m
  }
  return constant({ shape: s.slice(0, -1), dtype: x.dtype, data: o })
}

/**
 * `x − max x` over the last axis, and the width of that axis.
 *
 * NOTE: softmax and log-softmax do not change when a constant is subtracted from a row, so the
 * maximum is taken as a constant (no gradient) and every `exp` is at most 1: no overflow.
 */
// NOTE: typed as a matrix [rows, n] inside; the ops work along the last axis of any rank.
const shifted = (op: string, x: VarLike): readonly [Var<[number, number]>, number] => {
  const v = lift(op, 'x', x) as Var<[number, number]>
  const n = v.shape[v.shape.length - 1]!
  return [sub(v, expand(rowMax(op, v.value) as Var<[number]>, -1, n)), n]
}

/**
 * Softmax over the last axis, `f(x)_c = e^{x_c} / Σ_c' e^{x_c'}` (shape kept), as the `softmax`
 * layer: `div(e, expand(sum(e, −1), −1, n))` with `e = exp(x − max x)`.
 *
 * @example
 * ad.softmax(ones([2, 10]))   // Var<[2, 10]>, every entry 0.1
 * @category autodiff
 */
export const softmax = <S extends Shape>(x: VarLike<S>): Var<S> => {
  const [z, n] = shifted('softmax', x)
  const e = exp(z)
  return div(e, expand(sum(e, -1), -1, n)) as unknown as Var<S>
}

/**
 * Log-softmax over the last axis, `x − log Σ eˣ` (shape kept): `z − log Σ e^z` with `z = x − max x`,
 * which stays finite where `log(softmax(x))` underflows to −∞.
 *
 * @example
 * ad.logSoftmax(ones([2, 10]))   // Var<[2, 10]>, every entry −log 10
 * @category autodiff
 */
export const logSoftmax = <S extends Shape>(x: VarLike<S>): Var<S> => {
  const [z, n] = shifted('logSoftmax', x)
  return sub(z, expand(log(sum(exp(z), -1)), -1, n)) as unknown as Var<S>
}
