import { describe, expect, it } from 'vitest'
import { bernoulli, fold, key, normal, rbm, ShapeError, tensor, toArray, ValueError, zipTree, sub, scale, type RbmParams, type Tensor } from '../../src/index.js'
import { maxAbsDiff } from '../util/checkLayer.js'

const f64 = 'float64'
const V = 6, H = 4
const m = rbm(V, H, { dtype: f64 })
/** All 2^n binary rows, as a [2^n, n] tensor. */
const allStates = (n: number): Tensor<[number, number]> => {
  const rows = 2 ** n, d = new Float64Array(rows * n)
  for (let r = 0; r < rows; r++) for (let k = 0; k < n; k++) d[r * n + k] = (r >> k) & 1
  return tensor([rows, n], d, f64)
}
const xs = allStates(V) as Tensor<[number, 6]>
const logSumExp = (v: readonly number[]) => {
  const mx = Math.max(...v)
  return mx + Math.log(v.reduce((s, a) => s + Math.exp(a - mx), 0))
}
/** The exact mean log-likelihood of a dataset: −mean F(x) − log Z, Z = Σ over the 2^6 visibles of e^{−F(x)}. */
const logLikelihood = (p: RbmParams<6, 4>, data: Tensor<[number, 6]>) => {
  const logZ = logSumExp(toArray(m.freeEnergy(p, xs)).map((f) => -f))
  return -toArray(m.freeEnergy(p, data)).reduce((s, f) => s + f, 0) / data.shape[0] - logZ
}
/** A small dataset: two prototypes, each bit flipped with probability 0.1. */
const dataset = (() => {
  const n = 30, flips = bernoulli(key(1), [n, V], 0.1, f64), d = new Float64Array(n * V)
  for (let i = 0; i < n; i++) for (let k = 0; k < V; k++) d[i * V + k] = Math.abs((i % 2 === 0 ? (k < 3 ? 1 : 0) : k < 3 ? 0 : 1) - flips.data[i * V + k]!)
  return tensor([n, V], d, f64) as Tensor<[number, 6]>
})()
const params: RbmParams<6, 4> = { w: normal(key(2), [V, H], 0, 1, f64), b: normal(key(3), [H], 0, 1, f64), c: normal(key(4), [V], 0, 1, f64) }

describe('rbm: energies and conditionals', () => {
  it('freeEnergy(x) = −log Σ_h e^{−E(x, h)}, enumerating the 2^4 hidden states', () => {
    const hs = allStates(H) as Tensor<[number, 4]>
    const x = dataset
    const f = toArray(m.freeEnergy(params, x))
    for (let i = 0; i < 5; i++) {
      const xi = tensor([16, V], Array.from({ length: 16 }, () => Array.from(x.data.subarray(i * V, (i + 1) * V))).flat(), f64) as Tensor<[number, 6]>
      const e = toArray(m.energy(params, xi, hs))
      expect(f[i]).toBeCloseTo(-logSumExp(e.map((v) => -v)), 10)
    }
  })
  it('energy is −hᵀWx − cᵀx − bᵀh with w = Wᵀ', () => {
    const x = tensor([1, V], [1, 0, 1, 1, 0, 0], f64), h = tensor([1, H], [0, 1, 1, 0], f64)
    let want = 0
    for (let k = 0; k < V; k++) for (let j = 0; j < H; j++) want -= h.data[j]! * params.w.data[k * H + j]! * x.data[k]!
    for (let k = 0; k < V; k++) want -= params.c.data[k]! * x.data[k]!
    for (let j = 0; j < H; j++) want -= params.b.data[j]! * h.data[j]!
    expect(m.energy(params, x, h).data[0]).toBeCloseTo(want, 12)
  })
  it('hiddenProbs and visibleProbs are the sigmoids of b + W x and c + Wᵀ h', () => {
    const x = tensor([1, V], [1, 0, 1, 1, 0, 0], f64), h = tensor([1, H], [0, 1, 1, 0], f64)
    const sig = (a: number) => 1 / (1 + Math.exp(-a))
    const ph = Array.from({ length: H }, (_, j) => sig(params.b.data[j]! + [0, 1, 2, 3, 4, 5].reduce((s, k) => s + params.w.data[k * H + j]! * x.data[k]!, 0)))
    const pv = Array.from({ length: V }, (_, k) => sig(params.c.data[k]! + [0, 1, 2, 3].reduce((s, j) => s + params.w.data[k * H + j]! * h.data[j]!, 0)))
    expect(maxAbsDiff(m.hiddenProbs(params, x).data, ph)).toBeLessThan(1e-14)
    expect(maxAbsDiff(m.visibleProbs(params, h).data, pv)).toBeLessThan(1e-14)
  })
  it('gibbsStep is a function of its key, and its samples follow p(h | x) (5σ binomial bound)', () => {
    const x = tensor([2000, V], Array.from({ length: 2000 }, () => [1, 0, 1, 1, 0, 0]).flat(), f64)
    const a = m.gibbsStep(key(5), params, x)
    expect(m.gibbsStep(key(5), params, x).x.data).toEqual(a.x.data)
    expect(m.gibbsStep(key(6), params, x).x.data).not.toEqual(a.x.data)
    const ph = m.hiddenProbs(params, x).data
    for (let j = 0; j < H; j++) {
      let s = 0
      for (let i = 0; i < 2000; i++) s += a.h.data[i * H + j]!
      expect(Math.abs(s - 2000 * ph[j]!)).toBeLessThan(5 * Math.sqrt(2000 * ph[j]! * (1 - ph[j]!)))
    }
  })
})

