import { describe, expect, it } from 'vitest'
import { key, labels, normal, softmaxCrossEntropy, tensor, ValueError, type DType, type Tensor } from '../../src/index.js'

// The one-sweep softmax cross-entropy against the formula computed in passes (softmax into storage
// of the logits' dtype, log Σ exp per row, − 1 at the label, / B), bit for bit.

const reference = (a: Tensor<[number, number]>, y: readonly number[]) => {
  const [b, c] = a.shape
  const f = a.dtype === 'float64' ? new Float64Array(b * c) : new Float32Array(b * c)
  const lse: number[] = []
  for (let r = 0; r < b; r++) {
    let m = -Infinity
    for (let j = 0; j < c; j++) m = Math.max(m, a.data[r * c + j]!)
    let s = 0
    for (let j = 0; j < c; j++) {
      const e = Math.exp(a.data[r * c + j]! - m)
      f[r * c + j] = e
      s += e
    }
    for (let j = 0; j < c; j++) f[r * c + j] = f[r * c + j]! / s
    lse.push(Math.log(s) + m)
  }
  let loss = 0
  for (let r = 0; r < b; r++) {
    loss += lse[r]! - a.data[r * c + y[r]!]!
    f[r * c + y[r]!] = f[r * c + y[r]!]! - 1
  }
  for (let i = 0; i < f.length; i++) f[i] = f[i]! / b
  return [loss / b, Array.from(f)] as const
}

describe('softmaxCrossEntropy in one sweep', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals the pass-by-pass formula bit for bit (${dtype})`, () => {
      for (const [b, c] of [[1, 1], [1, 2], [3, 10], [128, 10], [7, 33]] as const) {
        const a = normal(key(b * 100 + c), [b, c], 0, 4, dtype) as Tensor<[number, number]>
        const y = Array.from({ length: b }, (_, i) => (i * 7 + 3) % c)
        const [loss, g] = softmaxCrossEntropy(a, labels(y, c))
        const [refLoss, refG] = reference(a, y)
        expect(loss).toBe(refLoss)
        expect(g.dtype).toBe(dtype)
        expect(Array.from(g.data)).toEqual(refG)
      }
    })
  it('has rows of the gradient that sum to 0 and a loss of log C for equal logits', () => {
    const [loss, g] = softmaxCrossEntropy(tensor([2, 4], [1, 1, 1, 1, -3, -3, -3, -3], 'float64'), labels([0, 3], 4))
    expect(loss).toBeCloseTo(Math.log(4), 14)
    expect(Array.from(g.data)).toEqual([-0.375, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375])
  })
  it('leaves the logits untouched', () => {
    const a = normal(key(4), [5, 3], 0, 1)
    const before = Array.from(a.data)
    softmaxCrossEntropy(a, labels([0, 1, 2, 0, 1], 3))
    expect(Array.from(a.data)).toEqual(before)
  })
  it('names a non-finite logit before a bad label in an earlier row', () => {
    const bad = { shape: [2] as [2], numClasses: 2 as const, data: Int32Array.from([5, 0]) }
    expect(() => softmaxCrossEntropy(tensor([2, 2], [0, 0, Infinity, 0]), bad)).toThrow('softmaxCrossEntropy: logits has Infinity at flat index 2')
    expect(() => softmaxCrossEntropy(tensor([2, 2], [0, 0, 1, 0]), bad)).toThrow(ValueError)
    expect(() => softmaxCrossEntropy(tensor([2, 2], [0, 0, 1, 0]), bad)).toThrow('softmaxCrossEntropy: label 0 is 5 but logits has 2 classes')
  })
})
