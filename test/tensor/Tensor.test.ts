import { describe, expect, it } from 'vitest'
import { assertShape, astype, full, labels, ShapeError, tensor, toRows, ValueError, zeros } from '../../src/index.js'

describe('tensor', () => {
  it('stores row-major values with a literal shape, float32 by default', () => {
    const t = tensor([2, 3], [1, 2, 3, 4, 5, 6])
    expect(t.shape).toEqual([2, 3])
    expect(t.dtype).toBe('float32')
    expect(toRows(t)).toEqual([[1, 2, 3], [4, 5, 6]])
  })
  it('copies its input, so later changes to the source do not leak in', () => {
    const src = [1, 2, 3, 4]
    const t = tensor([4], src)
    src[0] = 99
    expect(t.data[0]).toBe(1)
  })
  it('rejects data of the wrong length, naming both sizes and the shape', () => {
    expect(() => tensor([2, 3], [1, 2, 3])).toThrow(ShapeError)
    expect(() => tensor([2, 3], [1, 2, 3])).toThrow('tensor: values has 3 elements but shape [2,3] needs 6')
    expect(() => zeros([2, -1])).toThrow(/not a non-negative integer/)
  })
  it('converts dtype without touching the source', () => {
    const t = full([2], 0.1)
    const d = astype(t, 'float64')
    expect(d.dtype).toBe('float64')
    expect(d.data[0]).toBeCloseTo(0.1, 7)
    expect(t.dtype).toBe('float32')
  })
  it('assertShape narrows runtime data or names both shapes', () => {
    const t = tensor([2, 2], [1, 2, 3, 4])
    expect(assertShape(t, [2, 2]).shape).toEqual([2, 2])
    expect(() => assertShape(t, [4, 1], 'load', 'x')).toThrow('load: x has shape [2,2] but [4,1] was expected')
  })
})

describe('labels', () => {
  it('checks labels are integers within range', () => {
    expect(Array.from(labels([0, 2, 1], 3).data)).toEqual([0, 2, 1])
    expect(() => labels([0, 3], 3)).toThrow(ValueError)
    expect(() => labels([0, 3], 3)).toThrow('labels: label 1 is 3; labels must be integers in [0, 3)')
    expect(() => labels([0.5], 3)).toThrow(ValueError)
  })
})
