import { describe, expect, it } from 'vitest'
import {
  adagrad, adam, chain, clipByGlobalNorm, globalNorm, initOptimizer, l1, l2, momentum, rmsprop, scaleByAdam, scaleByLearningRate,
  sgd, step, stepDecay, tensor, exponentialDecay, type GradientTransformation, type Tensor,
} from '../../src/index.js'

// One scalar parameter θ in a tree { w: [1,1] }: gradient sequence g1, g2 chosen by hand.
type P = { readonly w: Tensor<[1, 1]> }
const p = (v: number): P => ({ w: tensor([1, 1], [v], 'float64') })
const two = <S>(opt: GradientTransformation<S>, theta0: number, g1: number, g2: number) => {
  const s0 = initOptimizer(opt, p(theta0))
  const s1 = step(opt)(s0, p(g1))
  const s2 = step(opt)(s1, p(g2))
  return [s1.params.w.data[0]!, s2.params.w.data[0]!] as const
}

describe('optimizers: first two steps match the formulas by hand', () => {
  const [t0, g1, g2] = [1, 0.5, -0.25]
  it('sgd: θ ← θ − αg', () => {
    const [a, b] = two(sgd(0.1), t0, g1, g2)
    expect(a).toBeCloseTo(1 - 0.05, 15)
    expect(b).toBeCloseTo(0.95 + 0.025, 15)
  })
  it('momentum: ḡ_t = g_t + βḡ_{t−1}, θ ← θ − αḡ', () => {
    const [a, b] = two(momentum(0.1, 0.9), t0, g1, g2)
    expect(a).toBeCloseTo(1 - 0.1 * 0.5, 15)
    expect(b).toBeCloseTo(0.95 - 0.1 * (-0.25 + 0.9 * 0.5), 15)
  })
  it('adagrad: γ_t = γ_{t−1} + g², θ ← θ − α g/√(γ+ε)', () => {
    const [a, b] = two(adagrad(0.1, 1e-8), t0, g1, g2)
    expect(a).toBeCloseTo(1 - (0.1 * 0.5) / Math.sqrt(0.25 + 1e-8), 15)
    expect(b).toBeCloseTo(a - (0.1 * -0.25) / Math.sqrt(0.25 + 0.0625 + 1e-8), 15)
  })
  it('rmsprop: γ_t = βγ + (1−β)g², θ ← θ − α g/√(γ+ε)', () => {
    const [a, b] = two(rmsprop(0.01, 0.9, 1e-8), t0, g1, g2)
    const v1 = 0.1 * 0.25
    const v2 = 0.9 * v1 + 0.1 * 0.0625
    expect(a).toBeCloseTo(1 - (0.01 * 0.5) / Math.sqrt(v1 + 1e-8), 14)
    expect(b).toBeCloseTo(a - (0.01 * -0.25) / Math.sqrt(v2 + 1e-8), 14)
  })
  it('adam: bias-corrected moments', () => {
    const [a, b] = two(adam(0.001, 0.9, 0.999, 1e-8), t0, g1, g2)
    const m1 = 0.1 * 0.5, v1 = 0.001 * 0.25
    expect(a).toBeCloseTo(1 - (0.001 * (m1 / 0.1)) / (Math.sqrt(v1 / 0.001) + 1e-8), 14)
    const m2 = 0.9 * m1 + 0.1 * -0.25, v2 = 0.999 * v1 + 0.001 * 0.0625
    const mh = m2 / (1 - 0.81), vh = v2 / (1 - 0.999 ** 2)
    expect(b).toBeCloseTo(a - (0.001 * mh) / (Math.sqrt(vh) + 1e-8), 14)
  })
})

describe('optimizer states are values', () => {
  it('stepping twice from one old state gives identical results, and the old state is unchanged', () => {
    const opt = adam(0.01)
    const s0 = initOptimizer(opt, p(1))
    const a = step(opt)(s0, p(0.3))
    const b = step(opt)(s0, p(0.3))
    expect(a).toEqual(b)
    expect(s0.params.w.data[0]).toBe(1)
  })
  it('works directly as the reducer of Array.prototype.reduce', () => {
    const grads = [p(1), p(1), p(1)]
    const final = grads.reduce(step(sgd(0.1)), initOptimizer(sgd(0.1), p(0)))
    expect(final.params.w.data[0]).toBeCloseTo(-0.3, 15)
  })
  it('chain equals applying the transformations by hand', () => {
    const a = chain(scaleByAdam(), scaleByLearningRate(0.1))
    const g = p(0.7)
    const [ua] = a.update(g, a.init(p(1)), p(1))
    const adamT = scaleByAdam()
    const [u1] = adamT.update(g, adamT.init(p(1)), p(1))
    const lr = scaleByLearningRate(0.1)
    const [u2] = lr.update(u1, lr.init(p(1)), p(1))
    expect(ua.w.data[0]).toBe(u2.w.data[0])
  })
})

