import type { Layer } from '../layers/Layer.js'
import type { Loss, TargetOf } from '../losses/Loss.js'
import type { GradientTransformation } from '../optim/GradientTransformation.js'
import { fold, type Key } from '../random/Key.js'
import { ValueError } from '../shape/ValueError.js'
import { minibatches } from '../data/minibatches.js'
import { evaluate, type Evaluation } from './evaluate.js'
import { trainStep, type Batch } from './trainStep.js'
import type { Shape } from '../shape/Shape.js'

/** One line of the training history. @category train */
export interface EpochRecord {
  readonly epoch: number
  readonly trainLoss: number
  readonly validationLoss: number
  /** Validation classification error (`NaN` for non-label targets). */
  readonly validationError: number
  /** The learning-rate factor in force during this epoch (1 unless the plateau rule cut it). */
  readonly rateFactor: number
}

/**
 * Everything training carries from epoch to epoch: the accumulator of the fold over epochs. Saving
 * it (see `encodeCheckpoint`) and passing it back to {@link fit} resumes bit-identically.
 *
 * @category train
 */
export interface TrainState<P, S, St> {
  /** Epochs completed. */
  readonly epoch: number
  readonly params: P
  readonly opt: S
  readonly netState: St | undefined
  /** The best epoch so far by the selection score, with its params (early stopping returns these). */
  readonly best: { readonly epoch: number; readonly score: number; readonly params: P; readonly netState: St | undefined }
  /** Epochs since the best one (early stopping's look-ahead counter). */
  readonly sinceBest: number
  /** Learning-rate factor of the plateau rule, and epochs since it last saw an improvement. */
  readonly rateFactor: number
  readonly sincePlateau: number
  readonly plateauBest: number
  readonly stopped: boolean
  readonly history: readonly EpochRecord[]
}

/** The configuration of {@link fit}: static, never touched by tree utilities. @category train */
export interface FitConfig<In extends Shape, Out extends Shape, P, St, L extends Loss, S> {
  readonly net: Layer<In, Out, P, St>
  readonly loss: L
  readonly optimizer: GradientTransformation<S>
  readonly batchSize: number
  /** Maximum number of epochs (in total, counting epochs done before a resume). */
  readonly epochs: number
  /** The seed key: epoch `e` shuffles and draws dropout masks from `fold(key, e)`. */
  readonly key: Key
  /** Early stopping: stop after this many epochs without a better validation score (look-ahead). */
  readonly patience?: number
  /** Halve (or scale by `factor`) the learning rate when the validation score has not improved for `patience` epochs. */
  readonly plateau?: { readonly patience: number; readonly factor?: number }
  /** Called after every epoch, e.g. to print a progress line or save a checkpoint. */
  readonly onEpoch?: (record: EpochRecord, state: TrainState<P, S, St>) => void
}

/** The score model selection minimises: validation error for labels, validation loss otherwise. */
export const score = (e: Evaluation): number => (Number.isNaN(e.error) ? e.loss : e.error)

/**
 * The initial training state: params from `config.key`'s first subkey unless given.
 *
 * @category train
 */
export const initTrain = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  params: P = config.net.init(fold(config.key, 0x7fffffff)),
): TrainState<P, S, St> => {
  const netState = config.net.initState()
  return {
    epoch: 0, params, opt: config.optimizer.init(params), netState,
    best: { epoch: 0, score: Infinity, params, netState },
    sinceBest: 0, rateFactor: 1, sincePlateau: 0, plateauBest: Infinity, stopped: false, history: [],
  }
}

/**
 * One epoch as a fold of the training step over shuffled minibatches, then a validation pass and
 * the bookkeeping of early stopping and the plateau rule. Pure: returns a new state.
 *
 * @category train
 */
export const trainEpoch = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  train: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  validation: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
) => {
  const stepFn = trainStep(config.net, config.loss, config.optimizer)
  return (state: TrainState<P, S, St>): TrainState<P, S, St> => {
    const epochKey = fold(config.key, state.epoch)
    const [shuffleKey, stepKey] = [fold(epochKey, 0), fold(epochKey, 1)]
    const batches = minibatches(shuffleKey, train as never, config.batchSize) as unknown as readonly Batch<number, In, TargetOf<L, number, Out>>[]
    const start = { step: { params: state.params, opt: state.opt, netState: state.netState }, lossSum: 0, n: 0 }
    const end = batches.reduce((acc, batch, i) => {
      const [step, loss] = stepFn(acc.step, batch, fold(stepKey, i), state.rateFactor)
      const b = batch.x.shape[0]
      return { step, lossSum: acc.lossSum + loss * b, n: acc.n + b }
    }, start)
    const { params, opt, netState } = end.step
    const v = evaluate(config.net, config.loss, params, validation, netState)
    const s = score(v)
    const epoch = state.epoch + 1
    const record: EpochRecord = {
      epoch, trainLoss: end.lossSum / end.n, validationLoss: v.loss, validationError: v.error, rateFactor: state.rateFactor,
    }
    const improved = s < state.best.score
    const plateauImproved = s < state.plateauBest
    const plateauDue = config.plateau !== undefined && !plateauImproved && state.sincePlateau + 1 >= config.plateau.patience
    const sinceBest = improved ? 0 : state.sinceBest + 1
    return {
      epoch, params, opt, netState,
      best: improved ? { epoch, score: s, params, netState } : state.best,
      sinceBest,
      rateFactor: plateauDue ? state.rateFactor * (config.plateau?.factor ?? 0.5) : state.rateFactor,
      sincePlateau: plateauImproved || plateauDue ? 0 : state.sincePlateau + 1,
      plateauBest: Math.min(s, state.plateauBest),
      stopped: config.patience !== undefined && sinceBest >= config.patience,
      history: [...state.history, record],
    }
  }
}

/**
 * Trains by folding {@link trainEpoch} over epochs until `config.epochs` or early stopping. Resume
 * by passing a saved state as `from`: the result is bit-identical to an uninterrupted run.
 * The returned state's `best.params` are the early-stopping choice.
 *
 * @throws ValueError for a non-positive batch size or epoch count.
 * @example
 * const state = fit({ net: mlp, loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: 64, epochs: 20, key: key(0), patience: 3 }, train, validation)
 * const { params } = state.best
 * @category train
 */
export const fit = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  train: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  validation: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  from: TrainState<P, S, St> = initTrain(config),
): TrainState<P, S, St> => {
  if (!(Number.isInteger(config.epochs) && config.epochs >= 0)) throw new ValueError('fit', `epochs must be a non-negative integer, got ${config.epochs}`)
  const epochFn = trainEpoch(config, train, validation)
  let state = from
  while (state.epoch < config.epochs && !state.stopped) {
    state = epochFn(state)
    config.onEpoch?.(state.history[state.history.length - 1]!, state)
  }
  return state
}
