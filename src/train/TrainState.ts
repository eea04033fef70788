import type { Layer } from '../layers/Layer.js'
import type { Loss } from '../losses/Loss.js'
import type { GradientTransformation } from '../optim/GradientTransformation.js'
import { fold, type Key } from '../random/Key.js'
import type { Shape } from '../shape/Shape.js'
import type { Evaluation } from './evaluate.js'
import type { StepState } from './trainStep.js'

/** One line of the training history, written at the end of each epoch. @category train */
export interface EpochRecord {
  readonly epoch: number
  readonly trainLoss: number
  readonly validationLoss: number
  /** Validation classification error (`NaN` for non-label targets). */
  readonly validationError: number
  /** The learning-rate factor in force during this epoch (1 unless `reduceOnPlateau` cut it). */
  readonly rateFactor: number
}

/** What `onBatch` hears after every training step. @category train */
export interface BatchRecord {
  /** The epoch under way, counting from 1. */
  readonly epoch: number
  /** The minibatch just done within the epoch, counting from 1, of `stepsPerEpoch`. */
  readonly step: number
  readonly stepsPerEpoch: number
  /** Minibatches done since the start of training (epochs before a resume included). */
  readonly globalStep: number
  /** The minibatch's mean loss (before the update). */
  readonly loss: number
  /** Training examples seen since the start of training. */
  readonly examplesSeen: number
}

/**
 * Everything training carries from step to step: the accumulator of the fold. `params`, `opt` and
 * `netState` are what one step reads and writes (a {@link StepState}); the rest is the bookkeeping
 * of epochs, model selection and history. A state is resumable wherever it was taken, between
 * epochs or within one (`step > 0`): passing it back to `fit` gives bit-identically what an
 * uninterrupted run gives, and so does a checkpoint of it (see `encodeCheckpoint`).
 *
 * @category train
 */
export interface TrainState<P, S, St> extends StepState<P, S, St> {
  /** Epochs completed. */
  readonly epoch: number
  /** Minibatches done in the epoch under way (0 between epochs). */
  readonly step: number
  /** Σ batch loss × batch size, and the examples seen, in the epoch under way (the epoch's train loss). */
  readonly lossSum: number
  readonly examples: number
  /** The best epoch so far by the selection score, with its params (early stopping returns these). */
  readonly best: { readonly epoch: number; readonly score: number; readonly params: P; readonly netState: St | undefined }
  /** Epochs since the best one (early stopping's look-ahead counter). */
  readonly sinceBest: number
  readonly stopped: boolean
  readonly history: readonly EpochRecord[]
}

/** The configuration of `fit`: static, never touched by tree utilities. @category train */
export interface FitConfig<In extends Shape, Out extends Shape, P, St, L extends Loss, S> {
  readonly net: Layer<In, Out, P, St>
  readonly loss: L
  /**
   * The optimizer. If it observes (it contains `reduceOnPlateau`), `fit` passes it the validation
   * score after every epoch: `chain(adam(1e-3), reduceOnPlateau({ patience: 2 }))`.
   */
  readonly optimizer: GradientTransformation<S>
  readonly batchSize: number
  /** Maximum number of epochs (in total, counting epochs done before a resume). */
  readonly epochs: number
  /** The seed key: epoch `e` shuffles and draws dropout masks from `fold(key, e)`. */
  readonly key: Key
  /** Early stopping: stop after this many epochs without a better validation score (look-ahead). */
  readonly patience?: number
  /** Called after every epoch, e.g. to print a progress line or save a checkpoint. */
  readonly onEpoch?: (record: EpochRecord, state: TrainState<P, S, St>) => void
  /** Called after every training step, e.g. to move a progress bar. */
  readonly onBatch?: (record: BatchRecord, state: TrainState<P, S, St>) => void
}

/** The score model selection minimises: validation error for labels, validation loss otherwise. @category train */
export const score = (e: Evaluation): number => (Number.isNaN(e.error) ? e.loss : e.error)

/**
 * The initial training state: params from `config.key`'s first subkey unless given.
 *
 * @example
 * const start = initTrain(config, pretrainedParams)
 * @category train
 */
export const initTrain = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  params: P = config.net.init(fold(config.key, 0x7fffffff)),
): TrainState<P, S, St> => {
  const netState = config.net.initState()
  return {
    epoch: 0, step: 0, lossSum: 0, examples: 0, params, opt: config.optimizer.init(params), netState,
    best: { epoch: 0, score: Infinity, params, netState },
    sinceBest: 0, stopped: false, history: [],
  }
}
