import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  andThen, batchNorm, chain, dataset, dense, key, labels, minibatches, regressionSet, relu, scaleByLearningRate, ShapeError, sigmoid,
  softmaxCrossEntropy, squaredError, take, tensor, validateFitData, ValueError, type Dataset, type GradientTransformation, type Labels, type Tensor,
} from '../../src/index.js'
import { batchRowError } from '../../src/data/batchRowError.js'

// The bad-input matrix of the entry points of src/data: each bad input and the error it must give.
// Rows and columns count from 0. A thrown error is the only result: nothing is returned.

const x = (rows: number[][]) => tensor([rows.length, rows[0]!.length], rows.flat())
/** Labels built by hand, bypassing `labels`' own check (as data from outside could be). */
const rawLabels = (values: number[], numClasses: number): Labels<number, number> => ({ shape: [values.length], numClasses, data: Int32Array.from(values) })
const good = () => x([[0, 1], [2, 3], [4, 5]])

describe('dataset(x, y): the matrix', () => {
  const cases: [string, () => unknown, Error][] = [
    ['NaN feature', () => dataset(x([[0, 1], [2, NaN], [4, 5]]), labels([0, 1, 2], 3)), new ValueError('dataset', 'x has NaN at row 1, column 1; values must be finite numbers')],
    ['Infinity feature', () => dataset(x([[Infinity, 1]]), labels([0], 3)), new ValueError('dataset', 'x has Infinity at row 0, column 0; values must be finite numbers')],
    ['-Infinity feature', () => dataset(x([[0, 1], [0, -Infinity]]), labels([0, 0], 3)), new ValueError('dataset', 'x has -Infinity at row 1, column 1; values must be finite numbers')],
    ['NaN pixel of an image', () => dataset(tensor([2, 2, 3, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NaN, 0]), labels([0, 1], 2)),
      new ValueError('dataset', 'x has NaN at row 1, feature [1,1,0] (flat feature index 4); values must be finite numbers')],
    ['label above the range', () => dataset(good(), rawLabels([0, 1, 5], 3)), new ValueError('dataset', 'y has label 5 at row 2, outside [0, 3)')],
    ['negative label', () => dataset(good(), rawLabels([-1, 1, 2], 3)), new ValueError('dataset', 'y has label -1 at row 0, outside [0, 3)')],
    ['class count 0', () => dataset(good(), rawLabels([0, 0, 0], 0)), new ValueError('dataset', 'y has numClasses 0, not a positive integer')],
    ['fractional class count', () => dataset(good(), rawLabels([0, 0, 0], 2.5)), new ValueError('dataset', 'y has numClasses 2.5, not a positive integer')],
    ['float targets given as labels', () => dataset(good(), tensor([3], [0, 1, 2]) as never), new ValueError('dataset', 'y is not labels (int32 class indices)')],
    ['row counts differ', () => dataset(good(), labels([0, 1], 3) as never), new ShapeError('dataset', 'x has shape [3,2] but y has shape [2] (row counts differ)')],
    ['storage shorter than the shape', () => dataset({ shape: [3, 2], dtype: 'float32', data: new Float32Array(5) } as Tensor<[3, 2]>, labels([0, 1, 2], 3)),
      new ShapeError('dataset', 'x has shape [3,2] but 5 elements')],
    ['regression: NaN target', () => regressionSet(good(), x([[0], [NaN], [0]])), new ValueError('regressionSet', 'y has NaN at row 1, column 0; values must be finite numbers')],
    ['regression: Infinity feature', () => regressionSet(x([[0, Infinity]]), x([[0]])), new ValueError('regressionSet', 'x has Infinity at row 0, column 1; values must be finite numbers')],
    ['regression: row counts differ', () => regressionSet(good(), x([[0]]) as never), new ShapeError('regressionSet', 'x has shape [3,2] but y has shape [1,1] (row counts differ)')],
  ]
  for (const [name, run, error] of cases) it(name, () => expect(run).toThrow(error))
  it('an empty dataset is fine (an empty split)', () => expect(dataset(tensor([0, 2], []), labels([], 2)).x.shape).toEqual([0, 2]))
})

describe('dataset(x, y): random bad values', () => {
  const bad = fc.constantFrom(NaN, Infinity, -Infinity)
  it('a non-finite feature anywhere is refused, naming its row and column', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.nat(), bad, fc.constantFrom('float32', 'float64') as fc.Arbitrary<'float32' | 'float64'>, (n, d, at, v, dtype) => {
        const values = Array.from({ length: n * d }, (_, i) => i / 7)
        const k = at % (n * d)
        values[k] = v
        const y = labels(Array.from({ length: n }, (_, i) => i % 2), 2)
        let result: unknown
        expect(() => (result = dataset(tensor([n, d], values, dtype), y))).toThrow(
          new ValueError('dataset', `x has ${v} at row ${Math.floor(k / d)}, column ${k % d}; values must be finite numbers`),
        )
        expect(result).toBeUndefined()
      }),
    )
  })
  it('a label outside [0, C) anywhere is refused, naming its row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 5 }), fc.nat(), fc.oneof(fc.integer({ min: -1000, max: -1 }), fc.integer({ min: 0, max: 1000 })), (n, c, at, offset) => {
        const values = Array.from({ length: n }, (_, i) => i % c)
        const row = at % n
        values[row] = offset < 0 ? offset : c + offset
        expect(() => dataset(tensor([n, 1], new Array(n).fill(0)), rawLabels(values, c))).toThrow(
          new ValueError('dataset', `y has label ${values[row]} at row ${row}, outside [0, ${c})`),
        )
      }),
    )
  })
  it('mismatched row counts are refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), (n, m) => {
        fc.pre(n !== m)
        expect(() => regressionSet(tensor([n, 1], new Array(n).fill(0)), tensor([m, 1], new Array(m).fill(0)) as never)).toThrow(ShapeError)
      }),
    )
  })
})

