import { describe, expect, it } from 'vitest'
import { addBias, key, matmul, normal, ShapeError, split, tensor, toRows, zeros, type DType } from '../../src/index.js'
import { affine } from '../../src/ops/affine.js'
import { maxAbsDiff } from '../util/checkLayer.js'

describe('affine (fused x·w + b)', () => {
  it('computes x·w + b by hand', () => {
    const y = affine(tensor([1, 2], [1, 1]), tensor([2, 2], [1, 2, 3, 4]), tensor([2], [0.5, -1]))
    expect(toRows(y)).toEqual([[4.5, 5]])
  })
  // Awkward sizes: 1, primes, and widths around the kernel's 4×8 tiles and 256-wide K blocks.
  const sizes: readonly (readonly [number, number, number])[] = [
    [1, 1, 1], [3, 5, 7], [4, 8, 8], [5, 9, 13], [17, 257, 33], [128, 784, 10], [2, 3, 300],
  ]
  const dtypes: readonly (readonly [DType, DType, DType])[] = [
    ['float32', 'float32', 'float32'], ['float64', 'float64', 'float64'], ['float32', 'float32', 'float64'], ['float64', 'float32', 'float32'],
    ['float64', 'float64', 'float32'], ['float32', 'float64', 'float64'],
  ]
  for (const [b, i, o] of sizes)
    for (const [dx, dw, db] of dtypes)
      it(`equals addBias(matmul(x, w), b) for [${b},${i}]·[${i},${o}] (${dx}, ${dw}, ${db})`, () => {
        const [k1, k2, k3] = split(key(b * 1000 + i * 10 + o), 3)
        const x = normal(k1!, [b, i], 0, 1, dx)
        const w = normal(k2!, [i, o], 0, 1, dw)
        const bias = normal(k3!, [o], 0, 1, db)
        const got = affine(x, w, bias)
        const want = addBias(matmul(x, w), bias)
        expect(got.shape).toEqual([b, o])
        expect(got.dtype).toBe(want.dtype)
        expect(got.data.constructor).toBe(want.data.constructor)
        expect(maxAbsDiff(got.data, want.data)).toBe(0)
      })
  it('does not write into its inputs', () => {
    const x = tensor([2, 2], [1, 2, 3, 4]), w = tensor([2, 2], [1, 0, 0, 1]), b = tensor([2], [1, 1])
    affine(x, w, b)
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4])
    expect(Array.from(b.data)).toEqual([1, 1])
  })
  it('names the op and both shapes when the bias does not fit', () => {
    expect(() => affine(zeros([2, 3]), zeros([3, 4]), zeros([5]) as never)).toThrow(ShapeError)
    expect(() => affine(zeros([2, 3]), zeros([3, 4]), zeros([5]) as never)).toThrow('affine: w has shape [3,4] but b has shape [5]')
  })
})
