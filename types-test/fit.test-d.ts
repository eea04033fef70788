import { pipe } from 'fp-ts/lib/function.js'
import { expectAssignable, expectError, expectType } from 'tsd'
import {
  adam, andThen, chain, dense, DivergenceError, fit, fitAsync, fitSteps, initOptimizer, initTrain, key, reduceOnPlateau, relu, softmaxCrossEntropy,
  trainStep, type BatchRecord, type Dataset, type DenseParams, type FitEvent, type GradientTransformation, type Labels, type NoParams,
  type ReduceOnPlateauState, type Tensor, type TrainState,
} from '../src/index.js'

const net = pipe(dense(4, 8), andThen(relu), andThen(dense(8, 3)))
type P = readonly [DenseParams<4, 8>, NoParams, DenseParams<8, 3>]
type St = readonly [undefined, undefined, undefined]
declare const train: Dataset<number, 4>
const config = { net, loss: softmaxCrossEntropy, optimizer: chain(adam(1e-3), reduceOnPlateau({ patience: 2 })), batchSize: 8, epochs: 2, key: key(0) }
type S = ReturnType<typeof config.optimizer.init>

// reduceOnPlateau is a gradient transformation with its own named state.
expectAssignable<GradientTransformation<ReduceOnPlateauState>>(reduceOnPlateau({ patience: 2 }))
// The plateau rule is no longer an option of fit: compose it into the optimizer.
expectError(fit({ ...config, optimizer: adam(1e-3), plateau: { patience: 2 } }, train, train))

// fitSteps yields events carrying the same state type fit returns, and returns that state.
const steps = fitSteps(config, train, train)
expectType<Generator<FitEvent<P, S, St>, TrainState<P, S, St>, void>>(steps)
const r = steps.next()
if (r.done !== true && r.value.kind === 'batch') expectType<BatchRecord>(r.value.record)

// fitAsync resolves to the same state; `from` must be a state of this network.
expectType<Promise<TrainState<P, S, St>>>(fitAsync(config, train, train, { yieldEvery: 10 }))
const start = initTrain(config)
expectType<Promise<TrainState<P, S, St>>>(fitAsync(config, train, train, { from: start }))
const other = pipe(dense(4, 9), andThen(relu), andThen(dense(9, 3)))
declare const otherState: TrainState<readonly [DenseParams<4, 9>, NoParams, DenseParams<9, 3>], S, St>
expectError(fitAsync(config, train, train, { from: otherState }))
expectError(fit(config, train, train, otherState))
void other

// onBatch hears a BatchRecord and the state.
fit({ ...config, onBatch: (b, s) => { expectType<BatchRecord>(b); expectType<TrainState<P, S, St>>(s) } }, train, train)

// A DivergenceError carries a resumable state.
declare const e: DivergenceError<P, S, St>
expectType<TrainState<P, S, St>>(e.lastGood)
expectType<TrainState<P, S, St>>(fit(config, train, train, e.lastGood))

// trainStep takes no rate factor any more: the step size lives in the optimizer state.
const opt = adam(1e-3)
const stepFn = trainStep(net, softmaxCrossEntropy, opt)
declare const x16: Tensor<[16, 4]>
declare const y16: Labels<16>
const st = { ...initOptimizer(opt, net.init(key(0))), netState: undefined }
expectType<number>(stepFn(st, { x: x16, y: y16 }, key(1))[1])
expectError(stepFn(st, { x: x16, y: y16 }, key(1), 0.5))
