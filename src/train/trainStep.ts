import { valueAndGrad } from '../grad/valueAndGrad.js'
import type { Layer } from '../layers/Layer.js'
import type { Loss, TargetOf } from '../losses/Loss.js'
import type { GradientTransformation } from '../optim/GradientTransformation.js'
import { applyUpdates } from '../optim/applyUpdates.js'
import { scaleLeaves } from '../optim/leafwise.js'
import type { Key } from '../random/Key.js'
import type { Tensor } from '../tensor/Tensor.js'

/** A minibatch: inputs `x: [B, I]` and the loss's targets. @category train */
export interface Batch<B extends number, I extends number, Y> {
  readonly x: Tensor<[B, I]>
  readonly y: Y
}

/** What one training step carries from minibatch to minibatch. @category train */
export interface StepState<P, S, St> {
  readonly params: P
  readonly opt: S
  readonly netState: St | undefined
}

/**
 * One pure training step: forward in training mode (dropout masks from `key`, batch statistics),
 * loss, backward, optimizer update, `θ ← θ + rateFactor·u`. Gives the new state and the batch loss.
 * `rateFactor` scales the learning rate from outside (the plateau rule of `fit`).
 *
 * @example
 * const stepFn = trainStep(mlp, softmaxCrossEntropy, adam(1e-3))
 * const [next, loss] = stepFn(state, { x, y }, key(0))
 * @category train
 */
export const trainStep = <I extends number, O extends number, P, St, L extends Loss, S>(
  net: Layer<I, O, P, St>,
  loss: L,
  optimizer: GradientTransformation<S>,
) => {
  const lossAndGrad = valueAndGrad(net, loss)
  return <B extends number>(
    state: StepState<P, S, St>,
    batch: Batch<B, I, TargetOf<L, NoInfer<B>, O>>,
    key: Key,
    rateFactor = 1,
  ): readonly [StepState<P, S, St>, number] => {
    const [value, grads, netState] = lossAndGrad(state.params, batch.x, batch.y, {
      training: true,
      key,
      ...(state.netState !== undefined && { state: state.netState }),
    })
    const [updates, opt] = optimizer.update(grads, state.opt, state.params)
    const scaled = rateFactor === 1 ? updates : scaleLeaves(updates, rateFactor, 'trainStep')
    return [{ params: applyUpdates(state.params, scaled), opt, netState: netState ?? state.netState }, value]
  }
}
