import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  adam, andThen, batchNorm, dense, fit, key, labels, normal, pipe, relu, softmaxCrossEntropy, squaredError, tensor, type Labels,
} from '../../src/index.js'

// fit checks its whole configuration and both data sets before the first step: a bad value is a
// clear error naming the set, the row and the column, and no step runs (nothing half-trained).
const net = pipe(dense(4, 8), andThen(relu), andThen(dense(8, 3)))
const x = normal(key(1), [33, 4])
const y = labels(Array.from({ length: 33 }, (_, i) => i % 3), 3)
const data = { x, y }
const base = { net, loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: 8, epochs: 2, key: key(0) }

describe('fit refuses bad input before the first step', () => {
  it('a non-finite value anywhere in either set, named by set, row and column (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('train', 'validation'), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(NaN, Infinity, -Infinity), (set, row, col, v) => {
        const d = new Float32Array(x.data)
        d[4 * row + col] = v
        const bad = { x: tensor([33, 4], d), y }
        let steps = 0
        const config = { ...base, onBatch: () => steps++ }
        expect(() => (set === 'train' ? fit(config, bad, data) : fit(config, data, bad))).toThrow(`fit: ${set} x has ${v} at row ${row}, column ${col}`)
        expect(steps).toBe(0)
      }),
      { numRuns: 60 },
    )
  })
  it('x and y of different row counts, labels of another class count, an empty training set', () => {
    const y20 = labels(Array.from({ length: 20 }, (_, i) => i % 3), 3) as unknown as Labels<number, 3>
    expect(() => fit(base, { x, y: y20 }, data)).toThrow('fit: train x has 33 rows but y has 20')
    expect(() => fit(base, data, { x, y: { ...y, numClasses: 4 } as never })).toThrow('4 classes')
    expect(() => fit(base, { x: tensor([0, 4], []), y: labels([], 3) }, data)).toThrow('fit: train has no rows')
  })
  it('targets of the wrong width, with the shapes named', () => {
    const regress = { ...base, loss: squaredError }
    expect(() => fit(regress, { x, y: normal(key(2), [33, 2]) } as never, { x, y: normal(key(3), [33, 3]) })).toThrow('train y has shape [33,2]')
  })
})

describe('batch norm and a last minibatch of one row', () => {
  it('trains (the row joins the batch before it) instead of throwing after an epoch of work', () => {
    const bn = pipe(dense(4, 8), andThen(batchNorm(8)), andThen(relu), andThen(dense(8, 3)))
    const sizes: number[] = []
    // 33 rows in batches of 8: the last batch would have 1 row; it is merged into a batch of 9.
    const s = fit({ ...base, net: bn, onBatch: (r) => sizes.push(r.examplesSeen) }, data, data)
    expect(s.epoch).toBe(2)
    expect(sizes.slice(0, 4)).toEqual([8, 16, 24, 33])
  })
})
