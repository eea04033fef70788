import { assertRank } from '../internal/assert.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { resultType, type Tensor } from '../tensor/Tensor.js'
import { addBias } from './addBias.js'
import { matmul } from './matmul.js'

/**
 * The affine map `x · w + b` of a dense layer: `[B, I] × [I, O] + [O] → [B, O]`.
 *
 * Equal to `addBias(matmul(x, w), b)`, fused: the bias is added into the product's freshly
 * allocated storage instead of a second `[B, O]` array. The result's storage is always fresh and
 * shared with nothing, so a caller that made it may finish it in place before handing it on
 * (`dense(I, O, { activation: 'relu' })` does).
 *
 * @example
 * affine(zeros([32, 784]), zeros([784, 256]), zeros([256])) // Tensor<[32, 256]>
 * @category ops
 */
export const affine = <B extends number, I extends number, O extends number>(
  x: Tensor<[B, I]>,
  w: Tensor<[NoInfer<I>, O]>,
  b: Tensor<[NoInfer<O>]>,
): Tensor<[B, O]> => {
  assertRank('affine', b, 1, 'b')
  const y = matmul(x, w)
  const [rows, n] = y.shape
  if (b.shape[0] !== n) throw new ShapeError('affine', `w has shape ${showShape(w.shape)} but b has shape ${showShape(b.shape)}`)
  // NOTE: a float64 bias on a float32 product promotes the result; addBias allocates for that.
  if (resultType(y, b) !== y.dtype) return addBias(y, b)
  const o = y.data, bd = b.data
  for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) o[i] = o[i]! + bd[j]!
  return y
}
