import { describe, expect, it } from 'vitest'
import {
  adam, chain, initOptimizer, rateFactorOf, reduceOnPlateau, sgd, step, tensor, ValueError, type ReduceOnPlateauOptions, type Tensor,
} from '../../src/index.js'

type P = { readonly w: Tensor<[1, 2]> }
const p = (a: number, b: number): P => ({ w: tensor([1, 2], [a, b], 'float64') })

/** The factor in force after each observation of `scores`, starting from a fresh state. */
const factors = (options: ReduceOnPlateauOptions, scores: readonly number[]): number[] => {
  const t = reduceOnPlateau(options)
  let s = t.init(p(0, 0))
  return scores.map((v) => (s = t.observe!(s, v)).rateFactor)
}

describe('reduceOnPlateau: the schedule, observation by observation', () => {
  it('halves after `patience` observations without a strict improvement, then counts again', () => {
    // best: 1, .9, .9, .9 (cut), .9, .9 (cut), .5, .5, .5 (cut)
    expect(factors({ patience: 2 }, [1, 0.9, 0.9, 0.95, 0.9, 0.91, 0.5, 0.6, 0.5])).toEqual([1, 1, 1, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125])
  })
  it('patience 1 cuts at every observation that does not improve', () => {
    expect(factors({ patience: 1, factor: 0.1 }, [3, 2, 2, 1, 5, 0.5])).toEqual([1, 1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002])
  })
  it('a cooldown skips counting for that many observations after a cut', () => {
    // cut at the 2nd, 2 observations of cooldown (3rd, 4th), count again from the 5th: cut at the 6th
    expect(factors({ patience: 1, cooldown: 2 }, [1, 1, 1, 1, 1, 1, 1])).toEqual([1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25])
  })
  it('rtol and atol demand a margin to count as an improvement', () => {
    // 0.95 is not below (1 − 0.1)·1 = 0.9; 0.85 is. With atol 0.2, 0.85 is not below 1 − 0.2.
    expect(factors({ patience: 1, rtol: 0.1 }, [1, 0.95, 0.85])).toEqual([1, 0.5, 0.5])
    expect(factors({ patience: 1, atol: 0.2 }, [1, 0.85, 0.7])).toEqual([1, 0.5, 0.5])
  })
  it('never goes below minScale', () => {
    expect(factors({ patience: 1, minScale: 0.3 }, [1, 1, 1, 1])).toEqual([1, 0.5, 0.3, 0.3])
  })
  it('names the bad option or value', () => {
    expect(() => reduceOnPlateau({ patience: 0 })).toThrow(new ValueError('reduceOnPlateau', 'patience must be a positive integer, got 0'))
    expect(() => reduceOnPlateau({ patience: 2, factor: 1 })).toThrow('reduceOnPlateau: factor must be in (0, 1), got 1')
    expect(() => reduceOnPlateau({ patience: 2, cooldown: -1 })).toThrow('reduceOnPlateau: cooldown must be an integer ≥ 0, got -1')
    expect(() => reduceOnPlateau({ patience: 2, minScale: 2 })).toThrow('reduceOnPlateau: minScale must be in [0, 1], got 2')
    const t = reduceOnPlateau({ patience: 2 })
    expect(() => t.observe!(t.init(p(0, 0)), NaN)).toThrow('reduceOnPlateau: the observed value must be finite, got NaN')
  })
})

describe('reduceOnPlateau as a gradient transformation', () => {
  it('scales the updates by the factor in force, and leaves them alone at 1', () => {
    const t = reduceOnPlateau({ patience: 1, factor: 0.25 })
    const s0 = t.init(p(0, 0))
    const g = p(2, -4)
    expect(t.update(g, s0, p(0, 0))[0]).toBe(g)
    const s1 = t.observe!(t.observe!(s0, 1), 1)
    expect(Array.from(t.update(g, s1, p(0, 0))[0].w.data)).toEqual([0.5, -1])
  })
  it('in a chain after sgd: θ ← θ − factor·α∇, the observation reaching it through the chain', () => {
    const opt = chain(sgd(0.1), reduceOnPlateau({ patience: 1 }))
    let s = initOptimizer(opt, p(1, 1))
    s = step(opt)(s, p(1, 2))
    expect(Array.from(s.params.w.data)).toEqual([1 - 0.1, 1 - 0.2])
    s = { ...s, opt: opt.observe!(opt.observe!(s.opt, 0.3), 0.3) }
    expect(rateFactorOf(s.opt)).toBe(0.5)
    s = step(opt)(s, p(1, 2))
    expect(Array.from(s.params.w.data)).toEqual([0.9 - 0.5 * 0.1, 0.8 - 0.5 * 0.2])
  })
  it('rateFactorOf finds the factor anywhere in a state, nested chains included, and is 1 without one', () => {
    const inner = chain(adam(1e-3), reduceOnPlateau({ patience: 1 }))
    const opt = chain(inner, reduceOnPlateau({ patience: 1, factor: 0.1 }))
    let s = opt.init(p(0, 0))
    expect(rateFactorOf(s)).toBe(1)
    s = opt.observe!(opt.observe!(s, 1), 1)
    expect(rateFactorOf(s)).toBeCloseTo(0.05, 15)
    expect(rateFactorOf(adam(1e-3).init(p(0, 0)))).toBe(1)
  })
})
