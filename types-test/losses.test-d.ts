import { expectError, expectType } from 'tsd'
import { binaryCrossEntropy, labels, softmaxCrossEntropy, squaredError, zeros, type Labels, type Tensor } from '../src/index.js'

declare const y8: Labels<8>
declare const y4: Labels<4>
expectType<readonly [number, Tensor<[8, 10]>]>(softmaxCrossEntropy(zeros([8, 10]), y8))
// A label tensor of another batch size does not compile.
expectError(softmaxCrossEntropy(zeros([8, 10]), y4))
// Literal labels carry their batch size, so one label for a batch of 8 does not compile.
expectType<Labels<3, 10>>(labels([1, 0, 2], 10))
// Labels know their class count: 5-class labels against 10-wide logits do not compile ("Type '5' is not assignable to type '10'").
expectError(softmaxCrossEntropy(zeros([3, 10]), labels([1, 0, 2], 5)))
// A class count only run time knows fits and is checked there.
declare const yRuntime: Labels<8, number>
expectType<number>(softmaxCrossEntropy(zeros([8, 10]), yRuntime)[0])
expectError(softmaxCrossEntropy(zeros([8, 10]), labels([1], 10)))
// A runtime-sized batch is checked at run time.
declare const yn: Labels<number>
declare const logitsN: Tensor<[number, 10]>
expectType<readonly [number, Tensor<[number, 10]>]>(softmaxCrossEntropy(logitsN, yn))
// Targets must match predictions.
expectType<readonly [number, Tensor<[2, 3]>]>(squaredError(zeros([2, 3]), zeros([2, 3])))
expectError(squaredError(zeros([2, 3]), zeros([2, 4])))
expectError(binaryCrossEntropy(zeros([2, 3]), zeros([3, 3])))
