import { assertRank } from '../internal/assert.js'
import { reluForward } from '../kernels/relu.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { resultType, type Tensor } from '../tensor/Tensor.js'
import { addBias } from './addBias.js'
import { matmul, run } from './matmul.js'

/**
 * The affine map `x · w + b` of a dense layer: `[B, I] × [I, O] + [O] → [B, O]`.
 *
 * Equal to `addBias(matmul(x, w), b)`, fused: in float32 the wasm kernel adds the bias to each
 * block of the product as it finishes it (no second pass, no second `[B, O]` array); otherwise it
 * is added into the product's fresh storage.
 *
 * @example
 * affine(zeros([32, 784]), zeros([784, 256]), zeros([256])) // Tensor<[32, 256]>
 * @category ops
 */
export const affine = <B extends number, I extends number, O extends number>(
  x: Tensor<[B, I]>,
  w: Tensor<[NoInfer<I>, O]>,
  b: Tensor<[NoInfer<O>]>,
): Tensor<[B, O]> => affineThen(x, w, b, false)

/**
 * {@link affine}, then relu if `relu` (`max(0, x · w + b)`, the bits of `relu` after `affine`).
 * The bias and the relu are applied by the product's kernel (in float32 by the wasm kernel, on each
 * block of the result as it is finished, on whichever thread computed it), except when a float64
 * bias promotes a float32 product: then after it.
 */
export const affineThen = <B extends number, I extends number, O extends number>(
  x: Tensor<[B, I]>,
  w: Tensor<[NoInfer<I>, O]>,
  b: Tensor<[NoInfer<O>]>,
  relu: boolean,
): Tensor<[B, O]> => {
  assertRank('affine', b, 1, 'b')
  const check = (n: number) => {
    if (b.shape[0] !== n) throw new ShapeError('affine', `w has shape ${showShape(w.shape)} but b has shape ${showShape(b.shape)}`)
  }
  // NOTE: the kernel adds the bias in the product's dtype; only a float64 bias on a float32 product
  // promotes the result, and addBias allocates the float64 result for that.
  if (resultType(x, w, b) === resultType(x, w)) return run('matmul', 'nn', x, w, { bias: b.data, relu, check }) as Tensor<[B, O]>
  const y = matmul(x, w)
  check(y.shape[1])
  const out = addBias(y, b)
  if (relu) reluForward(out.data, out.data) // out is addBias's fresh storage
  return out
}