describe('rbm: contrastive divergence', () => {
  it('cdGradients has the params structure, and for a long chain averages to the exact −∂ log p / ∂θ (enumerated)', () => {
    const small: RbmParams<6, 4> = { w: normal(key(7), [V, H], 0, 0.5, f64), b: normal(key(8), [H], 0, 0.5, f64), c: normal(key(9), [V], 0, 0.5, f64) }
    const reps = 400, big = tensor([reps * 30, V], Array.from({ length: reps }, () => Array.from(dataset.data)).flat(), f64) as Tensor<[number, 6]>
    const g = m.cdGradients(key(10), small, big, 20)
    expect(Object.keys(g)).toEqual(['w', 'b', 'c'])
    expect([g.w.shape, g.b.shape, g.c.shape]).toEqual([[V, H], [H], [V]])
    // Exact: E_model[x σ(b + W x)ᵀ] − mean_data[x σ(b + W x)ᵀ] (and likewise for b and c).
    const moments = (x: Tensor<[number, 6]>, weights: readonly number[]) => {
      const ph = m.hiddenProbs(small, x).data, w = new Float64Array(V * H), b = new Float64Array(H), c = new Float64Array(V)
      weights.forEach((q, i) => {
        for (let k = 0; k < V; k++) c[k] = c[k]! + q * x.data[i * V + k]!
        for (let j = 0; j < H; j++) b[j] = b[j]! + q * ph[i * H + j]!
        for (let k = 0; k < V; k++) for (let j = 0; j < H; j++) w[k * H + j] = w[k * H + j]! + q * x.data[i * V + k]! * ph[i * H + j]!
      })
      return { w, b, c }
    }
    const negF = toArray(m.freeEnergy(small, xs)).map((f) => -f), logZ = logSumExp(negF)
    const model = moments(xs, negF.map((v) => Math.exp(v - logZ)))
    const data = moments(dataset, Array.from({ length: 30 }, () => 1 / 30))
    // Each entry of g is a mean of 12000 terms in [−1, 1] with Gibbs noise: sd ≲ 1/√12000 ≈ 0.009.
    for (const name of ['w', 'b', 'c'] as const)
      expect(maxAbsDiff(g[name].data, Array.from(model[name], (v, i) => v - data[name][i]!))).toBeLessThan(0.04)
  })
  it('CD-1 with plain gradient steps θ ← θ − α g increases the exact log-likelihood, mostly monotonically', () => {
    let p = m.init(key(11))
    const lls = [logLikelihood(p, dataset)]
    for (let t = 0; t < 600; t++) {
      const g = m.cdGradients(fold(key(12), t), p, dataset)
      p = zipTree([p, g], ([q, d]) => sub(q!, scale(d!, 0.1)))
      if ((t + 1) % 30 === 0) lls.push(logLikelihood(p, dataset))
    }
    const drops = lls.slice(1).filter((v, i) => v < lls[i]!)
    expect(lls.at(-1)!).toBeGreaterThan(lls[0]! + 1.5) // from −6·log 2 ≈ −4.16 to about −1.74
    expect(drops.length).toBeLessThanOrEqual(3) // of 20 checkpoints
    expect(m.reconstructionError(p, dataset)).toBeLessThan(0.7 * m.reconstructionError(m.init(key(11)), dataset))
  })
})

describe('rbm: errors', () => {
  it('rejects non-binary inputs naming the first bad entry, with the exact message', () => {
    const bad = tensor([2, V], [1, 0, 1, 0, 0, 1, 0, 1, 0.5, 1, 0, 2], f64)
    expect(() => m.cdGradients(key(0), params, bad)).toThrow(ValueError)
    expect(() => m.cdGradients(key(0), params, bad)).toThrow('rbm(6→4).cdGradients: x has 0.5 at [1,2]; binary units need values in {0, 1}')
    expect(() => m.freeEnergy(params, bad)).toThrow('rbm(6→4).freeEnergy: x has 0.5 at [1,2]; binary units need values in {0, 1}')
    expect(() => m.energy(params, dataset, tensor([30, H], new Float64Array(120).fill(0.3), f64))).toThrow('rbm(6→4).energy: h has 0.3 at [0,0]; binary units need values in {0, 1}')
    const grey = rbm(V, H, { inputs: 'probabilities' })
    expect(() => grey.freeEnergy(params, bad)).toThrow('rbm(6→4).freeEnergy: x has 2 at [1,5]; probabilities must be in [0, 1]')
    expect(grey.cdGradients(key(0), params, tensor([1, V], [0.5, 0, 1, 0.2, 0, 1], f64)).w.shape).toEqual([V, H])
  })
  it('rejects wrong widths and k < 1', () => {
    expect(() => m.freeEnergy(params, tensor([1, 5], [0, 1, 0, 1, 0], f64) as never)).toThrow(ShapeError)
    expect(() => m.freeEnergy(params, tensor([1, 5], [0, 1, 0, 1, 0], f64) as never)).toThrow('rbm(6→4).freeEnergy: x has shape [1,5] but [B,6] was expected')
    expect(() => m.cdGradients(key(0), params, dataset, 0)).toThrow('rbm(6→4).cdGradients: k must be a positive integer, got 0')
  })
})
