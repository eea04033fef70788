import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { andThen, astype, dense, dropout, dropoutMask, fold, input, key, mapTree, normal, ValueError } from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

const x = normal(key(1), [3, 5], 0, 1, 'float64')

describe('dropout', () => {
  it('training mode multiplies by the mask of dropoutMask(key) / (1 − p), and back by the same', () => {
    const k = key(7), p = 0.3
    const [y, back] = dropout(p).apply({}, x, { training: true, key: k })
    const m = dropoutMask(k, [3, 5], p, 'float64').data
    expect(Array.from(m).every((v) => v === 0 || v === 1)).toBe(true)
    expect(m).toContain(0)
    const s = 1 / (1 - p)
    expect(Array.from(y.data)).toEqual(Array.from(x.data, (v, i) => v * (m[i]! * s)))
    const dy = normal(key(2), [3, 5], 0, 1, 'float64')
    expect(Array.from(back(dy)[1].data)).toEqual(Array.from(dy.data, (v, i) => v * (m[i]! * s)))
  })
  it('keeps a fraction ≈ 1 − p of the units (binomial 5σ bound)', () => {
    const n = 20000, p = 0.3
    const kept = Array.from(dropoutMask(key(3), [n], p).data).reduce((s, v) => s + v, 0)
    expect(Math.abs(kept - n * (1 - p))).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)))
  })
  it('draws the same mask from the same key and another from another key', () => {
    const a = dropout(0.5).apply({}, x, { training: true, key: key(4) })[0].data
    expect(dropout(0.5).apply({}, x, { training: true, key: key(4) })[0].data).toEqual(a)
    expect(dropout(0.5).apply({}, x, { training: true, key: key(5) })[0].data).not.toEqual(a)
  })
  it('is the identity in eval mode (the default), forward and backward', () => {
    const [y, back] = dropout(0.5).apply({}, x)
    expect(y.data).toEqual(x.data)
    expect(back(x)[1].data).toEqual(x.data)
    expect(dropout(0.5).apply({}, x, { training: false, key: key(0) })[0].data).toEqual(x.data)
  })
  it('never mutates its input', () => {
    const before = Float64Array.from(x.data)
    dropout(0.5).apply({}, x, { training: true, key: key(0) })
    expect(x.data).toEqual(before)
  })
  it('passes gradCheck with a fixed mask (same key) in float64 below 1e-6', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.double({ min: 0, max: 0.9, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (b, w, p, seed) => {
        expect(checkLayer(dropout(p), key(seed), b, w, { training: true, key: key(seed + 1) }).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 25 },
    )
    const net = pipe(dense(4, 6, { dtype: 'float64' }), andThen(dropout(0.5)), andThen(dense(6, 2, { dtype: 'float64' })))
    expect(checkLayer(net, key(9), 3, 4, { training: true, key: key(10) }).maxRelError).toBeLessThan(1e-6)
  })
  it('test-time output = mean of the training outputs over masks, for a linear layer (dense then dropout, and dropout then dense)', () => {
    // With inverted dropout E[m/(1 − p)] = 1, so E[training output] = eval output exactly. Each
    // entry of the mean of N samples has standard deviation sd_i = |y_i|·√(p/(1 − p))/√N (dense then
    // dropout) — we allow 5 such sds, per entry.
    const n = 4000, p = 0.4
    const lin = dense(5, 3, { dtype: 'float64' })
    const params = mapTree(lin.init(key(11)), (t) => astype(t, 'float64'))
    const after = pipe(lin, andThen(dropout(p)))
    const evalOut = after.apply([params, {}], x)[0].data
    const sum = new Float64Array(evalOut.length)
    for (let s = 0; s < n; s++) {
      const y = after.apply([params, {}], x, { training: true, key: fold(key(12), s) })[0].data
      for (let i = 0; i < y.length; i++) sum[i] = sum[i]! + y[i]!
    }
    const ratio = Math.sqrt(p / (1 - p) / n)
    evalOut.forEach((v, i) => expect(Math.abs(sum[i]! / n - v)).toBeLessThan(5 * ratio * Math.abs(v) + 1e-12))
    // Dropout on the inputs of the linear layer: the mean over masks is the eval output too.
    const before = pipe(input([5]), andThen(dropout(p)), andThen(lin))
    const evalIn = before.apply([{}, {}, params], x)[0].data
    const sum2 = new Float64Array(evalIn.length), sq = new Float64Array(evalIn.length)
    for (let s = 0; s < n; s++) {
      const y = before.apply([{}, {}, params], x, { training: true, key: fold(key(13), s) })[0].data
      for (let i = 0; i < y.length; i++) (sum2[i] = sum2[i]! + y[i]!), (sq[i] = sq[i]! + y[i]! * y[i]!)
    }
    evalIn.forEach((v, i) => {
      const m = sum2[i]! / n, sd = Math.sqrt((sq[i]! / n - m * m) / n)
      expect(Math.abs(m - v)).toBeLessThan(5 * sd)
    })
  })
  it('rejects p outside [0, 1) and training mode without a key, with the exact messages', () => {
    expect(() => dropout(1)).toThrow(ValueError)
    expect(() => dropout(1)).toThrow('dropout: p must be in [0, 1), got 1')
    expect(() => dropout(-0.1)).toThrow('dropout: p must be in [0, 1), got -0.1')
    expect(() => dropout(NaN)).toThrow('dropout: p must be in [0, 1), got NaN')
    expect(() => dropoutMask(key(0), [2], 1.5)).toThrow('dropoutMask: p must be in [0, 1), got 1.5')
    expect(() => dropout(0.5).apply({}, x, { training: true })).toThrow(ValueError)
    expect(() => dropout(0.5).apply({}, x, { training: true })).toThrow('dropout: training mode needs ctx.key')
  })
})
