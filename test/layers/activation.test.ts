import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { key, linear, relu, sigmoid, softmax, tanh, tensor, type Activation } from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

const a = tensor([1, 5], [-3, -0.5, 0, 0.7, 4], 'float64')
const dy = tensor([1, 5], [1, 1, 1, 1, 1], 'float64')
const derivative = (act: Activation) => Array.from(act.apply({}, a)[1](dy)[1].data)

describe('activations: closed forms', () => {
  it("sigmoid: g = 1/(1+e^−a) and g′ = g(1 − g)", () => {
    const g = Array.from(sigmoid.apply({}, a)[0].data)
    g.forEach((v, i) => expect(v).toBeCloseTo(1 / (1 + Math.exp(-a.data[i]!)), 12))
    derivative(sigmoid).forEach((d, i) => expect(d).toBeCloseTo(g[i]! * (1 - g[i]!), 12))
  })
  it("tanh: g′ = 1 − g²", () => {
    derivative(tanh).forEach((d, i) => expect(d).toBeCloseTo(1 - Math.tanh(a.data[i]!) ** 2, 12))
  })
  it("relu: g = max(0, a) and g′ = 1{a > 0}", () => {
    expect(Array.from(relu.apply({}, a)[0].data)).toEqual([0, 0, 0, 0.7, 4])
    expect(derivative(relu)).toEqual([0, 0, 0, 1, 1])
  })
  it('linear is the identity with derivative 1', () => {
    expect(Array.from(linear.apply({}, a)[0].data)).toEqual(Array.from(a.data))
    expect(derivative(linear)).toEqual([1, 1, 1, 1, 1])
  })
  it('sigmoid does not overflow on saturated inputs', () => {
    const g = sigmoid.apply({}, tensor([1, 2], [-1000, 1000], 'float64'))[0].data
    expect(Array.from(g)).toEqual([0, 1])
  })
  it('softmax rows sum to 1 and survive a logit of 1000', () => {
    const f = softmax.apply({}, tensor([1, 3], [1000, 0, -1000], 'float64'))[0].data
    expect(f[0]).toBeCloseTo(1, 12)
    expect(Array.from(f).every(Number.isFinite)).toBe(true)
  })
})

describe('activations: gradient check in float64', () => {
  for (const act of [linear, sigmoid, tanh, relu, softmax])
    it(`${act.name} passes gradCheck below 1e-6 over random sizes`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 1e6 }), (b, w, seed) => {
          expect(checkLayer(act, key(seed), b, w).maxRelError).toBeLessThan(1e-6)
        }),
        { numRuns: 20 },
      )
    })
})

describe('relu: every length, so the unrolled loops’ tails are covered', () => {
  it('equals max(0, a) and 1{a > 0} ⊙ dy bit for bit for lengths 1 … 9 (float32)', () => {
    for (let n = 1; n <= 9; n++) {
      const a = tensor([1, n], Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -0 : (i % 2 ? -1 : 1) * (i + 0.5))))
      const dy = tensor([1, n], Array.from({ length: n }, (_, i) => i + 1))
      const [y, back] = relu.apply({}, a)
      expect(Array.from(y.data)).toEqual(Array.from(a.data, (v) => (v > 0 ? v : 0)))
      expect(Array.from(back(dy)[1].data)).toEqual(Array.from(a.data, (v, i) => (v > 0 ? dy.data[i]! : 0)))
    }
  })
})
