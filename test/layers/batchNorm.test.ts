import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  andThen, batchNorm, dense, gradCheck, key, normal, split, squaredError,
  tanh, tensor, uniform, valueAndGrad, ValueError, type BatchNormParams, type BatchNormState, type Tensor,
} from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

const f64 = 'float64'
/** Naive reference: per-unit mean and variance of the columns of a [N, W] tensor (biased or unbiased). */
const columnStats = (x: Tensor<[number, number]>, unbiased: boolean) => {
  const [n, w] = x.shape
  const mean = Array.from({ length: w }, (_, j) => Array.from({ length: n }, (_, i) => x.data[i * w + j]!).reduce((s, v) => s + v, 0) / n)
  const variance = mean.map((m, j) => Array.from({ length: n }, (_, i) => (x.data[i * w + j]! - m) ** 2).reduce((s, v) => s + v, 0) / (unbiased ? n - 1 : n))
  return { mean, variance }
}
const randomParams = <W extends number>(k: number, w: W): BatchNormParams<W> => {
  const [kg, kb] = split(key(k))
  return { gamma: uniform(kg!, [w], 0.5, 2, f64), beta: normal(kb!, [w], 0, 1, f64) }
}

describe('batchNorm: training mode', () => {
  const bn = batchNorm(3, { dtype: f64 })
  const x = normal(key(1), [6, 3], 2, 3, f64)
  const params = randomParams(2, 3)
  it('normalises with the batch mean and biased variance, then scales by γ and shifts by β', () => {
    const [y] = bn.apply(params, x, { training: true })
    const { mean, variance } = columnStats(x, false)
    for (let i = 0; i < 6; i++)
      for (let j = 0; j < 3; j++) {
        const want = params.gamma.data[j]! * ((x.data[i * 3 + j]! - mean[j]!) / Math.sqrt(variance[j]! + 1e-5)) + params.beta.data[j]!
        expect(y.data[i * 3 + j]).toBeCloseTo(want, 12)
      }
  })
  it('returns new running averages with the unbiased batch variance, and mutates nothing', () => {
    const state = { mean: tensor([3], [1, 2, 3], f64), variance: tensor([3], [4, 5, 6], f64) }
    const before = [Array.from(state.mean.data), Array.from(state.variance.data), Array.from(x.data)]
    const next = bn.apply(params, x, { training: true, state })[2]!
    const { mean, variance } = columnStats(x, true)
    mean.forEach((m, j) => expect(next.mean.data[j]).toBeCloseTo(0.9 * state.mean.data[j]! + 0.1 * m, 12))
    variance.forEach((v, j) => expect(next.variance.data[j]).toBeCloseTo(0.9 * state.variance.data[j]! + 0.1 * v, 12))
    expect([Array.from(state.mean.data), Array.from(state.variance.data), Array.from(x.data)]).toEqual(before)
    expect(next.mean).not.toBe(state.mean)
  })
  it('passes gradCheck (through μ_B and σ²_B) in float64 below 1e-6, with random γ, β and sizes', () => {
    // NOTE: batches of 3 or more. With B = 2 the output is ±γ·σ/√(σ² + ε) + β, nearly constant in x,
    // so the true dx is O(ε) and a relative error against it only measures finite-difference noise.
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 8 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), (b, w, seed) => {
        const layer = batchNorm(w, { dtype: f64 })
        const [kx, kr] = split(key(seed))
        const r = normal(kr!, [b, w], 0, 1, f64)
        const f = (t: { p: BatchNormParams<number>; x: Tensor<[number, number]> }) => {
          const [y, back] = layer.apply(t.p, t.x, { training: true })
          let l = 0
          for (let i = 0; i < y.data.length; i++) l += y.data[i]! * r.data[i]!
          const [dp, dx] = back(r)
          return [l, { p: dp, x: dx }] as const
        }
        expect(gradCheck(f, { p: randomParams(seed + 1, w), x: normal(kx!, [b, w], 1, 2, f64) }).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 30 },
    )
  })
  it('inside a network, passes gradCheck in training mode and threads its state through valueAndGrad', () => {
    const net = pipe(dense(4, 5, { dtype: f64 }), andThen(batchNorm(5, { dtype: f64 })), andThen(tanh), andThen(dense(5, 2, { dtype: f64 })))
    const report = checkLayer(net, key(3), 7, 4, { training: true })
    for (const t of report.tensors)
      if (t.path === 'p[0].b')
        // Batch norm is invariant to a shift of its input, so the bias below it has a zero gradient:
        // only finite-difference noise (~1e-10) is left, and a relative error is meaningless.
        expect(t.maxAbsError).toBeLessThan(1e-8)
      else expect(t.maxRelError, t.path).toBeLessThan(1e-6)
    const [, back] = net.apply(net.init(key(3)), normal(key(4), [7, 4], 0, 1, f64), { training: true })
    const db = back(normal(key(5), [7, 2], 0, 1, f64))[0][0].b
    expect(Math.max(...Array.from(db.data, Math.abs))).toBeLessThan(1e-12)
    const p = net.init(key(4))
    const [, , state] = valueAndGrad(net, squaredError)(p, normal(key(5), [8, 4], 0, 1, f64), normal(key(6), [8, 2], 0, 1, f64), { training: true })
    expect(state![1].mean.shape).toEqual([5])
    expect(state![0]).toBeUndefined()
  })
  it('rejects a batch of one in training mode with the exact message (eval mode accepts it)', () => {
    const one = tensor([1, 3], [1, 2, 3], f64)
    expect(() => bn.apply(params, one, { training: true })).toThrow(ValueError)
    expect(() => bn.apply(params, one, { training: true })).toThrow('batchNorm(3): training mode needs a batch of at least 2 to estimate a variance, but x has shape [1,3]')
    expect(bn.apply(params, one)[0].shape).toEqual([1, 3])
    expect(() => bn.apply(params, normal(key(0), [4, 2], 0, 1, f64) as never)).toThrow('batchNorm(3): x has shape [4,2] but [B,...,3] was expected')
  })
})

