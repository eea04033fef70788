import type { AnyLayer, Context } from '../layers/Layer.js'
import type { Loss, TargetOf } from '../losses/Loss.js'
import { batchRowError } from '../data/batchRowError.js'
import { minibatches } from '../data/minibatches.js'
import { validateFitData } from '../data/validate.js'
import { numel } from '../tensor/Tensor.js'
import { plateauStates, rateFactorOf } from '../optim/reduceOnPlateau.js'
import { fold } from '../random/Key.js'
import type { Shape } from '../shape/Shape.js'
import { ValueError } from '../shape/ValueError.js'
import { DivergenceError, type DivergenceReport } from './DivergenceError.js'
import { diagnoseStep, diagnoseValidation, firstNonFinite, type Site } from './diagnose.js'
import { scoreChecked } from './evaluate.js'
import { initTrain, score, type BatchRecord, type EpochRecord, type FitConfig, type TrainState } from './TrainState.js'
import { trainStep, type Batch } from './trainStep.js'

/**
 * What {@link fitSteps} yields: after every training step a `batch` event, after every epoch an
 * `epoch` event, each with the state so far (resumable as it is).
 *
 * @category train
 */
export type FitEvent<P, S, St> =
  | { readonly kind: 'batch'; readonly record: BatchRecord; readonly state: TrainState<P, S, St> }
  | { readonly kind: 'epoch'; readonly record: EpochRecord; readonly state: TrainState<P, S, St> }

const checkConfig = (config: FitConfig<Shape, Shape, unknown, unknown, Loss, unknown>, nValidation: number, opt: unknown): void => {
  const { epochs, batchSize, patience } = config
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new ValueError('fit', `epochs must be a non-negative integer, got ${epochs}`)
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new ValueError('fit', `batchSize must be a positive integer, got ${batchSize}`)
  if (patience !== undefined && !(Number.isInteger(patience) && patience >= 1))
    throw new ValueError('fit', `patience must be a positive integer, got ${patience}`)
  if ('plateau' in config)
    throw new ValueError('fit', 'config.plateau is gone: compose the rule into the optimizer, chain(adam(1e-3), reduceOnPlateau({ patience: 2 }))')
  if (nValidation === 0 && patience !== undefined)
    throw new ValueError('fit', `the validation set is empty, so early stopping (patience ${patience}) has no score to select by and would return the initial params`)
  if (nValidation === 0 && plateauStates(opt).length > 0)
    throw new ValueError('fit', 'the validation set is empty, so the optimizer\'s plateau rule (reduceOnPlateau) has no score to observe')
}

/**
 * Training as a generator: the same fold as {@link fit}, yielding a {@link FitEvent} after every
 * step and every epoch, and returning the final state, identical to `fit`'s. Pull it at your own
 * pace (`fitAsync` yields to the event loop between pulls); stop pulling anywhere, and the last
 * event's state resumes bit-identically with `fit(config, train, validation, state)`.
 * The hooks `onBatch` and `onEpoch` are called just before the matching event is yielded.
 *
 * @throws ValueError up front for a bad epoch count, batch size or patience, or an empty
 *   validation set with early stopping or a plateau rule; DivergenceError (when pulled) when
 *   training goes non-finite.
 * @example
 * for (const e of fitSteps(config, train, validation)) if (e.kind === 'epoch') console.log(e.record)
 * @category train
 */
export const fitSteps = <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  train: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  validation: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  from: TrainState<P, S, St> = initTrain(config),
): Generator<FitEvent<P, S, St>, TrainState<P, S, St>, void> => {
  checkConfig(config as unknown as FitConfig<Shape, Shape, unknown, unknown, Loss, unknown>, validation.x.shape[0], from.opt)
  // The whole configuration and both data sets are checked before the first step: shapes, class
  // counts, finite values, row counts; data is converted to the model's dtype.
  const checked = validateFitData(config, train, validation.x.shape[0] === 0 ? undefined : validation, from.params)
  const n = train.x.shape[0]
  const stepsPerEpoch = batchCount(n, config.batchSize, checked.minLast)
  if (!(Number.isInteger(from.step) && from.step >= 0 && from.step <= stepsPerEpoch))
    throw new ValueError('fit', `from.step is ${from.step} but an epoch has ${stepsPerEpoch} minibatches: the state comes from other training data or another batch size`)
  return run(config, checked.train, checked.validation ?? validation, from, n, stepsPerEpoch, checked.minLast)
}

/** How many minibatches an epoch has: a last one smaller than `minLast` joins the one before it. */
const batchCount = (n: number, batchSize: number, minLast: number): number => {
  const full = Math.ceil(n / batchSize)
  return full > 1 && n - (full - 1) * batchSize < minLast ? full - 1 : full
}

