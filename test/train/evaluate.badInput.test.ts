import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { adam, andThen, dense, evaluate, fit, initTrain, key, labels, normal, pipe, relu, softmaxCrossEntropy, tensor, type Labels } from '../../src/index.js'

// The defects this guards against: a relu network scored NaN inputs as finite numbers, and x and y
// of different row counts were padded or truncated, silently.
const net = pipe(dense(4, 8), andThen(relu), andThen(dense(8, 3)))
const params = net.init(key(0))
const x = normal(key(1), [64, 4])
const y = labels(Array.from({ length: 64 }, (_, i) => i % 3), 3)

describe('evaluate refuses bad data, naming the row', () => {
  it('NaN or Infinity in the inputs (relu would turn them into finite outputs)', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const d = new Float32Array(x.data)
      d[4 * 17 + 1] = bad
      expect(() => evaluate(net, softmaxCrossEntropy, params, { x: tensor([64, 4], d), y })).toThrow(`evaluate: data x has ${bad} at row 17, column 1`)
    }
  })
  it('x and y of different row counts, either way', () => {
    const y32 = labels(Array.from({ length: 32 }, (_, i) => i % 3), 3) as unknown as Labels<number, 3>
    expect(() => evaluate(net, softmaxCrossEntropy, params, { x, y: y32 })).toThrow('evaluate: data x has 64 rows but y has 32')
    const y80 = labels(Array.from({ length: 80 }, (_, i) => i % 3), 3) as unknown as Labels<number, 3>
    expect(() => evaluate(net, softmaxCrossEntropy, params, { x, y: y80 })).toThrow('evaluate: data x has 64 rows but y has 80')
  })
  it('an empty set, and labels of another class count', () => {
    expect(() => evaluate(net, softmaxCrossEntropy, params, { x: tensor([0, 4], []), y: labels([], 3) })).toThrow('evaluate: data has no rows')
    expect(() => evaluate(net, softmaxCrossEntropy, params, { x, y: { ...y, numClasses: 5 } as never })).toThrow('5 classes')
  })
  it('never scores random bad values silently (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom(NaN, Infinity, -Infinity), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 3 }), (bad, row, col) => {
        const d = new Float32Array(x.data)
        d[4 * row + col] = bad
        expect(() => evaluate(net, softmaxCrossEntropy, params, { x: tensor([64, 4], d), y })).toThrow(`row ${row}, column ${col}`)
      }),
      { numRuns: 50 },
    )
  })
})

describe('fit without validation data', () => {
  it('returns the last epoch as the best, not the untrained params', () => {
    const config = { net, loss: softmaxCrossEntropy, optimizer: adam(1e-2), batchSize: 16, epochs: 3, key: key(2) }
    const s = fit(config, { x, y }, { x: tensor([0, 4], []), y: labels([], 3) })
    expect(s.best.epoch).toBe(3)
    expect(s.best.params).toEqual(s.params)
    expect(s.best.params).not.toEqual(initTrain(config).params)
  })
})