describe('validateFitData(config, train, validation, params): the matrix', () => {
  const net = pipe(dense(2, 4), andThen(relu), andThen(dense(4, 3)))
  const params = net.init(key(0))
  const config = { net, batchSize: 2 }
  const train = () => dataset(good(), labels([0, 1, 2], 3))
  const t64 = (rows: number[][]) => tensor([rows.length, rows[0]!.length], rows.flat(), 'float64')
  const observing: GradientTransformation<null> = { init: () => null, update: (u, s) => [u, s], observe: (s) => s }
  const cases: [string, () => unknown, Error][] = [
    ['batch size 0', () => validateFitData({ ...config, batchSize: 0 }, train(), train()), new ValueError('fit', 'batchSize must be a positive integer, got 0')],
    ['fractional batch size', () => validateFitData({ ...config, batchSize: 2.5 }, train(), train()), new ValueError('fit', 'batchSize must be a positive integer, got 2.5')],
    ['NaN batch size', () => validateFitData({ ...config, batchSize: NaN }, train(), train()), new ValueError('fit', 'batchSize must be a positive integer, got NaN')],
    ['patience 0', () => validateFitData({ ...config, patience: 0 }, train(), train()), new ValueError('fit', 'patience must be a positive integer, got 0')],
    ['a NaN in a { x, y } literal', () => validateFitData(config, { x: x([[0, 1], [NaN, 0]]), y: labels([0, 1], 3) }, train()),
      new ValueError('fit', 'train x has NaN at row 1, column 0; values must be finite numbers')],
    ['a label out of range in validation', () => validateFitData(config, train(), { x: good(), y: rawLabels([0, 3, 1], 3) }),
      new ValueError('fit', 'validation y has label 3 at row 1, outside [0, 3)')],
    ['rows of the wrong width', () => validateFitData(config, { x: x([[0, 1, 2]]), y: labels([0], 3) }, train()),
      new ShapeError('fit', `train x has shape [1,3] but ${net.name} takes rows of shape [2]`)],
    ['labels of another class count', () => validateFitData(config, dataset(good(), labels([0, 1, 1], 2)), train()),
      new ShapeError('fit', `train y has labels of 2 classes but ${net.name} gives [3] outputs (3 classes)`)],
    ['targets of the wrong width', () => validateFitData(config, { x: good(), y: x([[0], [0], [0]]) }, undefined),
      new ShapeError('fit', `train y has shape [3,1] but ${net.name} gives rows of shape [3]`)],
    ['x and y row counts differ', () => validateFitData(config, { x: good(), y: labels([0, 1], 3) }, undefined), new ShapeError('fit', 'train x has 3 rows but y has 2')],
    ['an empty training set', () => validateFitData(config, dataset(tensor([0, 2], []), labels([], 3)), train()), new ValueError('fit', 'train has no rows')],
    ['an empty validation set', () => validateFitData(config, train(), dataset(tensor([0, 2], []), labels([], 3))), new ValueError('fit', 'validation has no rows')],
    ['early stopping without validation', () => validateFitData({ ...config, patience: 3 }, train(), undefined), new ValueError('fit', 'early stopping (patience 3) needs validation data')],
    ['an observing optimizer without validation', () => validateFitData({ ...config, optimizer: chain(scaleByLearningRate(0.1), observing) }, train(), undefined),
      new ValueError('fit', 'the optimizer observes the validation score (reduceOnPlateau) but there is no validation data')],
    ['a float64 value float32 cannot hold', () => validateFitData(config, { x: t64([[0, 1e300]]), y: labels([0], 3) }, undefined, params),
      new ValueError('fit', 'train x has 1e+300 at row 0, column 1, which float32 (the model\'s dtype) cannot hold')],
    ['not data', () => validateFitData(config, undefined as never, undefined), new ValueError('fit', 'train must be data { x, y }, got undefined')],
    ['batch norm over features with one training row', () => {
      const bn = pipe(dense(2, 4), andThen(batchNorm(4)), andThen(sigmoid), andThen(dense(4, 3)))
      return validateFitData({ net: bn, batchSize: 4 }, dataset(x([[0, 1]]), labels([0], 3)), undefined)
    }, new ValueError('fit', 'train has 1 row, but batchNorm(4) needs at least 2 rows per minibatch for its batch statistics')],
  ]
  for (const [name, run, error] of cases) it(name, () => expect(run).toThrow(error))

  it('good data: converted to the params dtype, the same objects when already in it', () => {
    const tr = train()
    const same = validateFitData(config, tr, tr, params)
    expect(same.train).toBe(tr)
    expect([same.dtype, same.minLast]).toEqual(['float32', 1])
    const wide = { x: t64([[0.1, 0.2], [0.3, 0.4]]), y: x([[0, 0, 0], [1, 1, 1]]) }
    const v = validateFitData({ net: pipe(dense(2, 3)), batchSize: 1 }, wide, undefined, dense(2, 3).init(key(0)))
    expect([v.train.x.dtype, v.train.y.dtype]).toEqual(['float32', 'float32'])
    expect(Array.from(v.train.x.data)).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround))
    expect(wide.x.dtype).toBe('float64')
    const bn = pipe(dense(2, 4), andThen(batchNorm(4)), andThen(dense(4, 3)))
    expect(validateFitData({ net: bn, batchSize: 2 }, train(), undefined).minLast).toBe(2)
  })
  it('random non-finite values in either set: an error naming the set, row and column, and no result', () => {
    fc.assert(
      fc.property(fc.constantFrom('train', 'validation'), fc.constantFrom('x', 'y'), fc.nat(), fc.constantFrom(NaN, Infinity, -Infinity), (set, arg, at, v) => {
        const rows = [[0, 1], [2, 3], [4, 5]]
        const targets = [[0, 0, 1], [0, 1, 0], [1, 0, 0]]
        const k = at % (arg === 'x' ? 6 : 9)
        const grid = arg === 'x' ? rows : targets
        const w = grid[0]!.length
        grid[Math.floor(k / w)]![k % w] = v
        const data = { x: x(rows), y: x(targets) }
        const clean = { x: good(), y: x([[0, 0, 1], [0, 1, 0], [1, 0, 0]]) }
        let result: unknown
        expect(() => (result = validateFitData(config, set === 'train' ? data : clean, set === 'train' ? clean : data))).toThrow(
          new ValueError('fit', `${set} ${arg} has ${v} at row ${Math.floor(k / w)}, column ${k % w}; values must be finite numbers`),
        )
        expect(result).toBeUndefined()
      }),
    )
  })
})

