import { pipe } from 'fp-ts/lib/function.js'
import { expectError, expectType } from 'tsd'
import {
  andThen, dense, kernelInfo, setKernelThreads,
  type DenseParams, type KernelInfo, type Layer, type Sequential,
} from '../src/index.js'

// The kernel runtime: what runs, on how many threads, and the setter.
expectType<KernelInfo>(kernelInfo())
expectType<'wasm-simd' | 'js'>(kernelInfo().matmul)
expectType<number>(kernelInfo().threads)
expectType<number>(kernelInfo().maxThreads)
expectType<KernelInfo>(setKernelThreads(2))
expectError(setKernelThreads('2'))
expectError(setKernelThreads())

// dense with a fused relu is the same layer type as dense, and composes the same way.
expectType<Layer<[784], [256], DenseParams<784, 256>>>(dense(784, 256, { activation: 'relu' }))
expectType<Sequential<[784], [10], readonly [DenseParams<784, 256>, DenseParams<256, 10>], readonly [undefined, undefined]>>(
  pipe(dense(784, 256, { activation: 'relu' }), andThen(dense(256, 10))),
)
// Only 'relu' is fused; other activations are layers of their own.
expectError(dense(784, 256, { activation: 'tanh' }))
// Widths are still checked across a fused layer.
expectError(pipe(dense(784, 256, { activation: 'relu' }), andThen(dense(128, 10))))