describe('batchNorm: eval mode', () => {
  const bn = batchNorm(4, { dtype: f64 })
  const params = randomParams(7, 4)
  const state: BatchNormState<4> = { mean: normal(key(8), [4], 0, 1, f64), variance: uniform(key(9), [4], 0.1, 3, f64) }
  const x = normal(key(10), [5, 4], 0, 2, f64)
  it('is the fixed affine map y = a ⊙ x + c, a = γ/√(var + ε), c = β − a ⊙ mean, exactly', () => {
    const [y] = bn.apply(params, x, { state })
    for (let j = 0; j < 4; j++) {
      const a = params.gamma.data[j]! / Math.sqrt(state.variance.data[j]! + 1e-5)
      const c = params.beta.data[j]! - a * state.mean.data[j]!
      for (let i = 0; i < 5; i++) expect(y.data[i * 4 + j]).toBe(a * x.data[i * 4 + j]! + c)
    }
  })
  it('does not depend on the rest of the batch, returns no new state, and uses initState() (mean 0, variance 1) by default', () => {
    const [y, , next] = bn.apply(params, x, { state })
    const row = bn.apply(params, tensor([1, 4], x.data.subarray(4, 8), f64), { state })[0]
    expect(Array.from(row.data)).toEqual(Array.from(y.data.subarray(4, 8)))
    expect(next).toBeUndefined()
    expect(bn.apply(params, x)[0].data).toEqual(bn.apply(params, x, { state: bn.initState() })[0].data)
  })
  it('passes gradCheck in float64 below 1e-6', () => {
    const r = normal(key(11), [5, 4], 0, 1, f64)
    const f = (t: { p: typeof params; x: Tensor<[5, 4]> }) => {
      const [y, back] = bn.apply(t.p, t.x, { state })
      let l = 0
      for (let i = 0; i < y.data.length; i++) l += y.data[i]! * r.data[i]!
      const [dp, dx] = back(r)
      return [l, { p: dp, x: dx }] as const
    }
    expect(gradCheck(f, { p: params, x }).maxRelError).toBeLessThan(1e-6)
  })
})
