import { describe, expect, it } from 'vitest'
import {
  add, addBias, argmax, div, flatten, key, matmul, matmulNT, matmulTN, mean, mul, normal, reshape, scale, ShapeError, sub, sum,
  tensor, toRows, transpose, zeros,
} from '../../src/index.js'
import { maxAbsDiff } from '../util/checkLayer.js'

const naive = (a: number[][], b: number[][]) => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)))

describe('matmul', () => {
  it('matches the hand-computed product', () => {
    const a = tensor([2, 3], [1, 2, 3, 4, 5, 6])
    const b = tensor([3, 2], [7, 8, 9, 10, 11, 12])
    expect(toRows(matmul(a, b))).toEqual([[58, 64], [139, 154]])
  })
  it('matches a naive product on random float64 data, and the transposed layouts agree', () => {
    const a = normal(key(1), [5, 7], 0, 1, 'float64')
    const b = normal(key(2), [7, 3], 0, 1, 'float64')
    const ref = naive(toRows(a), toRows(b)).flat()
    expect(maxAbsDiff(matmul(a, b).data, ref)).toBeLessThan(1e-12)
    expect(maxAbsDiff(matmulTN(transpose(a), b).data, ref)).toBeLessThan(1e-12)
    expect(maxAbsDiff(matmulNT(a, transpose(b)).data, ref)).toBeLessThan(1e-12)
  })
  it('throws a ShapeError naming both shapes for unequal inner dimensions', () => {
    const a = zeros([2, 3]) as never
    expect(() => matmul(a, zeros([5, 4]))).toThrow('matmul: a has shape [2,3] but b has shape [5,4] (inner dimensions 3 and 5 differ)')
    expect(() => matmulNT(a, zeros([4, 5]) as never)).toThrow(ShapeError)
  })
})

describe('elementwise and reductions', () => {
  const a = tensor([2, 2], [1, 2, 3, 4])
  const b = tensor([2, 2], [4, 3, 2, 1])
  it('computes add, sub, mul, div, scale', () => {
    expect(Array.from(add(a, b).data)).toEqual([5, 5, 5, 5])
    expect(Array.from(sub(a, b).data)).toEqual([-3, -1, 1, 3])
    expect(Array.from(mul(a, b).data)).toEqual([4, 6, 6, 4])
    expect(Array.from(div(a, b).data)).toEqual([0.25, 2 / 3, 1.5, 4].map(Math.fround))
    expect(Array.from(scale(a, 2).data)).toEqual([2, 4, 6, 8])
  })
  it('leaves its inputs untouched', () => {
    add(a, b)
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4])
  })
  it('rejects different shapes at run time', () => {
    expect(() => add(a, zeros([4, 1]) as never)).toThrow('add: a has shape [2,2] but b has shape [4,1]')
  })
  it('adds a bias to every row, and checks its width', () => {
    expect(toRows(addBias(a, tensor([2], [10, 20])))).toEqual([[11, 22], [13, 24]])
    expect(() => addBias(a, zeros([3]) as never)).toThrow('addBias: x has shape [2,2] but bias has shape [3]')
  })
  it('sums and averages over either axis', () => {
    expect(Array.from(sum(a, 0).data)).toEqual([4, 6])
    expect(Array.from(sum(a, 1).data)).toEqual([3, 7])
    expect(Array.from(mean(a, 0).data)).toEqual([2, 3])
    expect(Array.from(mean(a, 1).data)).toEqual([1.5, 3.5])
  })
  it('transposes, argmaxes, reshapes and flattens', () => {
    expect(toRows(transpose(tensor([2, 3], [1, 2, 3, 4, 5, 6])))).toEqual([[1, 4], [2, 5], [3, 6]])
    expect(Array.from(argmax(tensor([2, 3], [0, 5, 1, 9, 2, 3])).data)).toEqual([1, 0])
    expect(reshape(a, [4, 1]).shape).toEqual([4, 1])
    expect(() => reshape(a, [3, 1])).toThrow('reshape: x has shape [2,2] (4 elements) which cannot be viewed as [3,1]')
    expect(flatten(zeros([2, 3, 4])).shape).toEqual([2, 12])
  })
})
