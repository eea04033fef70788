import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  ad, adam, andThen, dense, evaluate, fit, gradCheck, key, labelLoss, labels, loss, normal, regressionSet, relu, ShapeError, softmaxCrossEntropy,
  tensor, toArray, uniform, ValueError, type Tensor,
} from '../../src/index.js'
import { blobs } from '../util/blobs.js'
import { maxAbsDiff } from '../util/checkLayer.js'

// Custom losses built from the ops of `ad`: values against the formulas written out, gradients
// against finite differences, and both kinds usable where the built-in losses are.

/** Huber (δ) per entry, summed over the outputs, averaged over the batch: ½q² + δ(|r| − q), q = min(|r|, δ). */
const huber = (delta: number) =>
  loss({
    name: 'huber',
    forward: (yHat, y) => {
      const r = ad.abs(ad.sub(yHat, y))
      const q = ad.sub(r, ad.relu(ad.addScalar(r, -delta)))
      return ad.scale(ad.sumAll(ad.add(ad.scale(ad.square(q), 0.5), ad.scale(ad.sub(r, q), delta))), 1 / yHat.shape[0])
    },
  })
const naiveHuber = (yHat: Tensor, y: Tensor, delta: number) => {
  let s = 0
  for (let i = 0; i < yHat.data.length; i++) {
    const r = Math.abs(yHat.data[i]! - y.data[i]!)
    s += r <= delta ? 0.5 * r * r : delta * (r - 0.5 * delta)
  }
  return s / yHat.shape[0]!
}

/** Mean absolute error between the softmax of the logits and the one-hot labels, summed over classes. */
const softmaxMae = labelLoss({
  name: 'softmaxMae',
  forward: (logits, y) => ad.scale(ad.sumAll(ad.abs(ad.sub(ad.softmax(logits), ad.oneHot(y)))), 1 / logits.shape[0]),
})

/** Cross-entropy written with logSoftmax: must agree with the fused built-in. */
const crossEntropy = labelLoss({
  name: 'crossEntropy',
  forward: (logits, y) => ad.scale(ad.sumAll(ad.mul(ad.logSoftmax(logits), ad.oneHot(y))), -1 / logits.shape[0]),
})

describe('loss: Huber on tensor targets', () => {
  const yHat = normal(key(1), [5, 3], 0, 2, 'float64')
  const y = normal(key(2), [5, 3], 0, 2, 'float64')
  it('computes the Huber loss in both regimes', () => {
    const [value, grad] = huber(1)(yHat, y)
    expect(value).toBeCloseTo(naiveHuber(yHat, y, 1), 12)
    expect(grad.shape).toEqual([5, 3])
    // Both regimes occur in this data.
    const r = toArray(yHat).map((v, i) => Math.abs(v - y.data[i]!))
    expect(r.some((v) => v < 1) && r.some((v) => v > 1)).toBe(true)
    // The gradient is clip(ŷ − y, −δ, δ) / B.
    expect(maxAbsDiff(grad.data, toArray(yHat).map((v, i) => Math.max(-1, Math.min(1, v - y.data[i]!)) / 5))).toBeLessThan(1e-15)
  })
  it('passes gradCheck in float64 (< 1e-6)', () => {
    for (const delta of [0.5, 1, 3]) expect(gradCheck((p: Tensor<[5, 3]>) => huber(delta)(p, y), yHat).maxRelError).toBeLessThan(1e-6)
  })
  it('is named, refuses other shapes and non-finite values like the built-ins', () => {
    const h = huber(1)
    expect(h.name).toBe('huber')
    expect(() => h(yHat, tensor([5, 2], new Array(10).fill(0), 'float64') as never)).toThrow(new ShapeError('huber', 'yHat has shape [5,3] but y has shape [5,2]'))
    expect(() => h(tensor([1, 2], [NaN, 0]), tensor([1, 2], [0, 0]))).toThrow(new ValueError('huber', 'yHat has NaN at flat index 0; a loss needs finite inputs'))
  })
  it('a forward that does not reduce to a scalar is named', () => {
    const perRow = loss({ name: 'perRow', forward: (yHat, y) => ad.sum(ad.sub(yHat, y), 1) as never })
    expect(() => perRow(tensor([2, 1], [1, 2]), tensor([2, 1], [0, 0]))).toThrow('perRow: forward returns shape [2] but a scalar [] was expected (reduce it with ad.meanAll or ad.sumAll)')
  })
  it('trains a regression network with fit: the loss decreases', () => {
    const x = uniform(key(3), [200, 2], -1, 1)
    const target = tensor([200, 1], Array.from({ length: 200 }, (_, i) => 3 * x.data[2 * i]! - 2 * x.data[2 * i + 1]! + 0.5))
    const data = regressionSet(x, target)
    const net = pipe(dense(2, 8), andThen(relu), andThen(dense(8, 1)))
    const state = fit({ net, loss: huber(1), optimizer: adam(0.02), batchSize: 20, epochs: 10, key: key(4) }, data, data)
    const losses = state.history.map((h) => h.trainLoss)
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.2)
  })
})

