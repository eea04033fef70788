import { expectError, expectType } from 'tsd'
import { addBias, argmax, sliceRows, matmul, matmulNT, matmulTN, tensor, transpose, zeros, add, sum, type Tensor, type Labels } from '../src/index.js'

// Constructors keep literal shapes.
expectType<Tensor<[2, 3]>>(tensor([2, 3], [1, 2, 3, 4, 5, 6]))
expectType<Tensor<[4]>>(zeros([4]))

// matmul [M,K]×[K,N] → [M,N]; the inner dimension must agree.
expectType<Tensor<[2, 4]>>(matmul(zeros([2, 3]), zeros([3, 4])))
expectError(matmul(zeros([2, 3]), zeros([5, 4])))
expectType<Tensor<[3, 4]>>(matmulTN(zeros([2, 3]), zeros([2, 4])))
expectError(matmulTN(zeros([2, 3]), zeros([3, 4])))
expectType<Tensor<[2, 5]>>(matmulNT(zeros([2, 3]), zeros([5, 3])))
expectError(matmulNT(zeros([2, 3]), zeros([5, 4])))
// A runtime batch dimension flows through.
declare const x: Tensor<[number, 784]>
expectType<Tensor<[number, 10]>>(matmul(x, zeros([784, 10])))
expectError(matmul(x, zeros([783, 10])))

// Bias add [B,N]+[N]: the width must agree.
expectType<Tensor<[8, 3]>>(addBias(zeros([8, 3]), zeros([3])))
expectError(addBias(zeros([8, 3]), zeros([5])))

// Elementwise ops need one shape.
expectType<Tensor<[2, 2]>>(add(zeros([2, 2]), zeros([2, 2])))
expectError(add(zeros([2, 2]), zeros([2, 3])))

// Reductions and transpose.
expectType<Tensor<[3]>>(sum(zeros([2, 3]), 0))
expectType<Tensor<[2]>>(sum(zeros([2, 3]), 1))
expectType<Tensor<[3, 2]>>(transpose(zeros([2, 3])))
expectType<Labels<2, 3>>(argmax(zeros([2, 3])))

// sliceRows keeps the width and forgets the row count.
expectType<Tensor<[number, 3]>>(sliceRows(zeros([5, 3]), 0, 2))
declare const wide: Tensor<[number, 4]>
expectError<Tensor<[number, 3]>>(sliceRows(wide, 0, 2))
