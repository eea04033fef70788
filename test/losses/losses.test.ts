import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  binaryCrossEntropy, gradCheck, key, labels, normal, ShapeError, softmaxCrossEntropy, split, squaredError, tensor, uniform, ValueError,
} from '../../src/index.js'
import type { Tensor } from '../../src/index.js'

const softmaxOf = (row: number[]) => {
  const m = Math.max(...row)
  const e = row.map((v) => Math.exp(v - m))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / s)
}

describe('softmaxCrossEntropy', () => {
  it('is −log f(a)_y and its gradient at the pre-activation is −(e(y) − f(a))', () => {
    const a = [0.3, -1.2, 2.0, 0.5]
    const [loss, g] = softmaxCrossEntropy(tensor([1, 4], a, 'float64'), labels([2], 4))
    const f = softmaxOf(a)
    expect(loss).toBeCloseTo(-Math.log(f[2]!), 12)
    const e = [0, 0, 1, 0]
    Array.from(g.data).forEach((v, j) => expect(v).toBeCloseTo(-(e[j]! - f[j]!), 12))
  })
  it('averages over the batch', () => {
    const x = tensor([2, 2], [1, 0, 0, 1], 'float64')
    const [l2] = softmaxCrossEntropy(x, labels([0, 0], 2))
    const [la] = softmaxCrossEntropy(tensor([1, 2], [1, 0], 'float64'), labels([0], 2))
    const [lb] = softmaxCrossEntropy(tensor([1, 2], [0, 1], 'float64'), labels([0], 2))
    expect(l2).toBeCloseTo((la + lb) / 2, 12)
  })
  it('gives a finite loss and gradient for a logit of 1000', () => {
    const [loss, g] = softmaxCrossEntropy(tensor([1, 3], [1000, 0, -5]), labels([1], 3))
    expect(loss).toBeCloseTo(1000, 3)
    expect(Array.from(g.data).every(Number.isFinite)).toBe(true)
  })
  it('passes gradCheck below 1e-6', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 1e6 }), (b, c, seed) => {
        const [k1, k2] = split(key(seed))
        const y = labels(Array.from(uniform(k2!, [b]).data, (u) => Math.floor(u * c)), c)
        const x = normal(k1!, [b, c], 0, 2, 'float64')
        expect(gradCheck((t: Tensor<[number, number]>) => softmaxCrossEntropy(t, y), x).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 25 },
    )
  })
  it('rejects labels out of range, a batch mismatch, and NaN logits with clear errors', () => {
    const x = tensor([2, 3], [0, 0, 0, 0, 0, 0])
    expect(() => softmaxCrossEntropy(x, { shape: [2], numClasses: 3, data: Int32Array.from([0, 3]) })).toThrow('softmaxCrossEntropy: label 1 is 3 but logits has 3 classes')
    expect(() => softmaxCrossEntropy(x, labels([0], 3) as never)).toThrow(ShapeError)
    expect(() => softmaxCrossEntropy(tensor([1, 2], [NaN, 0]), labels([0], 2))).toThrow(ValueError)
    expect(() => softmaxCrossEntropy(tensor([1, 2], [NaN, 0]), labels([0], 2))).toThrow('softmaxCrossEntropy: logits has NaN at flat index 0')
  })
})

describe('binaryCrossEntropy', () => {
  it('is the sum of Bernoulli cross-entropies of sigmoid outputs, with gradient σ(a) − t', () => {
    const a = [0.4, -2]
    const t = [1, 0.25]
    const [loss, g] = binaryCrossEntropy(tensor([1, 2], a, 'float64'), tensor([1, 2], t, 'float64'))
    const s = a.map((v) => 1 / (1 + Math.exp(-v)))
    expect(loss).toBeCloseTo(-s.reduce((acc, p, i) => acc + t[i]! * Math.log(p) + (1 - t[i]!) * Math.log(1 - p), 0), 12)
    Array.from(g.data).forEach((v, i) => expect(v).toBeCloseTo(s[i]! - t[i]!, 12))
  })
  it('stays finite for saturated sigmoids', () => {
    const [loss, g] = binaryCrossEntropy(tensor([1, 2], [800, -800]), tensor([1, 2], [0, 1]))
    expect(loss).toBeCloseTo(1600, 3)
    expect(Array.from(g.data)).toEqual([1, -1])
  })
  it('passes gradCheck below 1e-6', () => {
    const x = normal(key(3), [3, 4], 0, 2, 'float64')
    const t = uniform(key(4), [3, 4], 0, 1, 'float64')
    expect(gradCheck((z: Tensor<[3, 4]>) => binaryCrossEntropy(z, t), x).maxRelError).toBeLessThan(1e-6)
  })
  it('rejects targets outside [0, 1]', () => {
    expect(() => binaryCrossEntropy(tensor([1, 1], [0]), tensor([1, 1], [2]))).toThrow('binaryCrossEntropy: targets has 2 at flat index 0; targets must be in [0, 1]')
  })
})

describe('squaredError', () => {
  it('is ½‖ŷ − y‖² with gradient ŷ − y', () => {
    const [loss, g] = squaredError(tensor([1, 2], [3, 1], 'float64'), tensor([1, 2], [1, 1], 'float64'))
    expect(loss).toBe(2)
    expect(Array.from(g.data)).toEqual([2, 0])
  })
  it('passes gradCheck below 1e-6, and rejects mismatched shapes and NaN', () => {
    const x = normal(key(5), [3, 4], 0, 1, 'float64')
    const t = normal(key(6), [3, 4], 0, 1, 'float64')
    expect(gradCheck((z: Tensor<[3, 4]>) => squaredError(z, t), x).maxRelError).toBeLessThan(1e-6)
    expect(() => squaredError(x, tensor([4, 3], new Array(12).fill(0)) as never)).toThrow('squaredError: yHat has shape [3,4] but y has shape [4,3]')
    expect(() => squaredError(tensor([1, 1], [0]), tensor([1, 1], [NaN]))).toThrow(ValueError)
  })
})
