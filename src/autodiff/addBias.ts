import type { Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { numel } from '../tensor/Tensor.js'
import { add } from './elementwise.js'
import { expand } from './reduce.js'
import { reshape } from './shape.js'
import { lift, type Var, type VarLike } from './Var.js'

/**
 * Adds a bias vector along the last axis: `[...S, N] + [N] → [...S, N]` (`[B, N] + [N]` as the op
 * `addBias`; per channel for NHWC images). Derived: `add(x, expand(b, 0, rows))`, so the bias
 * gradient is the sum of `dy` over the rows.
 *
 * @example
 * ad.addBias(zeros([4, 3]), ones([3]))   // Var<[4, 3]>
 * @category autodiff
 */
export const addBias = <S extends Shape, N extends number>(x: VarLike<[...S, N]>, b: VarLike<[NoInfer<N>]>): Var<[...S, N]> => {
  const vx = lift('addBias', 'x', x), vb = lift('addBias', 'bias', b)
  const s = vx.shape
  if (s.length < 1 || vb.shape.length !== 1 || vb.shape[0] !== s[s.length - 1])
    throw new ShapeError('addBias', `x has shape ${showShape(s)} but bias has shape ${showShape(vb.shape)}`)
  const rows = numel(s.slice(0, -1))
  return add(vx, reshape(expand(vb, 0, rows), s)) as Var<[...S, N]>
}
