import { expectError } from 'tsd'
import { adam, andThen, batchNorm, dense, evaluate, exactBatchNormStatistics, fit, key, labels, pipe, relu, softmaxCrossEntropy, squaredError, zeros } from '../src/index.js'

// The network is the source of truth: wrong data is a compile error on the data argument.
const mlp = pipe(dense(784, 64), andThen(relu), andThen(dense(64, 10)))
const config = { net: mlp, loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: 8, epochs: 1, key: key(0) }
const good = { x: zeros([8, 784]), y: labels([0, 1, 2, 3, 4, 5, 6, 7], 10) }
// Inputs 100 wide for a 784-wide net.
expectError(fit(config, { x: zeros([8, 100]), y: good.y }, good))
// Labels of 9 classes for 10-wide logits.
expectError(fit(config, good, { x: good.x, y: labels([0, 1, 2, 3, 4, 5, 6, 7], 9) }))
expectError(evaluate(mlp, softmaxCrossEntropy, mlp.init(key(0)), { x: good.x, y: labels([0, 1, 2, 3, 4, 5, 6, 7], 5) }))
// Targets 9 wide for a 10-wide net.
expectError(fit({ ...config, loss: squaredError }, { x: good.x, y: zeros([8, 9]) }, { x: good.x, y: zeros([8, 10]) }))
// 100-wide data for the exact batch-norm statistics of a 784-wide net.
const bn = pipe(dense(784, 64), andThen(batchNorm(64)), andThen(dense(64, 10)))
expectError(exactBatchNormStatistics(bn, bn.init(key(0)), zeros([100, 100])))
