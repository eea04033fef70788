import { describe, expect, it } from 'vitest'
import {
  add, andThen, autoencoder, binaryCrossEntropy, linear, pipe, dense, dropoutMask, gradCheck, key, mapTree, mul, normal, sigmoid, split, squaredError, transpose,
  uniform, valueAndGrad, ValueError, ShapeError, zipTree, sub, scale, bernoulli, type Autoencoder, type TiedAutoencoderParams, type Tensor,
} from '../../src/index.js'
import { checkLayer, maxAbsDiff } from '../util/checkLayer.js'

const f64 = 'float64'
const [kx, kb] = split(key(1))
const binary = bernoulli(kb!, [6, 5], 0.4, f64) as Tensor<[6, 5]>
const real = normal(kx!, [6, 5], 0, 1, f64) as Tensor<[6, 5]>
/** Random (non-zero) biases, so that the check does not sit at a special point. */
const randomize = <P>(p: P, seed: number): P => mapTree(p, (t, path) => (path === 'w' || path === 'wStar' ? t : normal(key(seed), [...t.shape], 0, 0.5, f64)))

describe('autoencoder: forward', () => {
  const ae = autoencoder(5, 3, { dtype: f64 })
  const p = randomize(ae.init(key(2)), 3)
  it('encodes h = sigm(b + W x) and gives the logits c + Wᵀh (tied), decoded by the sigmoid', () => {
    const h = ae.encode(p, binary)
    const dense53 = dense(5, 3)
    expect(maxAbsDiff(h.data, sigmoid.apply({}, dense53.apply(ae.encoderParams(p), binary)[0])[0].data)).toBe(0)
    const [a] = ae.apply(p, binary)
    const want = dense(3, 5).apply({ w: transpose(p.w), b: p.c }, h)[0]
    expect(maxAbsDiff(a.data, want.data)).toBeLessThan(1e-14)
    expect(maxAbsDiff(ae.decode(p, h).data, sigmoid.apply({}, a)[0].data)).toBe(0)
    expect(ae.loss).toBe(binaryCrossEntropy)
    expect(autoencoder(5, 3, { output: 'linear' }).loss).toBe(squaredError)
  })
  it('exposes the encoder as dense(I, H) params for pre-training', () => {
    const e = ae.encoderParams(p)
    expect(Object.keys(e)).toEqual(['w', 'b'])
    expect(e.w).toBe(p.w)
    expect(e.b).toBe(p.b)
  })
})

describe('autoencoder: gradients (gradCheck in float64 below 1e-6)', () => {
  const cases = [
    ['tied, sigmoid + binaryCrossEntropy', autoencoder(5, 3, { dtype: f64 }), binary],
    ['tied, linear + squaredError', autoencoder(5, 3, { output: 'linear', dtype: f64 }), real],
    ['untied, sigmoid + binaryCrossEntropy', autoencoder(5, 3, { tied: false, dtype: f64 }), binary],
    ['untied, linear + squaredError', autoencoder(5, 3, { tied: false, output: 'linear', dtype: f64 }), real],
  ] as const
  const check = <P extends TiedAutoencoderParams<5, 3>>(ae: Autoencoder<5, 3, P>, x: Tensor<[6, 5]>) => {
    const p = randomize(ae.init(key(4)), 5)
    const report = gradCheck((q: P) => valueAndGrad(ae, ae.loss)(q, x, x), p)
    expect(report.tensors.map((t) => t.path)).toEqual('wStar' in p ? ['w', 'b', 'c', 'wStar'] : ['w', 'b', 'c'])
    expect(report.maxRelError).toBeLessThan(1e-6)
    expect(checkLayer(ae, key(6), 4, 5).maxRelError).toBeLessThan(1e-6)
  }
  for (const [label, ae, x] of cases) it(label, () => check(ae as Autoencoder<5, 3, TiedAutoencoderParams<5, 3>>, x))
  it('the tied gradient for W sums its encoder and decoder uses', () => {
    const tied = autoencoder(5, 3, { dtype: f64 }), untied = autoencoder(5, 3, { tied: false, dtype: f64 })
    const p = randomize(tied.init(key(7)), 8)
    const [, gt] = valueAndGrad(tied, binaryCrossEntropy)(p, binary, binary)
    const [, gu] = valueAndGrad(untied, binaryCrossEntropy)({ ...p, wStar: transpose(p.w) }, binary, binary)
    const sum = Array.from(gu.w.data, (v, i) => v + transpose(gu.wStar).data[i]!)
    expect(maxAbsDiff(gt.w.data, sum)).toBeLessThan(1e-14)
    expect(maxAbsDiff(gt.b.data, gu.b.data)).toBeLessThan(1e-14)
    expect(maxAbsDiff(gt.c.data, gu.c.data)).toBeLessThan(1e-14)
  })
})

