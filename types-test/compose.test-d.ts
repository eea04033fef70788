import { pipe } from 'fp-ts/lib/function.js'
import { expectError, expectType } from 'tsd'
import {
  andThen, dense, key, labels, relu, softmax, softmaxCrossEntropy, squaredError, valueAndGrad, zeros,
  type DenseParams, type Labels, type NoParams, type Sequential, type Tensor,
} from '../src/index.js'

// The good chain: 784 → 256 → relu → 10, and its inferred output for a batch of any size.
const mlp = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))
expectType<Sequential<[784], [10], readonly [DenseParams<784, 256>, NoParams, DenseParams<256, 10>], readonly [undefined, undefined, undefined]>>(mlp)
const params = mlp.init(key(0))
declare const batch: Tensor<[number, 784]>
expectType<Tensor<[number, 10]>>(mlp.apply(params, batch)[0])
expectType<Tensor<[32, 10]>>(mlp.apply(params, zeros([32, 784]))[0])
// The backward pass returns grads with the params' structure and dx with the input's shape.
expectType<readonly [readonly [DenseParams<784, 256>, NoParams, DenseParams<256, 10>], Tensor<[32, 784]>]>(
  mlp.apply(params, zeros([32, 784]))[1](zeros([32, 10])),
)

// A wrong width anywhere in the chain does not compile ("Type '256' is not assignable to type '128'").
expectError(pipe(dense(784, 256), andThen(relu), andThen(dense(128, 10))))
expectError(pipe(dense(784, 256), andThen(dense(255, 10))))
// ...also after an output activation.
expectError(pipe(dense(784, 10), andThen(softmax), andThen(dense(12, 3))))

// Input width: a [B, 100] batch into a 784-wide net.
expectError(mlp.apply(params, zeros([32, 100])))
// Params of another architecture.
expectError(mlp.apply(pipe(dense(784, 128), andThen(relu), andThen(dense(128, 10))).init(key(0)), batch))
// The backward pass checks dy's width.
expectError(mlp.apply(params, zeros([32, 784]))[1](zeros([32, 9])))

// valueAndGrad: targets follow the loss, and the batch must agree.
const lossAndGrad = valueAndGrad(mlp, softmaxCrossEntropy)
declare const y32: Labels<32, 10>
expectType<readonly [number, readonly [DenseParams<784, 256>, NoParams, DenseParams<256, 10>], readonly [undefined, undefined, undefined] | undefined]>(
  lossAndGrad(params, zeros([32, 784]), y32),
)
expectError(lossAndGrad(params, zeros([32, 784]), labels([1, 2], 10)))
expectError(lossAndGrad(params, zeros([32, 784]), zeros([32, 10])))
const regress = valueAndGrad(mlp, squaredError)
expectType<number>(regress(params, zeros([4, 784]), zeros([4, 10]))[0])
expectError(regress(params, zeros([4, 784]), zeros([4, 9])))