function* run<In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  train: Batch<number, In, TargetOf<L, number, Out>>,
  validation: Batch<number, In, TargetOf<L, number, Out>>,
  from: TrainState<P, S, St>,
  n: number,
  stepsPerEpoch: number,
  minLast: number,
): Generator<FitEvent<P, S, St>, TrainState<P, S, St>, void> {
  const { net, loss, optimizer } = config
  const stepFn = trainStep(net, loss, optimizer)
  /** The last state an epoch ended on (or the start): what a DivergenceError hands back. */
  let good = from
  let state = from
  while (state.epoch < config.epochs && !state.stopped) {
    const epochKey = fold(config.key, state.epoch)
    const [shuffleKey, stepKey] = [fold(epochKey, 0), fold(epochKey, 1)]
    const batches = minibatches(shuffleKey, train as never, config.batchSize, { minLast }) as unknown as readonly (Batch<number, In, TargetOf<L, number, Out>> & { readonly rows: Int32Array })[]
    for (let i = state.step; i < batches.length; i++) {
      const batch = batches[i]!
      const key = fold(stepKey, i)
      const where = { epoch: state.epoch + 1, step: i + 1, globalStep: state.epoch * stepsPerEpoch + i + 1 }
      const diverged = (site: Site, lossValue: number | undefined, cause?: unknown): DivergenceError<P, S, St> => {
        const report: DivergenceReport = { ...where, ...site, loss: lossValue, rateFactor: rateFactorOf(state.opt) }
        return new DivergenceError(report, good, cause === undefined ? undefined : { cause })
      }
      const ctx: Context<St> = { training: true, key, ...(state.netState !== undefined && { state: state.netState }) }
      /** Non-finite training data is the data's fault, not a divergence. */
      const checkInput = () => {
        const at = batch.x.data.findIndex((u) => !Number.isFinite(u))
        if (at >= 0)
          throw new ValueError('fit', `minibatch ${i + 1} of epoch ${where.epoch} has x = ${batch.x.data[at]} at flat index ${at}; the training data must be finite`)
      }
      let next: ReturnType<typeof stepFn>
      try {
        next = stepFn(state, batch, key)
      } catch (err) {
        // A loss refuses non-finite outputs: find the layer that made them, or pass the error on.
        checkInput()
        const site = diagnoseStep(net, loss, optimizer, state, batch, ctx)
        // Errors that name a position in the minibatch also name the dataset row.
        if (site.site !== 'output') throw batchRowError(err, batch.rows, numel(net.outShape))
        throw diverged(site, undefined, err)
      }
      const [stepped, batchLoss] = next
      // NOTE: the params are scanned every step because relu turns NaN into 0, so a finite loss can
      // hide NaN weights; the scan costs about 2% of an MNIST MLP step.
      if (!Number.isFinite(batchLoss) || firstNonFinite(stepped.params) !== undefined) {
        checkInput()
        throw diverged(diagnoseStep(net, loss, optimizer, state, batch, ctx), Number.isFinite(batchLoss) ? batchLoss : undefined)
      }
      const b = batch.x.shape[0]
      state = {
        ...state, params: stepped.params, opt: stepped.opt, netState: stepped.netState,
        step: i + 1, lossSum: state.lossSum + batchLoss * b, examples: state.examples + b,
      }
      const record: BatchRecord = { ...where, stepsPerEpoch, loss: batchLoss, examplesSeen: state.epoch * n + state.examples }
      config.onBatch?.(record, state)
      yield { kind: 'batch', record, state }
    }
    // NOTE: without validation data there is nothing to select by: the best epoch is the last one.
    const noValidation = validation.x.shape[0] === 0
    const v = noValidation ? { loss: NaN, error: NaN } : scoreChecked(net, loss, state.params, validation, state.netState)
    if (!noValidation && !Number.isFinite(v.loss)) {
      const site = diagnoseValidation(net as unknown as AnyLayer, state.params, validation.x as never, state.netState)
      const at = { epoch: state.epoch + 1, step: state.step, globalStep: state.epoch * stepsPerEpoch + state.step }
      throw new DivergenceError<P, S, St>({ ...at, ...site, loss: undefined, rateFactor: rateFactorOf(state.opt) }, good)
    }
    const s = score(v)
    const epoch = state.epoch + 1
    const record: EpochRecord = {
      epoch, trainLoss: state.lossSum / state.examples, validationLoss: v.loss, validationError: v.error, rateFactor: rateFactorOf(state.opt),
    }
    const improved = noValidation || s < state.best.score
    const sinceBest = improved ? 0 : state.sinceBest + 1
    state = {
      ...state,
      epoch, step: 0, lossSum: 0, examples: 0,
      // NOTE: nothing to observe without validation data (fit refuses that with reduceOnPlateau).
      opt: optimizer.observe === undefined || validation.x.shape[0] === 0 ? state.opt : optimizer.observe(state.opt, s),
      best: improved ? { epoch, score: s, params: state.params, netState: state.netState } : state.best,
      sinceBest,
      stopped: config.patience !== undefined && sinceBest >= config.patience,
      history: [...state.history, record],
    }
    good = state
    config.onEpoch?.(record, state)
    yield { kind: 'epoch', record, state }
  }
  return state
}
