import { softmaxRows } from '../layers/softmax.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'
import type { Labels } from '../tensor/Labels.js'
import { checkFinite } from './checkFinite.js'

/**
 * Softmax followed by the negative log-likelihood of the true class, fused for stability:
 * `ℓ = −log f(a)_y = logΣexp(a) − a_y`, averaged over the batch. Takes logits `a: [B, C]` and
 * integer labels `y: Labels<B, C>` (the class counts must agree). The gradient at the pre-activation is `−(e(y) − f(a)) / B`.
 *
 * NOTE: computed as `log Σ exp(a − max a) + max a − a_y`, so a logit of 1000 gives a finite loss.
 *
 * @throws ShapeError when the batch sizes differ; ValueError for a label outside `[0, C)` or a non-finite logit.
 * @example
 * const [loss, dLogits] = softmaxCrossEntropy(logits, labels([3, 1], 10))
 * @category losses
 */
export const softmaxCrossEntropy = <B extends number, C extends number>(
  logits: Tensor<[B, C]>,
  y: Labels<NoInfer<B>, NoInfer<C>>,
): readonly [number, Tensor<[B, C]>] => {
  const op = 'softmaxCrossEntropy'
  if (logits.shape.length !== 2) throw new ShapeError(op, `logits has shape ${showShape(logits.shape)} but [B,C] was expected`)
  const [b, c] = logits.shape
  if (y.shape[0] !== b) throw new ShapeError(op, `logits has shape ${showShape(logits.shape)} but labels has shape ${showShape(y.shape)}`)
  if (y.numClasses !== c) throw new ShapeError(op, `labels have ${y.numClasses} classes but logits has shape ${showShape(logits.shape)} (${c} classes)`)
  checkFinite(op, 'logits', logits)
  const a = logits.data
  const f = alloc(logits.dtype, a.length)
  const lse = new Float64Array(b)
  softmaxRows(a, f, c, lse)
  let loss = 0
  for (let i = 0; i < b; i++) {
    const t = y.data[i]!
    if (t < 0 || t >= c) throw new ValueError(op, `label ${i} is ${t} but logits has ${c} classes`)
    const r = i * c
    loss += lse[i]! - a[r + t]!
    f[r + t] = f[r + t]! - 1
  }
  for (let i = 0; i < f.length; i++) f[i] = f[i]! / b
  return [loss / b, { shape: logits.shape, dtype: logits.dtype, data: f }]
}