describe('autoencoder: the same network as its layers, dense(I, H) → sigmoid → dense(H, I)', () => {
  // The oracle: the pipe of the layers, with the decoder on W* (untied) or Wᵀ (tied); `apply` gives
  // the pipe's output (the pre-activation â) and `decode` adds the output non-linearity.
  const net = pipe(dense(5, 3), andThen(sigmoid), andThen(dense(3, 5)))
  const x = normal(key(15), [6, 5], 0, 1, f64) as Tensor<[6, 5]>
  const dy = normal(key(16), [6, 5], 0, 1, f64) as Tensor<[6, 5]>
  for (const output of ['sigmoid', 'linear'] as const) {
    const o = output === 'sigmoid' ? sigmoid : linear
    it(`untied, ${output}: â, x̂, every gradient and dx are the pipe's, bit for bit`, () => {
      const ae = autoencoder(5, 3, { tied: false, output, dtype: f64 })
      const p = randomize(ae.init(key(17)), 18)
      const [y, back] = net.apply([{ w: p.w, b: p.b }, {}, { w: p.wStar, b: p.c }], x)
      const [a, aeBack] = ae.apply(p, x)
      expect(a.data).toEqual(y.data)
      expect(ae.decode(p, ae.encode(p, x)).data).toEqual(o.apply({}, y)[0].data)
      const [[dEnc, , dDec], dx] = back(dy)
      const [dp, dxAe] = aeBack(dy)
      expect([dp.w.data, dp.b.data, dp.wStar.data, dp.c.data, dxAe.data]).toEqual([dEnc.w.data, dEnc.b.data, dDec.w.data, dDec.b.data, dx.data])
    })
    it(`tied, ${output}: â, x̂ and dx are the pipe's on W and Wᵀ, and ∂W is its ∂W₁ + (∂W₂)ᵀ`, () => {
      const ae = autoencoder(5, 3, { output, dtype: f64 })
      const p = randomize(ae.init(key(19)), 20)
      const [y, back] = net.apply([{ w: p.w, b: p.b }, {}, { w: transpose(p.w), b: p.c }], x)
      const [a, aeBack] = ae.apply(p, x)
      expect(maxAbsDiff(a.data, y.data)).toBeLessThan(1e-14)
      expect(maxAbsDiff(ae.decode(p, ae.encode(p, x)).data, o.apply({}, y)[0].data)).toBeLessThan(1e-14)
      const [[dEnc, , dDec], dx] = back(dy)
      const [dp, dxAe] = aeBack(dy)
      expect(maxAbsDiff(dp.w.data, add(dEnc.w, transpose(dDec.w)).data)).toBeLessThan(1e-14)
      expect(maxAbsDiff(dp.b.data, dEnc.b.data)).toBeLessThan(1e-14)
      expect(maxAbsDiff(dp.c.data, dDec.b.data)).toBeLessThan(1e-14)
      expect(maxAbsDiff(dxAe.data, dx.data)).toBeLessThan(1e-14)
    })
  }
})

describe('autoencoder: denoising', () => {
  const ae = autoencoder(5, 3, { corruption: { kind: 'masking', p: 0.5 }, dtype: f64 })
  const p = randomize(ae.init(key(9)), 10)
  const ctx = { training: true, key: key(11) }
  it('reconstructs x ⊙ m with m from ctx.key in training mode, and the loss compares with the clean x', () => {
    const m = dropoutMask(key(11), [6, 5], 0.5, f64)
    const corrupted = mul(binary, m)
    expect(maxAbsDiff(ae.apply(p, binary, ctx)[0].data, ae.apply(p, corrupted)[0].data)).toBe(0)
    const [loss] = valueAndGrad(ae, ae.loss)(p, binary, binary, ctx)
    expect(loss).toBe(binaryCrossEntropy(ae.apply(p, corrupted)[0], binary)[0])
    expect(loss).not.toBe(binaryCrossEntropy(ae.apply(p, corrupted)[0], corrupted)[0])
  })
  it('does not corrupt in eval mode, and passes gradCheck with a fixed corruption (same key)', () => {
    const clean = autoencoder(5, 3, { dtype: f64 })
    expect(ae.apply(p, binary)[0].data).toEqual(clean.apply(p, binary)[0].data)
    expect(gradCheck((q: typeof p) => valueAndGrad(ae, ae.loss)(q, binary, binary, ctx), p).maxRelError).toBeLessThan(1e-6)
    expect(checkLayer(ae, key(12), 4, 5, ctx).maxRelError).toBeLessThan(1e-6)
  })
  it('needs ctx.key in training mode, and p in [0, 1)', () => {
    expect(() => ae.apply(p, binary, { training: true })).toThrow(ValueError)
    expect(() => ae.apply(p, binary, { training: true })).toThrow('autoencoder(5→3, sigmoid, masking 0.5): denoising in training mode needs ctx.key')
    expect(() => autoencoder(5, 3, { corruption: { kind: 'masking', p: 1 } })).toThrow('autoencoder: corruption.p must be in [0, 1), got 1')
  })
})

describe('autoencoder: training and errors', () => {
  it('plain gradient descent on valueAndGrad(ae, ae.loss) lowers the reconstruction loss', () => {
    const ae = autoencoder(8, 3)
    const data = bernoulli(key(13), [40, 8], 0.3)
    const lossAndGrad = valueAndGrad(ae, ae.loss)
    let p = ae.init(key(14))
    const first = lossAndGrad(p, data, data)[0]
    for (let t = 0; t < 300; t++) {
      const g = lossAndGrad(p, data, data)[1]
      p = zipTree([p, g], ([w, d]) => sub(w!, scale(d!, 0.5)))
    }
    expect(lossAndGrad(p, data, data)[0]).toBeLessThan(0.8 * first)
  })
  it('names the model and both shapes on a wrong width', () => {
    const ae = autoencoder(5, 3)
    const p = ae.init(key(0))
    expect(() => ae.apply(p, uniform(key(0), [2, 4]) as never)).toThrow(ShapeError)
    expect(() => ae.encode(p, uniform(key(0), [2, 4]) as never)).toThrow('autoencoder(5→3, sigmoid): x has shape [2,4] but [B,5] was expected')
    expect(() => ae.decode(p, uniform(key(0), [2, 4]) as never)).toThrow('autoencoder(5→3, sigmoid): h has shape [2,4] but [B,3] was expected')
    expect(() => autoencoder(0, 3)).toThrow('autoencoder: inputs must be a positive integer, got 0')
  })
})
