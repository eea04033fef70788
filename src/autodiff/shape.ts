import { reshape as reshapeOp } from '../ops/reshape.js'
import { transpose as transposeOp } from '../ops/transpose.js'
import type { Add, Numel, Subtract } from '../shape/arithmetic.js'
import { sameShape, type Shape, type Writable } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { alloc, numel, resultType, type Tensor } from '../tensor/Tensor.js'
import { lift, record, type Var, type VarLike } from './Var.js'

// Ops that move data without arithmetic, in adjoint pairs: reshape/reshape, transpose/transpose,
// slice/pad and concat/slice (all along the last axis).

/**
 * The same data viewed with another shape (the element counts must agree, checked at run time),
 * as the op `reshape`. Backward: `dy` viewed back.
 *
 * @example
 * ad.reshape(ones([2, 3]), [3, 2])   // Var<[3, 2]>
 * @category autodiff
 */
export const reshape = <const S2 extends Shape>(x: VarLike, shape: S2): Var<Writable<S2>> => {
  const v = lift('reshape', 'x', x)
  // NOTE: reshape is its own adjoint: the gradient is dy viewed with x's shape.
  return record('reshape', [v], reshapeOp(v.value, shape), (dy) => [reshapeOp(dy, v.shape)])
}

/**
 * Flattens every dimension after the first: `[B, ...S] → [B, Numel<S>]`, as `flatten`.
 *
 * @example
 * ad.flatten(ones([2, 4, 4, 16]))   // Var<[2, 256]>
 * @category autodiff
 */
export const flatten = <B extends number, S extends Shape>(x: VarLike<[B, ...S]>): Var<[B, Numel<S>]> => {
  const v = lift('flatten', 'x', x)
  if (v.shape.length < 1) throw new ShapeError('flatten', `x has shape ${showShape(v.shape)}; a batch dimension is needed`)
  return reshape(v, [v.shape[0]!, numel(v.shape.slice(1))]) as unknown as Var<[B, Numel<S>]>
}

/** Matrix transpose `[R, C] → [C, R]`. Backward: `dyᵀ`. @category autodiff */
export const transpose = <R extends number, C extends number>(x: VarLike<[R, C]>): Var<[C, R]> => {
  const v = lift('transpose', 'x', x)
  // NOTE: transpose is its own adjoint.
  return record('transpose', [v], transposeOp(v.value as Tensor<[R, C]>), (dy) => [transposeOp(dy as Tensor<[C, R]>)])
}

/** Copies columns `[from, from + w)` of each of `rows` rows of `src` (`sw` columns) into columns `[to, to + w)` of `dst` (`dw` columns). */
const copyColumns = (rows: number, src: Tensor['data'], sw: number, from: number, dst: Tensor['data'], dw: number, to: number, w: number): void => {
  for (let r = 0; r < rows; r++) dst.set(src.subarray(r * sw + from, r * sw + from + w), r * dw + to)
}

const lastDim = (s: Shape): number => s[s.length - 1]!

/**
 * Entries `start … end−1` along the last axis: `[...S, N] → [...S, end − start]` (the width
 * computed by the compiler for literal bounds). Backward: `dy` put back in place, zeros elsewhere.
 *
 * @throws ShapeError naming the bounds and x's shape when they are not `0 ≤ start ≤ end ≤ N`.
 * @example
 * ad.slice(ones([2, 5]), 1, 3)   // Var<[2, 2]>
 * @category autodiff
 */
export const slice = <S extends Shape, N extends number, const Start extends number, const End extends number>(
  x: VarLike<[...S, N]>,
  start: Start,
  end: End,
): Var<[...S, Subtract<End, Start>]> => {
  const v = lift('slice', 'x', x)
  const s = v.shape
  if (s.length < 1) throw new ShapeError('slice', `x has shape ${showShape(s)}; slices are along the last axis`)
  const n = lastDim(s)
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= n))
    throw new ShapeError('slice', `entries ${start}…${end} are outside the last axis of x of shape ${showShape(s)}`)
  const w = end - start, rows = numel(s.slice(0, -1))
  const shape = [...s.slice(0, -1), w]
  const y = alloc(v.value.dtype, numel(shape))
  copyColumns(rows, v.value.data, n, start, y, w, 0, w)
  // NOTE: slice's adjoint pads dy with zeros back to x's width.
  return record('slice', [v], { shape, dtype: v.value.dtype, data: y }, (dy) => {
    const dx = alloc(dy.dtype, numel(s))
    copyColumns(rows, dy.data, w, 0, dx, n, start, w)
    return [{ shape: s, dtype: dy.dtype, data: dx }]
  }) as unknown as Var<[...S, Subtract<End, Start>]>
}

/**
 * `a` and `b` side by side along the last axis: `[...S, A]` and `[...S, B]` give `[...S, A + B]`
 * (computed by the compiler). Backward: `dy` sliced back into the two parts.
 *
 * @throws ShapeError naming both shapes when they differ before the last axis.
 * @example
 * ad.concat(ones([2, 3]), zeros([2, 4]))   // Var<[2, 7]>
 * @category autodiff
 */
export const concat = <S extends Shape, A extends number, B extends number>(a: VarLike<[...S, A]>, b: VarLike<[...S, B]>): Var<[...S, Add<A, B>]> => {
  const va = lift('concat', 'a', a), vb = lift('concat', 'b', b)
  const sa = va.shape, sb = vb.shape
  if (sa.length < 1 || sa.length !== sb.length || !sameShape(sa.slice(0, -1), sb.slice(0, -1)))
    throw new ShapeError('concat', `a has shape ${showShape(sa)} but b has shape ${showShape(sb)} (they must agree but for the last axis)`)
  const wa = lastDim(sa), wb = lastDim(sb), w = wa + wb, rows = numel(sa.slice(0, -1))
  const shape = [...sa.slice(0, -1), w]
  const dtype = resultType(va.value, vb.value)
  const y = alloc(dtype, numel(shape))
  copyColumns(rows, va.value.data, wa, 0, y, w, 0, wa)
  copyColumns(rows, vb.value.data, wb, 0, y, w, wa, wb)
  // NOTE: concat's adjoint slices dy back into the parts.
  return record('concat', [va, vb], { shape, dtype, data: y }, (dy, needs) => {
    const part = (from: number, pw: number, ps: Shape) => {
      const d = alloc(dy.dtype, numel(ps))
      copyColumns(rows, dy.data, w, from, d, pw, 0, pw)
      return { shape: ps, dtype: dy.dtype, data: d }
    }
    return [needs[0] ? part(0, wa, sa) : undefined, needs[1] ? part(wa, wb, sb) : undefined]
  }) as unknown as Var<[...S, Add<A, B>]>
}
