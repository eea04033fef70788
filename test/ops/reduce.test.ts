import { describe, expect, it } from 'vitest'
import { key, mean, normal, sum, type DType, type Tensor } from '../../src/index.js'

// sum(x, 0) against the plain loop that adds one row at a time into storage of x's dtype: the
// unrolled loop must give the same bits (the same order, rounded after every add).

const rowByRow = (x: Tensor<[number, number]>) => {
  const [r, c] = x.shape
  const o = x.dtype === 'float64' ? new Float64Array(c) : new Float32Array(c)
  for (let i = 0, k = 0; i < r; i++) for (let j = 0; j < c; j++, k++) o[j] = o[j]! + x.data[k]!
  return o
}

describe('sum over rows', () => {
  for (const dtype of ['float32', 'float64'] as DType[])
    it(`equals adding one row at a time, bit for bit, for every row count 0 … 13 (${dtype})`, () => {
      for (let r = 0; r <= 13; r++)
        for (const c of [1, 3, 10, 256]) {
          // Wide range of magnitudes, so float32 rounding after every add shows if an add were skipped.
          const x = normal(key(r * 1000 + c), [r, c], 0, 1e3, dtype) as Tensor<[number, number]>
          for (let i = 0; i < x.data.length; i += 3) x.data[i] = x.data[i]! * 1e-4
          const s = sum(x, 0)
          expect(s.dtype).toBe(dtype)
          expect(Array.from(s.data)).toEqual(Array.from(rowByRow(x)))
        }
    })
  it('gives +0 for −0 rows (0 + −0), as the row loop does', () => {
    const x = { shape: [4, 1] as [number, number], dtype: 'float32' as const, data: Float32Array.from([-0, -0, -0, -0]) }
    expect(Object.is(sum(x, 0).data[0], 0)).toBe(true)
  })
  it('means over rows divide the same sums', () => {
    const x = normal(key(1), [9, 5], 0, 1) as Tensor<[number, number]>
    expect(Array.from(mean(x, 0).data)).toEqual(Array.from(rowByRow(x), (v) => Math.fround(v / 9)))
  })
})
