import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dense, key, ShapeError, tensor, toRows, zeros } from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

describe('dense', () => {
  it('computes x·W + b', () => {
    const l = dense(2, 2)
    const p = { w: tensor([2, 2], [1, 2, 3, 4]), b: tensor([2], [0.5, -1]) }
    expect(toRows(l.apply(p, tensor([1, 2], [1, 1]))[0])).toEqual([[4.5, 5]])
  })
  it('has Glorot-uniform weights in [−√6/√(in+out), √6/√(in+out)] with zero biases, and a uniform spread', () => {
    const p = dense(300, 100).init(key(0))
    const bound = Math.sqrt(6 / 400)
    const w = Array.from(p.w.data)
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound)
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.99 * bound)
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length
    expect(variance).toBeCloseTo((bound * bound) / 3, 3)
    expect(Array.from(p.b.data).every((v) => v === 0)).toBe(true)
  })
  it('initialises bit-identically from the same key', () => {
    expect(dense(5, 4).init(key(9)).w.data).toEqual(dense(5, 4).init(key(9)).w.data)
  })
  it('gives the closed-form gradients ∂W = xᵀdy, ∂b = Σ dy, dx = dy Wᵀ', () => {
    const l = dense(2, 1)
    const p = { w: tensor([2, 1], [2, -1], 'float64'), b: tensor([1], [0], 'float64') }
    const x = tensor([2, 2], [1, 2, 3, 4], 'float64')
    const [grads, dx] = l.apply(p, x)[1](tensor([2, 1], [1, 10], 'float64'))
    expect(Array.from(grads.w.data)).toEqual([31, 42])
    expect(Array.from(grads.b.data)).toEqual([11])
    expect(toRows(dx)).toEqual([[2, -1], [20, -10]])
  })
  it('passes gradCheck in float64 below 1e-6 over random sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1e6 }), (b, i, o, seed) => {
        expect(checkLayer(dense(i, o, { dtype: 'float64' }), key(seed), b, i).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 25 },
    )
  })
  it('names itself, the argument and both shapes on a wrong input width', () => {
    const l = dense(3, 2)
    expect(() => l.apply(l.init(key(0)), zeros([4, 5]) as never)).toThrow(ShapeError)
    expect(() => l.apply(l.init(key(0)), zeros([4, 5]) as never)).toThrow('dense(3→2): x has shape [4,5] but [B,3] was expected')
    expect(() => dense(0, 2)).toThrow('dense: inputs must be a positive integer, got 0')
  })
})
