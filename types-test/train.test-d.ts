import { pipe } from 'fp-ts/lib/function.js'
import { expectError, expectType } from 'tsd'
import {
  adam, andThen, dense, fit, initOptimizer, key, relu, sgd, softmaxCrossEntropy, squaredError, step, trainStep,
  type Dataset, type DenseParams, type NoParams, type OptimizerState, type TrainState, type Labels, type Tensor,
} from '../src/index.js'

const net = pipe(dense(4, 8), andThen(relu), andThen(dense(8, 3)))
type P = readonly [DenseParams<4, 8>, NoParams, DenseParams<8, 3>]
declare const train: Dataset<number, 4>
declare const wide: Dataset<number, 5>
const config = { net, loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: 8, epochs: 2, key: key(0) }

// fit infers the params type of the network, and checks the data's width against the net's input.
const state = fit(config, train, train)
expectType<P>(state.params)
expectType<P>(state.best.params)
expectError(fit(config, wide, train))
expectError(fit(config, train, wide))
// A regression loss needs tensor targets, not labels.
expectError(fit({ ...config, loss: squaredError }, train, train))

// The optimizer reducer keeps the params type.
const opt = sgd(0.1)
declare const grads: P
const s0 = initOptimizer(opt, net.init(key(0)))
expectType<OptimizerState<P, ReturnType<typeof opt.init>>>(step(opt)(s0, grads))
// Gradients of another architecture are rejected.
declare const otherGrads: readonly [DenseParams<4, 9>, NoParams, DenseParams<9, 3>]
expectError(step(opt)(s0, otherGrads))

// A training step checks the batch: inputs of width 4 and labels of the same batch size.
const stepFn = trainStep(net, softmaxCrossEntropy, opt)
declare const x16: Tensor<[16, 4]>
declare const y16: Labels<16>
declare const y8: Labels<8>
const st = { ...s0, netState: undefined }
expectType<number>(stepFn(st, { x: x16, y: y16 }, key(1))[1])
expectError(stepFn(st, { x: x16, y: y8 }, key(1)))
expectType<TrainState<P, ReturnType<typeof config.optimizer.init>, readonly [undefined, undefined, undefined]>>(state)
