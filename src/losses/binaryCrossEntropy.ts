import { assertSameShape } from '../internal/assert.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'
import { checkFinite } from './checkFinite.js'

/**
 * A sigmoid output followed by the sum of Bernoulli cross-entropies, fused for stability. Takes
 * logits `a: [B, N]` (the sigmoid is applied here) and targets `t ∈ [0, 1]` of the same shape:
 * `ℓ = −Σ_k t_k log σ(a_k) + (1 − t_k) log(1 − σ(a_k))`, averaged over the batch.
 * Gradient: `(σ(a) − t) / B`.
 *
 * NOTE: computed as `max(a, 0) − a·t + log(1 + e^{−|a|})`, finite for saturated sigmoids.
 *
 * @throws ShapeError when shapes differ; ValueError for a target outside [0, 1] or a non-finite logit.
 * @category losses
 */
export const binaryCrossEntropy = <B extends number, N extends number>(
  logits: Tensor<[B, N]>,
  targets: Tensor<[NoInfer<B>, NoInfer<N>]>,
): readonly [number, Tensor<[B, N]>] => {
  const op = 'binaryCrossEntropy'
  assertSameShape(op, logits, targets, 'logits', 'targets')
  checkFinite(op, 'logits', logits)
  const a = logits.data, t = targets.data, b = logits.shape[0]
  const g = alloc(logits.dtype, a.length)
  let loss = 0
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!, y = t[i]!
    if (!(y >= 0 && y <= 1)) throw new ValueError(op, `targets has ${y} at flat index ${i}; targets must be in [0, 1]`)
    // NOTE: e = e^{−|a|} serves both the loss and σ(a) = 1 / (1 + e) for a ≥ 0, e / (1 + e) otherwise.
    const e = Math.exp(-Math.abs(v))
    loss += Math.max(v, 0) - v * y + Math.log1p(e)
    const s = v >= 0 ? 1 / (1 + e) : e / (1 + e)
    g[i] = (s - y) / b
  }
  return [loss / b, { shape: logits.shape, dtype: logits.dtype, data: g }]
}
