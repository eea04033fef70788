import { expectError, expectType } from 'tsd'
import {
  andThen, conv2d, dense, dropout, flatten, input, key, labels, maxPool2d, pipe, randomShift, relu, reshape, softmaxCrossEntropy, valueAndGrad, zeros,
  type Conv2dParams, type DenseParams, type Multiply, type Numel, type Tensor,
} from '../src/index.js'

// Type-level arithmetic: products up to 224·224·3 and beyond, floor division for strides.
expectType<150528>(0 as Numel<[224, 224, 3]>)
expectType<16777216>(0 as Multiply<4096, 4096>)

// The LeNet chain: the compiler computes every shape and infers [B, 10] from [B, 28, 28, 1].
const lenet = pipe(
  input([28, 28, 1]),
  andThen(conv2d(5, 6)), andThen(relu), andThen(maxPool2d(2)),
  andThen(conv2d(5, 16)), andThen(relu), andThen(maxPool2d(2)),
  andThen(flatten),
  andThen(dense(256, 120)), andThen(relu), andThen(dense(120, 84)), andThen(relu), andThen(dense(84, 10)),
)
const p = lenet.init(key(0))
expectType<Conv2dParams<5, 1, 6>>(p[1])
expectType<Conv2dParams<5, 6, 16>>(p[4])
expectType<DenseParams<256, 120>>(p[8])
expectType<Tensor<[32, 10]>>(lenet.apply(p, zeros([32, 28, 28, 1]))[0])
declare const images: Tensor<[number, 28, 28, 1]>
expectType<Tensor<[number, 10]>>(lenet.apply(p, images)[0])
expectType<[24, 24, 6]>(conv2d(5, 6).bind([28, 28, 1]).outShape)
expectType<[112, 112, 64]>(conv2d(7, 64, { stride: 2, padding: 'same' }).bind([224, 224, 3]).outShape)
expectType<[55, 55, 64]>(maxPool2d(3, { stride: 2 }).bind([112, 112, 64]).outShape)

// conv2d with a fused relu: the same params and shapes as conv2d then relu, and still checked.
const fusedLenet = pipe(
  input([28, 28, 1]),
  andThen(conv2d(5, 6, { activation: 'relu' })), andThen(maxPool2d(2)),
  andThen(conv2d(5, 16, { activation: 'relu' })), andThen(maxPool2d(2)),
  andThen(flatten), andThen(dense(256, 10)),
)
const fp = fusedLenet.init(key(0))
expectType<Conv2dParams<5, 1, 6>>(fp[1])
expectType<Conv2dParams<5, 6, 16>>(fp[3])
expectType<Tensor<[32, 10]>>(fusedLenet.apply(fp, zeros([32, 28, 28, 1]))[0])
expectType<[24, 24, 6]>(conv2d(5, 6, { activation: 'relu' }).bind([28, 28, 1]).outShape)
// Only 'relu' is fused, and widths are still checked after a fused conv.
expectError(conv2d(5, 6, { activation: 'tanh' }))
expectError(pipe(input([28, 28, 1]), andThen(conv2d(5, 6, { activation: 'relu' })), andThen(flatten), andThen(dense(3455, 10))))

// A wrong dense width after flatten ("expects [255] but gets [256]").
expectError(pipe(input([4, 4, 16]), andThen(flatten), andThen(dense(255, 120))))
// A conv on the wrong channel count ("conv2d expects 1 channels but gets [28,28,3]").
expectError(pipe(input([28, 28, 3]), andThen(conv2d(5, 6, { channels: 1 }))))
// Images of the wrong channel count into a network built for [28, 28, 1].
expectError(lenet.apply(p, zeros([32, 28, 28, 3])))
// A conv on vectors, and a kernel larger than its input.
expectError(pipe(dense(10, 784), andThen(conv2d(5, 6))))
expectError(pipe(input([4, 4, 1]), andThen(conv2d(5, 6))))
// A reshape whose product differs ("reshape to [4,64] needs 256 elements but gets [4,4,15] with 240").
expectError(pipe(input([4, 4, 15]), andThen(reshape([4, 64]))))
expectType<[16, 16]>(pipe(input([4, 4, 16]), andThen(reshape([16, 16]))).outShape)
// 5-class labels against 10-wide logits.
expectError(valueAndGrad(lenet, softmaxCrossEntropy)(p, zeros([2, 28, 28, 1]), labels([1, 4], 5)))
expectType<number>(valueAndGrad(lenet, softmaxCrossEntropy)(p, zeros([2, 28, 28, 1]), labels([1, 4], 10))[0])
// Input dropout fed the wrong width: input() fixes the shape a param-free first layer cannot.
const withInputDropout = pipe(input([784]), andThen(dropout(0.2)), andThen(dense(784, 10)))
expectError(withInputDropout.apply(withInputDropout.init(key(0)), zeros([8, 100])))
// A network cannot start with a layer that has no fixed input shape.
expectError(pipe(dropout(0.2), andThen(dense(784, 10))))
// `sequential` (untyped, so it accepted dense(784,256), relu, dense(128,10)) is not exported: networks are composed with pipe and andThen.
import * as tensorfold from '../src/index.js'
expectError(tensorfold.sequential)
// randomShift keeps an image's shape, and only takes images.
expectType<[28, 28, 1]>(pipe(input([28, 28, 1]), andThen(randomShift(2))).outShape)
expectError(pipe(dense(10, 784), andThen(randomShift(2))))