describe('regularisation', () => {
  const params = { w: tensor([2, 2], [1, -2, 0.5, 0], 'float64'), b: tensor([2], [3, -4], 'float64') }
  const zero = { w: tensor([2, 2], [0, 0, 0, 0], 'float64'), b: tensor([2], [0, 0], 'float64') }
  it('L2 adds 2λW to the weights and leaves biases untouched', () => {
    const [u] = l2(0.1).update(zero, null, params)
    expect(Array.from(u.w.data)).toEqual([0.2, -0.4, 0.1, 0])
    expect(Array.from(u.b.data)).toEqual([0, 0])
  })
  it('L1 adds λ sign(W) to the weights and leaves biases untouched', () => {
    const [u] = l1(0.1).update(zero, null, params)
    expect(Array.from(u.w.data)).toEqual([0.1, -0.1, 0.1, 0])
    expect(Array.from(u.b.data)).toEqual([0, 0])
  })
  it('a full optimizer step with weight decay moves weights but not biases when their grads are 0', () => {
    const opt = chain(l2(0.5), scaleByLearningRate(0.1))
    const s = step(opt)(initOptimizer(opt, params), zero)
    expect(Array.from(s.params.b.data)).toEqual([3, -4])
    expect(s.params.w.data[0]).toBeCloseTo(1 - 0.1 * 2 * 0.5 * 1, 15)
  })
})

describe('clipping and schedules', () => {
  it('clips by global norm and leaves small updates alone', () => {
    const g = { w: tensor([1, 2], [3, 4], 'float64') }
    expect(globalNorm(clipByGlobalNorm(1).update(g, null, g)[0])).toBeCloseTo(1, 15)
    expect(clipByGlobalNorm(10).update(g, null, g)[0]).toBe(g)
  })
  it('schedules decay the rate as stated', () => {
    expect([0, 9, 10, 25].map(stepDecay(1, 10))).toEqual([1, 1, 0.5, 0.25])
    expect(exponentialDecay(1, 0.5)(2)).toBe(0.25)
    const [a, b] = two(sgd(stepDecay(0.1, 1, 0.5)), 0, 1, 1)
    expect(a).toBeCloseTo(-0.1, 15)
    expect(b).toBeCloseTo(-0.15, 15)
  })
})

describe('convergence: every optimizer × {parabola, Rosenbrock}', () => {
  const parabola = (x: number, y: number) => [x * x + 10 * y * y, 2 * x, 20 * y] as const
  const rosenbrock = (x: number, y: number) => [(1 - x) ** 2 + 100 * (y - x * x) ** 2, -2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)] as const
  const cases: [string, GradientTransformation<any>, number][] = [
    ['sgd', sgd(0.001), 20000], ['momentum', momentum(0.0005, 0.9), 10000], ['adagrad', adagrad(0.5), 20000],
    ['rmsprop', rmsprop(0.001), 20000], ['adam', adam(0.02), 10000],
  ]
  for (const [name, opt, steps] of cases)
    for (const [fname, f, target] of [['parabola', parabola, [0, 0]], ['rosenbrock', rosenbrock, [1, 1]]] as const)
      it(`${name} minimises the ${fname}`, () => {
        let s = initOptimizer(opt, { xy: tensor([2], [-1.2, 1], 'float64') })
        for (let i = 0; i < steps; i++) {
          const [, gx, gy] = f(s.params.xy.data[0]!, s.params.xy.data[1]!)
          s = step(opt)(s, { xy: tensor([2], [gx, gy], 'float64') })
        }
        expect(Math.abs(s.params.xy.data[0]! - target[0])).toBeLessThan(0.05)
        expect(Math.abs(s.params.xy.data[1]! - target[1])).toBeLessThan(0.1)
      })
})

describe('fused Adam equals the three-pass reference', () => {
  it('matches m, v and the update leaf by leaf on a nested tree (float32 and float64)', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const mk = (s: number, n: number) => tensor([n], Array.from({ length: n }, (_, i) => Math.sin(s * (i + 1))), dtype)
      const params = [{ w: mk(1, 7), b: mk(2, 3) }, {}, { w: mk(3, 1) }] as const
      const grads = [{ w: mk(4, 7), b: mk(5, 3) }, {}, { w: mk(6, 1) }] as const
      const [b1, b2, eps] = [0.9, 0.999, 1e-8]
      const t = scaleByAdam(b1, b2, eps)
      const [, s1] = t.update(grads, t.init(params), params)
      const [u2, s2] = t.update(params, s1, params) // second step: params as grads
      const mu1 = s1.mu as typeof grads, nu1 = s1.nu as typeof grads
      const mu2 = s2.mu as typeof grads, nu2 = s2.nu as typeof grads
      for (const [i, k] of [[0, 'w'], [0, 'b'], [2, 'w']] as const) {
        const g = (params[i] as Record<string, Tensor>)[k]!.data
        const m1 = (mu1[i] as Record<string, Tensor>)[k]!.data, v1 = (nu1[i] as Record<string, Tensor>)[k]!.data
        const m = (mu2[i] as Record<string, Tensor>)[k]!, v = (nu2[i] as Record<string, Tensor>)[k]!
        const u = (u2[i] as Record<string, Tensor>)[k]!
        expect(u.dtype).toBe(dtype)
        for (let j = 0; j < g.length; j++) {
          const mj = b1 * m1[j]! + (1 - b1) * g[j]!
          const vj = b2 * v1[j]! + (1 - b2) * g[j]! ** 2
          const tol = dtype === 'float64' ? 1e-12 : 1e-5
          expect(Math.abs(m.data[j]! - mj)).toBeLessThan(tol)
          expect(Math.abs(v.data[j]! - vj)).toBeLessThan(tol)
          expect(Math.abs(u.data[j]! - mj / (1 - b1 ** 2) / (Math.sqrt(vj / (1 - b2 ** 2)) + eps))).toBeLessThan(tol * 10)
        }
      }
    }
  })
})
