import * as E from 'fp-ts/lib/Either.js'
import { expectAssignable, expectError, expectType } from 'tsd'
import {
  dataset, decodeCheckpoint, decodeCsvRows, decodeJsonRows, fitNormalizer, key, labels, minibatches, normalize, regressionSet, shuffle, size,
  splitData, take, zeros, type CheckpointError, type Dataset, type DecodeError, type Minibatch, type NormalizerStats, type RegressionSet, type Tensor,
} from '../src/index.js'

declare const mnist: Dataset<number, 784>
declare const auto: RegressionSet<number, 784, 784>
const k = key(0)

// Batches, splits and gathers keep the kind and the feature width; the batch size becomes `number`.
// Each minibatch also carries the dataset rows it holds (`rows`), for error messages.
expectType<Minibatch<Dataset<number, 784>>[]>(minibatches(k, mnist, 32))
expectType<RegressionSet<number, 784, 784> & { readonly rows: Int32Array }>(minibatches(k, auto, 32)[0]!)
expectAssignable<Dataset<number, 784>[]>(minibatches(k, mnist, 32))
const { train, validation, test } = splitData(k, mnist, { train: 8000, validation: 1000 })
expectType<Dataset<number, 784, number>>(train)
expectType<Dataset<number, 784, number>>(validation)
expectType<Dataset<number, 784, number>>(test)
expectType<Dataset<number, 784, number>>(take(mnist, Int32Array.of(0, 1)))
expectType<RegressionSet<number, 784, 784>>(splitData(k, auto, { train: 1, validation: 1 }).test)

// A literal dataset keeps its size until it is reshuffled into batches.
const small = dataset(zeros([8, 784]), labels([0, 1, 2, 3, 4, 5, 6, 7], 10))
expectType<Dataset<8, [784], 10>>(small)
expectType<Dataset<8, [784], 10>>(shuffle(k, small))
expectType<8>(size(small))
expectType<Dataset<number, [784], 10>>(take(small, Int32Array.of(1)))

// Labels of another batch size do not compile, in the constructor or in a typed literal.
expectError(dataset(zeros([8, 784]), labels([0, 1], 10)))
expectError<Dataset<8, [784], 10>>({ x: zeros([8, 784]), y: labels([0, 1], 10) })
expectError(regressionSet(zeros([8, 784]), zeros([4, 784])))

// A dataset of 784 features cannot be given where 10 are required.
declare const needs10: (d: Dataset<number, 10>) => void
expectError(needs10(mnist))
expectError(needs10(minibatches(k, mnist, 32)[0]!))

// Normalisation statistics are per feature, and only apply to data of that width.
const stats = fitNormalizer(train.x)
expectType<NormalizerStats<784>>(stats)
expectType<Tensor<[number, 784]>>(normalize(stats)(validation.x))
expectType<Tensor<[8, 784]>>(normalize(stats)(zeros([8, 784])))
expectError(normalize(stats)(zeros([8, 10])))

// Decoders give the requested width; checkpoints give the template's type.
expectType<E.Either<DecodeError, Dataset<number, 4, 3>>>(decodeJsonRows([], { width: 4, numClasses: 3 }))
expectType<E.Either<DecodeError, Dataset<number, 4>>>(decodeCsvRows('', { label: 'y', numClasses: 3, width: 4 }))
expectType<E.Either<DecodeError, Dataset<number, number>>>(decodeCsvRows('', { label: 'y', numClasses: 3 }))
expectType<E.Either<CheckpointError, { w: Tensor<[3, 2]>; epoch: number }>>(decodeCheckpoint('', { w: zeros([3, 2]), epoch: 0 }))
