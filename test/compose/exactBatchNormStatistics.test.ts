import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  andThen, batchNorm, dense, dropout, exactBatchNormStatistics, fold, key, normal, permutation, relu, tanh, tensor, ValueError,
  type Tensor,
} from '../../src/index.js'

const f64 = 'float64'
/** Per-unit mean, unbiased variance and 4th central moment of the columns of [N, W]. */
const moments = (x: Tensor<[number, number]>) => {
  const [n, w] = x.shape
  const col = (j: number) => Array.from({ length: n }, (_, i) => x.data[i * w + j]!)
  const mean = Array.from({ length: w }, (_, j) => col(j).reduce((s, v) => s + v, 0) / n)
  const variance = mean.map((m, j) => col(j).reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1))
  const m4 = mean.map((m, j) => col(j).reduce((s, v) => s + (v - m) ** 4, 0) / n)
  return { mean, variance, m4 }
}
const rows = <W extends number>(x: Tensor<[number, W]>, idx: ArrayLike<number>): Tensor<[number, W]> => {
  const w = x.shape[1], out = new Float64Array(idx.length * w)
  for (let r = 0; r < idx.length; r++) out.set(x.data.subarray(idx[r]! * w, (idx[r]! + 1) * w), r * w)
  return tensor([idx.length, w], out, f64) as Tensor<[number, W]>
}

describe('exactBatchNormStatistics', () => {
  const net = pipe(
    dense(3, 5, { dtype: f64 }), andThen(batchNorm(5, { dtype: f64 })), andThen(relu), andThen(dropout(0.5)),
    andThen(dense(5, 4, { dtype: f64 })), andThen(batchNorm(4, { dtype: f64 })), andThen(dense(4, 2, { dtype: f64 })),
  )
  const params = net.init(key(1))
  const xs = normal(key(2), [50, 3], 1, 2, f64)
  it('gives each batch-norm layer the mean and unbiased variance of its input, propagated layer by layer in eval mode', () => {
    const state = exactBatchNormStatistics(net, params, xs)
    const h1 = net.layers[0]!.apply(params[0], xs)[0]
    const m1 = moments(h1)
    m1.mean.forEach((m, j) => expect(state[1].mean.data[j]).toBeCloseTo(m, 12))
    m1.variance.forEach((v, j) => expect(state[1].variance.data[j]).toBeCloseTo(v, 12))
    // The second layer sees the first normalised WITH the exact statistics (as at test time).
    let h: Tensor<[number, number]> = h1
    for (let i = 1; i < 5; i++) h = net.layers[i]!.apply(params[i], h, i === 1 ? { state: state[1] } : {})[0]
    const m2 = moments(h)
    m2.mean.forEach((m, j) => expect(state[5].mean.data[j]).toBeCloseTo(m, 12))
    m2.variance.forEach((v, j) => expect(state[5].variance.data[j]).toBeCloseTo(v, 12))
    expect([state[0], state[2], state[3], state[4], state[6]]).toEqual([undefined, undefined, undefined, undefined, undefined])
  })
  it('is pure: the given state is not mutated and the result is a new tuple', () => {
    const given = net.initState()
    const state = exactBatchNormStatistics(net, params, xs, given)
    expect(state).not.toBe(given)
    expect(Array.from(given[1].mean.data)).toEqual([0, 0, 0, 0, 0])
    expect(Array.from(given[1].variance.data)).toEqual([1, 1, 1, 1, 1])
  })
  it('needs at least 2 examples', () => {
    expect(() => exactBatchNormStatistics(net, params, tensor([1, 3], [1, 2, 3], f64))).toThrow(ValueError)
    expect(() => exactBatchNormStatistics(net, params, tensor([1, 3], [1, 2, 3], f64))).toThrow('exactBatchNormStatistics: x has shape [1,3]; a variance needs at least 2 examples')
  })
  it('is what the running averages converge to, with the layers below held fixed', () => {
    // Training mode on shuffled minibatches of m = 8 from N = 640 examples, params fixed; the running
    // averages are exponential moving averages s ← β s + (1 − β) t of batch statistics t whose mean
    // is the exact statistic (mean: E[μ_B] = E[x]; variance: E[unbiased σ²_B] = Var[x] with the
    // N − 1 denominator, for batches drawn without replacement). Once the init is forgotten
    // (β^T ≈ 5e-5 here), an EMA of independent t has sd √((1 − β)/(1 + β) · Var[t]), with
    // Var[μ_B] = Var[x]/m and Var[σ²_B] ≈ (μ₄ − Var[x]²(m − 3)/(m − 1))/m. We allow 5 such sds.
    // Small batches and a slow EMA make the test sharp enough to tell the unbiased running variance
    // from the biased one, which would converge to Var[x]·(m − 1)/m (checked below to be > 5 sds off).
    const beta = 0.998, m = 8, n = 640, steps = 5000
    const small = pipe(dense(3, 4, { dtype: f64 }), andThen(tanh), andThen(batchNorm(4, { dtype: f64, momentum: beta })), andThen(dense(4, 2, { dtype: f64 })))
    const p = small.init(key(3))
    const train = normal(key(4), [n, 3], 0.5, 1.5, f64)
    let state = small.initState()
    for (let t = 0; t < steps; t++) {
      const epoch = Math.floor((t * m) / n), start = (t * m) % n
      const idx = permutation(fold(key(5), epoch), n).subarray(start, start + m)
      state = small.apply(p, rows(train, idx), { training: true, state })[2]!
    }
    const exact = exactBatchNormStatistics(small, p, train)[2]
    const input = tanh.apply({}, small.layers[0]!.apply(p[0], train)[0] as Tensor<[number, number]>)[0]
    const { variance, m4 } = moments(input)
    const ema = Math.sqrt((1 - beta) / (1 + beta))
    for (let j = 0; j < 4; j++) {
      const sdMean = ema * Math.sqrt(variance[j]! / m)
      const sdVar = ema * Math.sqrt((m4[j]! - (variance[j]! ** 2 * (m - 3)) / (m - 1)) / m)
      expect(Math.abs(state[2].mean.data[j]! - exact.mean.data[j]!)).toBeLessThan(5 * sdMean)
      expect(Math.abs(state[2].variance.data[j]! - exact.variance.data[j]!)).toBeLessThan(5 * sdVar)
      expect(exact.variance.data[j]).toBeCloseTo(variance[j]!, 12)
      expect(exact.variance.data[j]! / m).toBeGreaterThan(6 * sdVar)
    }
  })
})
