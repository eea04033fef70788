import { assertRank } from '../internal/assert.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { alloc, resultType, type Tensor } from '../tensor/Tensor.js'

/**
 * Adds a bias vector to every row: `[B, N] + [N] → [B, N]`.
 *
 * @example
 * addBias(zeros([4, 3]), ones([3])) // Tensor<[4, 3]>
 * @category ops
 */
export const addBias = <B extends number, N extends number>(x: Tensor<[B, N]>, b: Tensor<[NoInfer<N>]>): Tensor<[B, N]> => {
  assertRank('addBias', x, 2, 'x')
  assertRank('addBias', b, 1, 'bias')
  const [rows, n] = x.shape
  if (b.shape[0] !== n) throw new ShapeError('addBias', `x has shape ${showShape(x.shape)} but bias has shape ${showShape(b.shape)}`)
  const dtype = resultType(x, b), o = alloc(dtype, x.data.length), xd = x.data, bd = b.data
  for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) o[i] = xd[i]! + bd[j]!
  return { shape: x.shape, dtype, data: o }
}
