import { valueAndGrad } from '../grad/valueAndGrad.js'
import type { Layer } from '../layers/Layer.js'
import type { Loss, TargetOf } from '../losses/Loss.js'
import type { GradientTransformation } from '../optim/GradientTransformation.js'
import { applyStep } from '../optim/applyUpdates.js'
import type { Key } from '../random/Key.js'
import type { Shape } from '../shape/Shape.js'
import type { Tensor } from '../tensor/Tensor.js'

/** A minibatch (or a whole data set): inputs `x: [B, ...In]` and the loss's targets. @category train */
export interface Batch<B extends number, In extends Shape, Y> {
  readonly x: Tensor<[B, ...In]>
  readonly y: Y
}

/**
 * What one training step carries from minibatch to minibatch: params, optimizer state (learning
 * rate schedules and the plateau rule included) and the network's state. `TrainState` extends it.
 *
 * @category train
 */
export interface StepState<P, S, St> {
  readonly params: P
  readonly opt: S
  readonly netState: St | undefined
}

/**
 * One pure training step: forward in training mode (dropout masks from `key`, batch statistics),
 * loss, backward, optimizer update `(u, opt') = update(∇, opt, θ)`, `θ ← θ + u` (one pass per
 * tensor for the named optimizers, through their `updateAndApply`; the same bits). Gives the new
 * state and the batch loss. Everything that shapes the step size (schedules, `reduceOnPlateau`)
 * lives in the optimizer's state. An epoch is a fold of this function over minibatches.
 *
 * @example
 * const stepFn = trainStep(mlp, softmaxCrossEntropy, adam(1e-3))
 * const [next, loss] = stepFn(state, { x, y }, key(0))
 * @category train
 */
export const trainStep = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  net: Layer<In, Out, P, St>,
  loss: L,
  optimizer: GradientTransformation<S>,
) => {
  const lossAndGrad = valueAndGrad(net, loss)
  return <B extends number>(
    state: StepState<P, S, St>,
    batch: Batch<B, NoInfer<In>, TargetOf<L, NoInfer<B>, NoInfer<Out>>>,
    key: Key,
  ): readonly [StepState<P, S, St>, number] => {
    const [value, grads, netState] = lossAndGrad(state.params, batch.x, batch.y, {
      training: true,
      key,
      ...(state.netState !== undefined && { state: state.netState }),
    })
    const [params, opt] = applyStep(optimizer, grads, state.opt, state.params)
    return [{ params, opt, netState: netState ?? state.netState }, value]
  }
}
