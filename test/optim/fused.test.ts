import { describe, expect, it } from 'vitest'
import {
  adagrad, adam, applyUpdates, chain, exponentialDecay, initOptimizer, momentum, rmsprop, scaleByAdam, scaleByLearningRate, sgd, step, tensor,
  type DType, type GradientTransformation, type Tensor,
} from '../../src/index.js'

// The named optimizers' one-pass `updateAndApply` against the unfused `update` + `applyUpdates`
// (bit for bit, params and state), and float32 Adam against the formulas.

type P = { readonly w: Tensor<[3, 4]>; readonly b: Tensor<[5]> }
const rand = (n: number, seed: number, scale: number) => {
  const out: number[] = []
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out.push((s / 2 ** 32 - 0.5) * scale)
  }
  return out
}
const tree = (seed: number, dtype: DType, scale = 2): P => ({ w: tensor([3, 4], rand(12, seed, scale), dtype), b: tensor([5], rand(5, seed + 7, scale), dtype) })
/** A tree's numbers as bit patterns (so −0 ≠ 0 and NaNs compare), leaf by leaf. */
const bits = (x: unknown): unknown =>
  Array.isArray(x) ? x.map(bits)
  : typeof x === 'object' && x !== null && 'data' in x ? [(x as Tensor).dtype, Array.from(new Uint8Array((x as Tensor).data.buffer.slice(0)))]
  : typeof x === 'object' && x !== null ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, bits(v)]))
  : x

const named: readonly (readonly [string, () => GradientTransformation<any, any>])[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  ['sgd', () => sgd(0.1)],
  ['sgd with a schedule', () => sgd(exponentialDecay(0.1, 0.5))],
  ['momentum', () => momentum(0.05, 0.9)],
  ['nesterov', () => momentum(0.05, 0.9, true)],
  ['rmsprop', () => rmsprop(0.01)],
  ['adagrad', () => adagrad(0.1)],
  ['adam', () => adam(1e-3)],
  ['adam, other β, ε and a schedule', () => adam(exponentialDecay(0.01, 0.9), 0.8, 0.99, 1e-6)],
]
const dtypes: readonly (readonly [DType, DType])[] = [['float32', 'float32'], ['float64', 'float64'], ['float32', 'float64'], ['float64', 'float32']]

describe('updateAndApply equals update + applyUpdates, bit for bit', () => {
  for (const [name, make] of named)
    for (const [pd, gd] of dtypes)
      it(`${name}: params ${pd}, grads ${gd}, 4 steps`, () => {
        const opt = make()
        expect(opt.updateAndApply).toBeDefined()
        let params = tree(1, pd), state = opt.init(params)
        let ref = params, refState = state
        for (let t = 0; t < 4; t++) {
          const g = tree(10 + t, gd, t === 2 ? 1e-3 : 3)
          const gBefore = bits(g), pBefore = bits(params), sBefore = bits(state), [p0, s0] = [params, state]
          ;[params, state] = opt.updateAndApply!(g, state, params)
          const [u, s] = opt.update(g, refState, ref)
          ;[ref, refState] = [applyUpdates(ref, u), s]
          expect(bits(params)).toEqual(bits(ref))
          expect(bits(state)).toEqual(bits(refState))
          // inputs untouched: the grads, the old params and the old state are as they were
          expect(bits(g)).toEqual(gBefore)
          expect(bits(p0)).toEqual(pBefore)
          expect(bits(s0)).toEqual(sBefore)
          expect(bits(params)).not.toEqual(pBefore)
        }
      })
  it('the old state is left as it was', () => {
    const opt = adam(1e-2)
    const p = tree(1, 'float32'), s0 = opt.init(p), g = tree(2, 'float32')
    const [, s1] = opt.updateAndApply!(g, s0, p)
    const before = bits(s1)
    opt.updateAndApply!(g, s1, p)
    expect(bits(s1)).toEqual(before)
  })
  it('a hand-built chain has no fast path (wrappers never inherit one), and step gives its result', () => {
    const hand = chain(scaleByAdam(), scaleByLearningRate(1e-3))
    expect(hand.updateAndApply).toBeUndefined()
    const p = tree(1, 'float32')
    let a = initOptimizer(hand, p), b = initOptimizer(adam(1e-3), p)
    for (let t = 0; t < 3; t++) {
      a = step(hand)(a, tree(20 + t, 'float32'))
      b = step(adam(1e-3))(b, tree(20 + t, 'float32'))
    }
    expect(bits(b)).toEqual(bits(a))
  })
  it('a structure mismatch still names the transformation and the path', () => {
    const opt = adam(1e-3)
    const p = tree(1, 'float32')
    const g = { w: tensor([3, 5], rand(15, 3, 1)), b: p.b }
    expect(() => opt.updateAndApply!(g as never, opt.init(p), p)).toThrow(/scaleByAdam.*at w/)
  })
})

describe('fused float32 Adam: the first two steps match the formulas', () => {
  it('θ ← θ − α m̂ / (√v̂ + ε), to float32 precision', () => {
    const [lr, b1, b2, eps] = [1e-2, 0.9, 0.999, 1e-8]
    const opt = adam(lr, b1, b2, eps)
    const p0 = tree(1, 'float32'), g1 = tree(2, 'float32'), g2 = tree(3, 'float32')
    const [p1, s1] = opt.updateAndApply!(g1, opt.init(p0), p0)
    const [p2] = opt.updateAndApply!(g2, s1, p1)
    for (const k of ['w', 'b'] as const)
      for (let i = 0; i < p0[k].data.length; i++) {
        const [t0, a, b] = [p0[k].data[i]!, g1[k].data[i]!, g2[k].data[i]!]
        const m1 = (1 - b1) * a, v1 = (1 - b2) * a * a
        const e1 = t0 - (lr * (m1 / (1 - b1))) / (Math.sqrt(v1 / (1 - b2)) + eps)
        expect(Math.abs(p1[k].data[i]! - e1)).toBeLessThanOrEqual(2 ** -23 * Math.abs(e1) + 1e-9)
        const m2 = b1 * m1 + (1 - b1) * b, v2 = b2 * v1 + (1 - b2) * b * b
        const e2 = p1[k].data[i]! - (lr * (m2 / (1 - b1 ** 2))) / (Math.sqrt(v2 / (1 - b2 ** 2)) + eps)
        expect(Math.abs(p2[k].data[i]! - e2)).toBeLessThanOrEqual(2 ** -23 * Math.abs(e2) + 1e-9)
      }
  })
})
