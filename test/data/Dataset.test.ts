import { describe, expect, it } from 'vitest'
import { dataset, labels, regressionSet, ShapeError, size, take, tensor, toRows, ValueError } from '../../src/index.js'

const d = dataset(tensor([4, 2], [0, 1, 10, 11, 20, 21, 30, 31]), labels([0, 1, 2, 0], 3))

describe('dataset / regressionSet', () => {
  it('pairs features and labels with the same row count', () => {
    expect(size(d)).toBe(4)
    expect(() => dataset(tensor([2, 1], [1, 2]), labels([0, 1, 1], 2) as never)).toThrow(
      new ShapeError('dataset', 'x has shape [2,1] but y has shape [3] (row counts differ)'),
    )
    expect(() => regressionSet(tensor([2, 1], [1, 2]), tensor([1, 2], [1, 2]) as never)).toThrow('regressionSet: x has shape [2,1] but y has shape [1,2]')
  })
})

describe('take', () => {
  it('gathers rows of x and y in the given order, with repeats', () => {
    const t = take(d, Int32Array.of(3, 0, 3))
    expect(toRows(t.x)).toEqual([[30, 31], [0, 1], [30, 31]])
    expect(Array.from(t.y.data)).toEqual([0, 0, 0])
    expect(t.y.shape).toEqual([3])
    expect(t.x.dtype).toBe('float32')
  })
  it('gathers the target rows of a regression set and keeps dtypes', () => {
    const r = regressionSet(tensor([3, 1], [1, 2, 3], 'float64'), tensor([3, 2], [1, -1, 2, -2, 3, -3]))
    const t = take(r, Int32Array.of(2, 1))
    expect(toRows(t.y)).toEqual([[3, -3], [2, -2]])
    expect(t.x.dtype).toBe('float64')
    expect(t.y.dtype).toBe('float32')
  })
  it('leaves its input untouched and shares no storage with it', () => {
    const t = take(d, Int32Array.of(0))
    ;(t.x.data as Float32Array)[0] = 99
    expect(d.x.data[0]).toBe(0)
  })
  it('rejects an index outside [0, N)', () => {
    expect(() => take(d, Int32Array.of(1, 4))).toThrow(new ValueError('take', 'index 4 at position 1 is outside [0, 4)'))
    expect(() => take(d, Int32Array.of(-1))).toThrow('take: index -1 at position 0 is outside [0, 4)')
  })
  it('takes nothing', () => {
    const t = take(d, new Int32Array(0))
    expect(t.x.shape).toEqual([0, 2])
    expect(size(t)).toBe(0)
  })
})