describe('minibatches carry their dataset rows', () => {
  const d = dataset(tensor([7, 1], [0, 1, 2, 3, 4, 5, 6]), labels([0, 1, 0, 1, 0, 1, 0], 2))
  it('rows name the dataset row of every batch row, and together cover the dataset once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 3 }), (seed, size, minLast) => {
        const batches = minibatches(key(seed), d, size, { minLast })
        for (const b of batches) expect(Array.from(b.x.data)).toEqual(Array.from(take(d, b.rows).x.data))
        expect(batches.flatMap((b) => Array.from(b.rows)).sort()).toEqual([0, 1, 2, 3, 4, 5, 6])
        if (batches.length > 1) expect(batches[batches.length - 1]!.rows.length).toBeGreaterThanOrEqual(minLast)
      }),
    )
  })
  it('a last batch below minLast joins the one before it', () => {
    expect(minibatches(key(0), d, 3).map((b) => b.rows.length)).toEqual([3, 3, 1])
    expect(minibatches(key(0), d, 3, { minLast: 2 }).map((b) => b.rows.length)).toEqual([3, 4])
    expect(() => minibatches(key(0), d, 3, { minLast: 0 })).toThrow(new ValueError('minibatches', 'minLast must be a positive integer, got 0'))
  })
  it('a loss error about a minibatch row gains the dataset row (batchRowError)', () => {
    // A label that bypassed every check (hand-built labels in a { x, y } literal) meets the loss in a minibatch.
    const bad: Dataset<number, 3, 3> = { x: tensor([7, 3], new Array(21).fill(0)), y: rawLabels([0, 1, 2, 0, 7, 1, 2], 3) }
    const batch = minibatches(key(3), bad, 4).find((b) => Array.from(b.rows).includes(4))!
    const pos = Array.from(batch.rows).indexOf(4)
    let caught: unknown
    try {
      softmaxCrossEntropy(batch.x, batch.y)
    } catch (e) {
      caught = batchRowError(e, batch.rows, 3)
    }
    expect(caught).toBeInstanceOf(ValueError)
    expect((caught as Error).message).toBe(`softmaxCrossEntropy: label ${pos} is 7 but logits has 3 classes (minibatch row ${pos} is dataset row 4)`)
    const yHat = tensor([2, 3], [0, 0, 0, 0, NaN, 0])
    try {
      squaredError(yHat, tensor([2, 3], new Array(6).fill(0)))
    } catch (e) {
      caught = batchRowError(e, Int32Array.of(9, 5), 3)
    }
    expect((caught as Error).message).toBe('squaredError: yHat has NaN at flat index 4; a loss needs finite inputs (minibatch row 1 is dataset row 5)')
    const other = new Error('x')
    expect(batchRowError(other, Int32Array.of(1), 3)).toBe(other)
  })
})
