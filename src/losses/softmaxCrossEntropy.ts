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
 * Loss and gradient come out of one sweep over the rows (max, exponentials, then `(f − e(y)) / B`
 * written over the exponentials), each step stored at the logits' precision as the softmax layer does.
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
  const a = logits.data, labels = y.data
  const g = alloc(logits.dtype, a.length)
  let loss = 0
  for (let i = 0, r = 0; i < b; i++, r += c) {
    const t = labels[i]!
    if (t < 0 || t >= c) throw new ValueError(op, `label ${i} is ${t} but logits has ${c} classes`)
    let m = -Infinity
    for (let j = r; j < r + c; j++) if (a[j]! > m) m = a[j]!
    let s = 0
    for (let j = r; j < r + c; j++) s += g[j] = Math.exp(a[j]! - m)
    loss += Math.log(s) + m - a[r + t]!
    // NOTE: every `g[j] = g[j] …` stores, so float32 storage rounds f = e/s, f − 1 and (f − 1)/B in
    // turn, exactly as the softmax, the −1 and the /B did as three passes.
    const k = r + t
    g[k] = g[k]! / s
    g[k] = g[k]! - 1
    g[k] = g[k]! / b
    for (let j = r; j < k; j++) {
      g[j] = g[j]! / s
      g[j] = g[j]! / b
    }
    for (let j = k + 1; j < r + c; j++) {
      g[j] = g[j]! / s
      g[j] = g[j]! / b
    }
  }
  return [loss / b, { shape: logits.shape, dtype: logits.dtype, data: g }]
}
