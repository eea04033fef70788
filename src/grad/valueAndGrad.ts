import type { Context, Layer } from '../layers/Layer.js'
import type { Loss, TargetOf } from '../losses/Loss.js'
import type { Shape } from '../shape/Shape.js'
import type { Tensor } from '../tensor/Tensor.js'

/** `(params, x, y, ctx?) → [loss, grads, state]` for a network and a loss. */
export type LossAndGrad<In extends Shape, Out extends Shape, P, St, L extends Loss> = <B extends number>(
  params: P,
  x: Tensor<[B, ...In]>,
  y: TargetOf<L, NoInfer<B>, Out>,
  ctx?: Context<St>,
) => readonly [number, P, St | undefined]

/**
 * The loss of a network on a batch and its gradient with respect to the params.
 *
 * `valueAndGrad(net, loss)(params, x, y, ctx)` runs the forward pass, the loss and the backward
 * pass, and gives `[loss, grads, state]`: `grads` has the structure of `params`, and `state` is the
 * network's new state (batch-norm statistics) if it has any. The targets' type follows the loss:
 * `Labels<B, C>` for `softmaxCrossEntropy` on logits `[C]`, `Tensor<[B, ...Out]>` for `squaredError`.
 *
 * @example
 * const lossAndGrad = valueAndGrad(mlp, softmaxCrossEntropy)
 * const [loss, grads] = lossAndGrad(params, x, labels(ys, 10))
 * @category grad
 */
export const valueAndGrad =
  <In extends Shape, Out extends Shape, P, St, L extends Loss>(net: Layer<In, Out, P, St>, loss: L): LossAndGrad<In, Out, P, St, L> =>
  (params, x, y, ctx) => {
    const [yHat, back, state] = net.apply(params, x, ctx)
    const [value, dyHat] = (loss as (a: unknown, b: unknown) => readonly [number, Tensor])(yHat, y)
    const [grads] = back(dyHat as never)
    return [value, grads, state]
  }
