import { describe, expect, it } from 'vitest'
import { pipe } from 'fp-ts/lib/function.js'
import { andThen, dense, key, matmulNT, normal, relu, softmaxCrossEntropy, labels, valueAndGrad, isTensor } from '../../src/index.js'
import { lazyTensor } from '../../src/internal/lazyTensor.js'
import { maxAbsDiff } from '../util/checkLayer.js'

describe('lazyTensor', () => {
  it('computes its data once, on first read, and is a tensor', () => {
    let calls = 0
    const t = lazyTensor([2], 'float32', () => (calls++, Float32Array.of(1, 2)))
    expect(calls).toBe(0)
    expect(isTensor(t)).toBe(true)
    expect(Array.from(t.data)).toEqual([1, 2])
    expect(t.data).toBe(t.data)
    expect(calls).toBe(1)
  })
})

describe('dense backward with a lazy dx', () => {
  for (const dtype of ['float32', 'float64'] as const)
    it(`dx equals dy·Wᵀ when read (${dtype}, awkward sizes)`, () => {
      const l = dense(13, 7, { dtype })
      const p = l.init(key(3))
      const x = normal(key(4), [5, 13], 0, 1, dtype)
      const dy = normal(key(5), [5, 7], 0, 1, dtype)
      const [, dx] = l.apply(p, x)[1](dy)
      expect(dx.shape).toEqual([5, 13])
      expect(dx.dtype).toBe(dtype)
      expect(maxAbsDiff(dx.data, matmulNT(dy, p.w).data)).toBe(0)
    })
  it('gives the same gradients through a network whether or not the first dx is read', () => {
    const net = pipe(dense(9, 6), andThen(relu), andThen(dense(6, 3)))
    const p = net.init(key(1))
    const x = normal(key(2), [4, 9])
    const y = labels([0, 2, 1, 1], 3)
    const [, grads] = valueAndGrad(net, softmaxCrossEntropy)(p, x, y)
    const [yHat, back] = net.apply(p, x)
    const [g2, dx] = back(softmaxCrossEntropy(yHat, y)[1])
    expect(dx.data.length).toBe(4 * 9)
    expect(g2).toEqual(grads)
  })
})
