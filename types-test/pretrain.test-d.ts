import { pipe } from 'fp-ts/lib/function.js'
import { expectError, expectType } from 'tsd'
import {
  adam, andThen, dense, key, pretrain, relu, sigmoid, zeros,
  type DenseParams, type NoParams, type ParamsOf, type PretrainedLayer, type PretrainRecord,
} from '../src/index.js'

// The course's deep sigmoid network, built by hand.
const net = pipe(
  dense(784, 500), andThen(sigmoid), andThen(dense(500, 500)), andThen(sigmoid), andThen(dense(500, 500)), andThen(sigmoid), andThen(dense(500, 10)),
)
const config = { module: 'rbm', epochs: 5, optimizer: adam(1e-3), batchSize: 64, key: key(1) } as const
const params = pretrain(net, zeros([100, 784]), config)
// The result is exactly the params of the same typed network: fit and apply take it as is.
expectType<ParamsOf<typeof net>>(params)
expectType<
  readonly [DenseParams<784, 500>, NoParams, DenseParams<500, 500>, NoParams, DenseParams<500, 500>, NoParams, DenseParams<500, 10>]
>(params)
expectType<DenseParams<784, 500>>(pretrain(net, zeros([100, 784]), { ...config, module: 'autoencoder', corruption: 0.25 })[0])
// Any activation is accepted (the modules keep sigmoid hidden units).
const reluNet = pipe(dense(784, 64), andThen(relu), andThen(dense(64, 10)))
expectType<ParamsOf<typeof reluNet>>(pretrain(reluNet, zeros([10, 784]), config))

// A data tensor of the wrong width does not compile.
expectError(pretrain(net, zeros([100, 783]), config))
expectError(pretrain(reluNet, zeros([10, 10]), config))
// Nor does an unknown module.
expectError(pretrain(net, zeros([100, 784]), { ...config, module: 'vae' }))

// The callbacks' records.
pretrain(net, zeros([100, 784]), {
  ...config,
  onEpoch: (r) => expectType<PretrainRecord>(r),
  onLayer: (l) => {
    expectType<PretrainedLayer>(l)
    if (l.module === 'rbm') expectType<number>(l.params.c.shape[0])
  },
})
