import type { Loss, TargetOf } from '../losses/Loss.js'
import type { Shape } from '../shape/Shape.js'
import { fitSteps } from './fitSteps.js'
import { initTrain, type FitConfig, type TrainState } from './TrainState.js'
import type { Batch } from './trainStep.js'

// NOTE: the state's types and `initTrain` moved to TrainState.ts; re-exported for modules that
// import them from here (pretrain.ts).
export { initTrain, score, type BatchRecord, type EpochRecord, type FitConfig, type TrainState } from './TrainState.js'

/**
 * Trains: a fold of the training step over seeded minibatches, epoch after epoch (each epoch ends
 * with a validation pass, model selection, early stopping, the optimizer's observation of the
 * score and a history line), until `config.epochs` or early stopping. Pure and synchronous: it
 * runs {@link fitSteps} to the end, so the two give the same state. Resume by passing a saved
 * state as `from` (taken between epochs or within one): the result is bit-identical to an
 * uninterrupted run. The returned state's `best.params` are the early-stopping choice.
 *
 * @throws ValueError for a non-positive batch size, a negative epoch count, or an empty validation
 *   set with early stopping or a plateau rule; DivergenceError when a loss, output, gradient,
 *   update or the params go non-finite (its `lastGood` is the state after the last whole epoch).
 * @example
 * const optimizer = chain(adam(1e-3), reduceOnPlateau({ patience: 2 }))
 * const state = fit({ net: mlp, loss: softmaxCrossEntropy, optimizer, batchSize: 64, epochs: 20, key: key(0), patience: 3 }, train, validation)
 * const { params } = state.best
 * @category train
 */
export const fit = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  train: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  validation: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  from: TrainState<P, S, St> = initTrain(config),
): TrainState<P, S, St> => {
  const steps = fitSteps(config, train, validation, from)
  for (;;) {
    const r = steps.next()
    if (r.done === true) return r.value
  }
}

/**
 * One epoch more (the rest of the epoch under way, if `state` was taken within one), as `fit`
 * runs it: `fit({ ...config, epochs: state.epoch + 1 }, train, validation, state)`.
 *
 * @category train
 */
export const trainEpoch = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  train: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  validation: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
) =>
  (state: TrainState<P, S, St>): TrainState<P, S, St> =>
    fit({ ...config, epochs: state.epoch + 1 }, train, validation, state)
