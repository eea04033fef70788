import { pipe } from 'fp-ts/lib/function.js'
import { expectError, expectType } from 'tsd'
import {
  andThen, autoencoder, batchNorm, dense, dropout, exactBatchNormStatistics, key, rbm, relu, squaredError, valueAndGrad, zeros,
  type Activation, type BatchNorm, type BatchNormParams, type BatchNormState, type DenseParams, type NoParams, type RbmParams, type Sequential,
  type Tensor, type TiedAutoencoderParams, type UntiedAutoencoderParams,
} from '../src/index.js'

// dropout is an activation: it fits any width.
expectType<Activation>(dropout(0.5))
expectType<BatchNorm<256>>(batchNorm(256))

// The deep chain: params and state tuples, one entry per layer.
const net = pipe(dense(784, 256), andThen(batchNorm(256)), andThen(relu), andThen(dropout(0.5)), andThen(dense(256, 10)))
expectType<
  Sequential<
    [784],
    [10],
    readonly [DenseParams<784, 256>, BatchNormParams<256>, NoParams, NoParams, DenseParams<256, 10>],
    readonly [undefined, BatchNormState<256>, undefined, undefined, undefined]
  >
>(net)
const params = net.init(key(0))
expectType<readonly [undefined, BatchNormState<256>, undefined, undefined, undefined]>(exactBatchNormStatistics(net, params, zeros([100, 784])))
expectType<readonly [undefined, BatchNormState<256>, undefined, undefined, undefined] | undefined>(
  valueAndGrad(net, squaredError)(params, zeros([8, 784]), zeros([8, 10]), { training: true, key: key(1) })[2],
)
// A batch-norm layer of the wrong width does not compile ("batchNorm(128) expects [...,128] but gets [256]").
expectError(pipe(dense(784, 256), andThen(batchNorm(128))))
expectError(pipe(dense(784, 256), andThen(relu), andThen(batchNorm(128))))
// The statistics helper checks the input width.
expectError(exactBatchNormStatistics(net, params, zeros([100, 783])))

// Autoencoders: typed params, tied by default.
const ae = autoencoder(784, 256)
expectType<TiedAutoencoderParams<784, 256>>(ae.init(key(0)))
const untied = autoencoder(784, 256, { tied: false, output: 'linear' })
const up = untied.init(key(0))
expectType<UntiedAutoencoderParams<784, 256>>(up)
expectType<Tensor<[256, 784]>>(up.wStar)
expectError(ae.init(key(0)).wStar)
const ap = ae.init(key(0))
expectType<Tensor<[32, 256]>>(ae.encode(ap, zeros([32, 784])))
expectType<Tensor<[32, 784]>>(ae.decode(ap, zeros([32, 256])))
expectType<Tensor<[32, 784]>>(ae.apply(ap, zeros([32, 784]))[0])
expectType<DenseParams<784, 256>>(ae.encoderParams(ap))
// A mismatched input width for encode (or decode) does not compile.
expectError(ae.encode(ap, zeros([32, 100])))
expectError(ae.decode(ap, zeros([32, 255])))
// Params of another size do not fit.
expectError(ae.encode(autoencoder(100, 256).init(key(0)), zeros([32, 784])))
// The autoencoder composes as a Layer<[784], [784], P>, so widths are checked.
expectError(pipe(dense(10, 100), andThen(ae)))
expectType<number>(valueAndGrad(ae, ae.loss)(ap, zeros([8, 784]), zeros([8, 784]))[0])

// RBMs: typed params and widths.
const m = rbm(784, 500)
const rp = m.init(key(0))
expectType<RbmParams<784, 500>>(rp)
expectType<RbmParams<784, 500>>(m.cdGradients(key(1), rp, zeros([16, 784])))
expectType<Tensor<[16]>>(m.freeEnergy(rp, zeros([16, 784])))
expectType<Tensor<[16, 500]>>(m.hiddenProbs(rp, zeros([16, 784])))
expectType<DenseParams<784, 500>>(m.encoderParams(rp))
expectError(m.cdGradients(key(1), rp, zeros([16, 500])))
expectError(m.energy(rp, zeros([16, 784]), zeros([8, 500])))