describe('labelLoss: losses on class labels', () => {
  const logits = normal(key(5), [6, 4], 0, 2, 'float64')
  const y = labels([0, 3, 1, 2, 2, 0], 4)
  it('softmax MAE equals its formula and passes gradCheck', () => {
    const [value] = softmaxMae(logits, y)
    let s = 0
    for (let r = 0; r < 6; r++) {
      const row = Array.from(logits.data.subarray(r * 4, r * 4 + 4)), m = Math.max(...row)
      const e = row.map((v) => Math.exp(v - m)), z = e.reduce((a, b) => a + b)
      e.forEach((v, c) => (s += Math.abs(v / z - (c === y.data[r] ? 1 : 0))))
    }
    expect(value).toBeCloseTo(s / 6, 12)
    expect(gradCheck((p: Tensor<[6, 4]>) => softmaxMae(p, y), logits).maxRelError).toBeLessThan(1e-6)
  })
  it('cross-entropy from logSoftmax equals the fused softmaxCrossEntropy, value and gradient', () => {
    const [v1, g1] = crossEntropy(logits, y)
    const [v2, g2] = softmaxCrossEntropy(logits, y)
    expect(Math.abs(v1 - v2)).toBeLessThan(1e-14)
    expect(maxAbsDiff(g1.data, g2.data)).toBeLessThan(1e-15)
  })
  it('stays finite on a logit of 1000 (log-softmax is shifted by the row maximum)', () => {
    const [v, g] = crossEntropy(tensor([1, 3], [1000, 0, -1000], 'float64'), labels([2], 3))
    expect(v).toBeCloseTo(2000, 9)
    expect(toArray(g).every(Number.isFinite)).toBe(true)
  })
  it('refuses labels of another class count or batch size, naming both', () => {
    expect(() => softmaxMae(logits, labels([0, 1, 2, 0, 1, 2], 3) as never)).toThrow('softmaxMae: labels have 3 classes but logits has shape [6,4] (4 classes)')
    expect(() => softmaxMae(logits, labels([0], 4) as never)).toThrow('softmaxMae: logits has shape [6,4] but labels has shape [1]')
  })
  it('trains a classifier with fit and evaluate scores it', () => {
    const train = blobs(1, 100, 300, 4, 3, 1.5)
    const validation = blobs(1, 101, 120, 4, 3, 1.5)
    const net = pipe(dense(4, 16), andThen(relu), andThen(dense(16, 3)))
    const state = fit({ net, loss: crossEntropy, optimizer: adam(0.01), batchSize: 32, epochs: 6, key: key(3) }, train, validation)
    expect(state.history[5]!.trainLoss).toBeLessThan(state.history[0]!.trainLoss)
    expect(evaluate(net, crossEntropy, state.params, validation).error).toBeLessThan(0.1)
  })
})
