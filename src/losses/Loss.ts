import type { Shape } from '../shape/Shape.js'
import type { Labels } from '../tensor/Labels.js'
import type { Tensor } from '../tensor/Tensor.js'

/**
 * A loss compares a batch of predictions `ŷ: [B, O]` with targets and gives the mean loss over the
 * batch and its gradient `∂L/∂ŷ` (already divided by `B`). There are two kinds, by target:
 *
 * - {@link LabelLoss}: integer class labels `Labels<B, C>` (softmax cross-entropy);
 * - {@link TargetLoss}: a tensor `[B, O]` like the predictions (squared error, binary cross-entropy).
 *
 * @category losses
 */
export type LabelLoss = <B extends number, C extends number>(
  logits: Tensor<[B, C]>,
  y: Labels<NoInfer<B>, NoInfer<C>>,
) => readonly [number, Tensor<[B, C]>]

/** A loss whose targets are a tensor of the predictions' shape. @category losses */
export type TargetLoss = <B extends number, N extends number>(
  yHat: Tensor<[B, N]>,
  y: Tensor<[NoInfer<B>, NoInfer<N>]>,
) => readonly [number, Tensor<[B, N]>]

/** Either kind of loss. */
export type Loss = LabelLoss | TargetLoss

/** The last dimension of a feature shape (the class count of logits `[C]`). */
type Last<S extends Shape> = S extends readonly [...Shape, infer C extends number] ? C : number

/**
 * The targets a loss takes for a batch of `B` predictions of feature shape `O`: `Labels<B, C>` for
 * a label loss on logits `[C]`, a tensor `[B, ...O]` like the predictions otherwise.
 */
export type TargetOf<L extends Loss, B extends number, O extends Shape> = L extends LabelLoss ? Labels<B, Last<O>> : Tensor<[B, ...O]>
