import { describe, expect, it } from 'vitest'
import { bernoulli, key, normal, permutation, split, uniform } from '../../src/index.js'

describe('random keys', () => {
  it('are deterministic: the same seed gives the same bits', () => {
    expect(Array.from(uniform(key(7), [100]).data)).toEqual(Array.from(uniform(key(7), [100]).data))
    expect(split(key(7), 3)).toEqual(split(key(7), 3))
  })
  it('give different streams for different seeds and split keys', () => {
    const [a, b] = split(key(1))
    expect(uniform(a!, [4]).data).not.toEqual(uniform(b!, [4]).data)
    expect(uniform(key(1), [4]).data).not.toEqual(uniform(key(2), [4]).data)
  })
  it('uniform has the right mean and range; normal the right moments', () => {
    const u = uniform(key(3), [20000], -2, 2, 'float64').data
    let s = 0, lo = Infinity, hi = -Infinity
    for (const v of u) (s += v), (lo = Math.min(lo, v)), (hi = Math.max(hi, v))
    expect(s / u.length).toBeCloseTo(0, 1)
    expect(lo).toBeGreaterThanOrEqual(-2)
    expect(hi).toBeLessThan(2)
    const n = normal(key(4), [20000], 1, 2, 'float64').data
    let m = 0, v2 = 0
    for (const v of n) m += v
    m /= n.length
    for (const v of n) v2 += (v - m) ** 2
    expect(m).toBeCloseTo(1, 1)
    expect(Math.sqrt(v2 / n.length)).toBeCloseTo(2, 1)
  })
  it('permutation is a permutation; bernoulli keeps about the right share', () => {
    const p = Array.from(permutation(key(5), 50)).sort((a, b) => a - b)
    expect(p).toEqual(Array.from({ length: 50 }, (_, i) => i))
    const m = bernoulli(key(6), [10000], 0.3).data
    expect(Array.from(m).reduce((a, b) => a + b, 0) / m.length).toBeCloseTo(0.3, 1)
  })
  it('rejects a seed that is not a safe integer', () => {
    expect(() => key(0.5)).toThrow(/seed must be a safe integer/)
  })
})
