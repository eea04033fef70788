import { assertSameShape } from '../internal/assert.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'
import { checkFinite } from './checkFinite.js'

/**
 * Squared error `½‖ŷ − y‖²` per example, averaged over the batch. Gradient: `(ŷ − y) / B`.
 *
 * @throws ShapeError when shapes differ; ValueError for a non-finite entry.
 * @category losses
 */
export const squaredError = <B extends number, N extends number>(
  yHat: Tensor<[B, N]>,
  y: Tensor<[NoInfer<B>, NoInfer<N>]>,
): readonly [number, Tensor<[B, N]>] => {
  const op = 'squaredError'
  assertSameShape(op, yHat, y, 'yHat', 'y')
  checkFinite(op, 'yHat', yHat)
  checkFinite(op, 'y', y)
  const p = yHat.data, t = y.data, b = yHat.shape[0]
  const g = alloc(yHat.dtype, p.length)
  let loss = 0
  for (let i = 0; i < p.length; i++) {
    const d = p[i]! - t[i]!
    loss += 0.5 * d * d
    g[i] = d / b
  }
  return [loss / b, { shape: yHat.shape, dtype: yHat.dtype, data: g }]
}
