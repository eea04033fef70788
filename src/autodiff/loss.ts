import { assertSameShape } from '../internal/assert.js'
import { checkFinite } from '../losses/checkFinite.js'
import type { LabelLoss, TargetLoss } from '../losses/Loss.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { astype, full, type Tensor } from '../tensor/Tensor.js'
import type { Labels } from '../tensor/Labels.js'
import { backprop, constant, variable, type Var } from './Var.js'
import { assertVar } from './vjp.js'

/** The definition of a loss on tensor targets (see {@link loss}). @category autodiff */
export interface LossDef {
  /** The name errors give, e.g. `huber`. */
  readonly name: string
  /** The mean loss over the batch, a scalar, from predictions `yHat: [B, N]` and targets `y: [B, N]` (a constant). */
  readonly forward: (yHat: Var<[number, number]>, y: Var<[number, number]>) => Var<[]>
}

/** The definition of a loss on class labels (see {@link labelLoss}). @category autodiff */
export interface LabelLossDef {
  /** The name errors give. */
  readonly name: string
  /** The mean loss over the batch, a scalar, from logits `[B, C]` and labels of `C` classes (`ad.oneHot(y)` makes them rows). */
  readonly forward: (logits: Var<[number, number]>, y: Labels<number, number>) => Var<[]>
}

/** The loss's value and its gradient with respect to the predictions, from a forward pass. */
const valueAndGradient = (name: string, yHat: Tensor, forward: (v: Var) => unknown): readonly [number, Tensor] => {
  const v = variable(yHat)
  const l = assertVar(name, 'forward result', forward(v))
  if (l.shape.length !== 0) throw new ShapeError(name, `forward returns shape ${showShape(l.shape)} but a scalar [] was expected (reduce it with ad.meanAll or ad.sumAll)`)
  const [g] = backprop(l, full([], 1, l.value.dtype), [v])
  return [l.value.data[0]!, astype(g!, yHat.dtype)]
}

const named = <F extends object>(f: F, name: string): F => Object.defineProperty(f, 'name', { value: name })

const checkName = (op: string, name: unknown): string => {
  if (typeof name !== 'string' || name === '') throw new ValueError(op, 'name must be a non-empty string')
  return name
}

/**
 * A loss on tensor targets from a forward pass written with the ops of `ad`: `forward(yHat, y)`
 * gives the batch's mean loss as a scalar, and the gradient `∂L/∂ŷ` is derived. The result is a
 * `TargetLoss`, usable wherever `squaredError` is (`fit`, `evaluate`, `valueAndGrad`); like the
 * built-in losses it refuses shapes that differ and non-finite inputs, naming itself.
 *
 * @example
 * // Huber loss (δ = 1) per entry, summed over the outputs, averaged over the batch:
 * // ½q² + δ(|r| − q) with r = ŷ − y and q = min(|r|, δ) = |r| − relu(|r| − δ).
 * const huber = loss({
 *   name: 'huber',
 *   forward: (yHat, y) => {
 *     const r = ad.abs(ad.sub(yHat, y))
 *     const q = ad.sub(r, ad.relu(ad.addScalar(r, -1)))
 *     const perEntry = ad.add(ad.scale(ad.square(q), 0.5), ad.sub(r, q))
 *     return ad.scale(ad.sumAll(perEntry), 1 / yHat.shape[0])
 *   },
 * })
 * const [value, dyHat] = huber(zeros([2, 3]), ones([2, 3]))   // 1.5, Tensor<[2, 3]>
 * @category autodiff
 */
export const loss = (def: LossDef): TargetLoss => {
  const name = checkName('loss', def.name)
  const f = (yHat: Tensor, y: Tensor) => {
    if (yHat.shape.length !== 2) throw new ShapeError(name, `yHat has shape ${showShape(yHat.shape)} but [B,N] was expected`)
    assertSameShape(name, yHat, y, 'yHat', 'y')
    checkFinite(name, 'yHat', yHat)
    checkFinite(name, 'y', y)
    return valueAndGradient(name, yHat, (v) => def.forward(v as Var<[number, number]>, constant(y as Tensor<[number, number]>)))
  }
  return named(f, name) as unknown as TargetLoss
}

/**
 * A loss on class labels from a forward pass written with the ops of `ad`: `forward(logits, y)`
 * gives the batch's mean loss as a scalar, and the gradient with respect to the logits is derived.
 * The result is a `LabelLoss`, usable wherever `softmaxCrossEntropy` is (classification error
 * included).
 *
 * @example
 * // Mean absolute error between the softmax of the logits and the one-hot labels:
 * const softmaxMae = labelLoss({
 *   name: 'softmaxMae',
 *   forward: (logits, y) => ad.scale(ad.sumAll(ad.abs(ad.sub(ad.softmax(logits), ad.oneHot(y)))), 1 / logits.shape[0]),
 * })
 * const [value, dLogits] = softmaxMae(zeros([2, 4]), labels([0, 3], 4))   // 1.5, Tensor<[2, 4]>
 * @category autodiff
 */
export const labelLoss = (def: LabelLossDef): LabelLoss => {
  const name = checkName('labelLoss', def.name)
  const f = (logits: Tensor, y: Labels) => {
    if (logits.shape.length !== 2) throw new ShapeError(name, `logits has shape ${showShape(logits.shape)} but [B,C] was expected`)
    const [b, c] = logits.shape as readonly [number, number]
    if (y.shape[0] !== b) throw new ShapeError(name, `logits has shape ${showShape(logits.shape)} but labels has shape ${showShape(y.shape)}`)
    if (y.numClasses !== c) throw new ShapeError(name, `labels have ${y.numClasses} classes but logits has shape ${showShape(logits.shape)} (${c} classes)`)
    checkFinite(name, 'logits', logits)
    return valueAndGradient(name, logits, (v) => def.forward(v as Var<[number, number]>, y))
  }
  return named(f, name) as unknown as LabelLoss
}
