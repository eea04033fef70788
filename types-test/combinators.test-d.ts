import { expectError, expectType } from 'tsd'
import {
  andThen, batchNorm, conv2d, dense, input, key, parallel, pipe, relu, residual, zeros,
  type BatchNormParams, type BatchNormState, type Conv2dParams, type DenseParams, type NoParams, type Parallel, type Residual, type Sequential, type Tensor,
} from '../src/index.js'

// residual of a fixed composition: a layer [256] → [256] with the block's params and state.
const block = pipe(dense(256, 256), andThen(relu), andThen(dense(256, 256)))
type BlockParams = readonly [DenseParams<256, 256>, NoParams, DenseParams<256, 256>]
expectType<Residual<[256], BlockParams, readonly [undefined, undefined, undefined]>>(residual(block))
expectType<Residual<[4], DenseParams<4, 4>, undefined>>(residual(dense(4, 4)))

// It composes with andThen; its params are one entry of the network's tuple.
const resMlp = pipe(dense(784, 256), andThen(relu), andThen(residual(block)), andThen(relu), andThen(dense(256, 10)))
const p = resMlp.init(key(0))
expectType<BlockParams>(p[2])
expectType<Tensor<[32, 10]>>(resMlp.apply(p, zeros([32, 784]))[0])
expectType<readonly [BlockParams, Tensor<[32, 256]>]>(residual(block).apply(p[2], zeros([32, 256]))[1](zeros([32, 256])))

// A shape-polymorphic block is bound by andThen: batch norm's params and state come out typed.
const normed = pipe(dense(784, 256), andThen(residual(batchNorm(256))))
expectType<Sequential<[784], [256], readonly [DenseParams<784, 256>, BatchNormParams<256>], readonly [undefined, BatchNormState<256>]>>(normed)
const convs = pipe(input([8, 8, 16]), andThen(residual(conv2d(3, 16, { padding: 'same' }))))
expectType<[8, 8, 16]>(convs.outShape)
expectType<Conv2dParams<3, 16, 16>>(convs.init(key(0))[1])
// A block built from shape-polymorphic layers, bound to the residual's input by input(shape).
expectType<[8, 8, 16]>(residual(pipe(input([8, 8, 16]), andThen(conv2d(3, 16, { padding: 'same' })), andThen(relu))).outShape)

// A block that changes the shape ("residual block maps [256] to [128] but x + block(x) needs [256]").
expectError(residual(dense(256, 128)))
expectError(residual(pipe(dense(256, 256), andThen(relu), andThen(dense(256, 10)))))
expectError(residual(pipe(input([8, 8, 16]), andThen(conv2d(3, 16)))))
// ...also when it is shape-polymorphic, where andThen binds it.
expectError(pipe(input([8, 8, 16]), andThen(residual(conv2d(3, 32, { padding: 'same' })))))
expectError(pipe(dense(784, 128), andThen(residual(batchNorm(256)))))
// A residual between layers of other widths.
expectError(pipe(dense(784, 128), andThen(residual(block))))

// parallel: outputs concatenated on the last axis, the width summed by the compiler.
const wide = parallel(dense(256, 64), pipe(dense(256, 32), andThen(relu)))
expectType<Parallel<[256], [96], readonly [DenseParams<256, 64>, readonly [DenseParams<256, 32>, NoParams]], readonly [undefined, readonly [undefined, undefined]]>>(wide)
expectType<Tensor<[8, 96]>>(wide.apply(wide.init(key(0)), zeros([8, 256]))[0])
expectType<[1027]>(parallel(dense(4, 1000), dense(4, 20), dense(4, 7)).outShape)
const widened = pipe(dense(784, 256), andThen(relu), andThen(wide), andThen(dense(96, 10)))
expectType<Tensor<[2, 10]>>(widened.apply(widened.init(key(0)), zeros([2, 784]))[0])
// Shape-polymorphic branches, bound by andThen (an Inception-style block) or by a fixed branch.
const inception = pipe(input([12, 12, 6]), andThen(parallel(conv2d(1, 8), conv2d(3, 8, { padding: 'same' }), conv2d(5, 4, { padding: 'same' }))))
expectType<[12, 12, 20]>(inception.outShape)
expectType<readonly [Conv2dParams<1, 6, 8>, Conv2dParams<3, 6, 8>, Conv2dParams<5, 6, 4>]>(inception.init(key(0))[1])
const mixed = parallel(dense(4, 3), batchNorm(4))
expectType<Parallel<[4], [7], readonly [DenseParams<4, 3>, BatchNormParams<4>], readonly [undefined, BatchNormState<4>]>>(mixed)

// Branches on different inputs ("parallel branch 1 expects [128] but gets [256]").
expectError(parallel(dense(256, 64), dense(128, 32)))
// Outputs that differ before the last axis ("parallel branch 1 gives [10,10,8] but branch 0 gives [12,12,8]; only the last axis may differ").
expectError(pipe(input([12, 12, 6]), andThen(parallel(conv2d(1, 8), conv2d(3, 8)))))
expectError(parallel(pipe(input([12, 12, 6]), andThen(conv2d(1, 8))), conv2d(3, 8)))
// A shape-polymorphic branch that does not fit the fixed one's input ("parallel branch 1: conv2d expects [H,W,C] but gets [4]").
expectError(parallel(dense(4, 3), conv2d(3, 8)))
// The concatenated width is checked against the next layer.
expectError(pipe(dense(784, 256), andThen(wide), andThen(dense(64, 10))))
// One branch is not a block.
expectError(parallel(dense(4, 3)))
