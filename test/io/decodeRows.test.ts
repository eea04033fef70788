import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeJsonRows, decodeOneHotRows, toRows, ValueError, type DecodeError } from '../../src/index.js'

const left = <A>(r: E.Either<DecodeError, A>): string => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left.message
}
const opts = { width: 2, numClasses: 3 } as const

describe('decodeJsonRows', () => {
  it('decodes good rows into float32 features and int labels', () => {
    const r = decodeJsonRows([{ features: [0.5, 1], label: 2 }, { features: [-1, 1e-3], label: 0 }], opts)
    if (E.isLeft(r)) throw new Error(r.left.message)
    expect(toRows(r.right.x)).toEqual([[0.5, 1], [-1, Math.fround(1e-3)]])
    expect(r.right.x.dtype).toBe('float32')
    expect(Array.from(r.right.y.data)).toEqual([2, 0])
    expect(r.right.y.shape).toEqual([2])
  })
  it('accepts JSON text, float64, and an empty array', () => {
    const r = decodeJsonRows('[{"features":[0.1,2],"label":1}]', { ...opts, dtype: 'float64' })
    expect(E.isRight(r) && r.right.x.data[0]).toBe(0.1)
    const e = decodeJsonRows([], opts)
    expect(E.isRight(e) && e.right.x.shape).toEqual([0, 2])
  })
  it('names the row, the field and the bad value', () => {
    const good = { features: [1, 2], label: 0 }
    expect(left(decodeJsonRows([good, good, good, good, { features: [1, 2, 3], label: 0 }], opts))).toBe('decodeJsonRows: row 5 has 3 features but 2 were expected')
    expect(left(decodeJsonRows([good, { features: [1, 2], label: 7 }], opts))).toBe('decodeJsonRows: row 2: label 7 is outside [0, 3)')
    expect(left(decodeJsonRows([good, { features: [1, 2], label: 1.5 }], opts))).toBe('decodeJsonRows: row 2: label 1.5 is not an integer')
    expect(left(decodeJsonRows([good, good, { features: [1, 'abc'], label: 0 }], opts))).toBe("decodeJsonRows: row 3, features[1]: 'abc' is not a number")
    expect(left(decodeJsonRows([{ features: [NaN, 1], label: 0 }], opts))).toBe('decodeJsonRows: row 1, features[0]: NaN is not a finite number')
    expect(left(decodeJsonRows([{ features: [null, 1], label: 0 }], opts))).toBe('decodeJsonRows: row 1, features[0]: null is not a number')
    expect(left(decodeJsonRows([{ features: [1e300, 1], label: 0 }], opts))).toBe('decodeJsonRows: row 1, features[0]: 1e+300 is too large for float32')
    expect(left(decodeJsonRows([{ label: 0 }], opts))).toBe('decodeJsonRows: row 1, features: undefined is not an array')
    expect(left(decodeJsonRows([{ features: [1, 2], label: '1' }], opts))).toBe("decodeJsonRows: row 1: label '1' is not a number")
    expect(left(decodeJsonRows([good, 5], opts))).toBe('decodeJsonRows: row 2: 5 is not an object { features, label }')
    expect(left(decodeJsonRows({ rows: [] }, opts))).toBe('decodeJsonRows: the input is not an array of rows (got {"rows":[]})')
    expect(left(decodeJsonRows('[{"features":[1,2],', opts))).toMatch(/^decodeJsonRows: the text is not valid JSON \(/)
  })
  it('lists every bad row, the first being the message', () => {
    const r = decodeJsonRows([{ features: [1], label: 0 }, { features: [1, 2], label: 0 }, { features: [1, 2], label: -1 }], opts)
    expect(E.isLeft(r) && r.left.errors).toEqual(['decodeJsonRows: row 1 has 1 features but 2 were expected', 'decodeJsonRows: row 3: label -1 is outside [0, 3)'])
  })
  it('throws for invalid options (a programming error)', () => {
    expect(() => decodeJsonRows([], { width: 2, numClasses: 0 })).toThrow(new ValueError('decodeJsonRows', 'numClasses must be a positive integer, got 0'))
  })
})

describe('decodeOneHotRows', () => {
  const o = { width: 2, numClasses: 3 } as const
  it('turns one-hot outputs into labels', () => {
    const r = decodeOneHotRows([{ input: [0, 1], output: [0, 0, 1] }, { input: [1, 0], output: [1, 0, 0] }], o)
    expect(E.isRight(r) && Array.from(r.right.y.data)).toEqual([2, 0])
  })
  it('rejects outputs that are not one-hot, and short inputs', () => {
    expect(left(decodeOneHotRows([{ input: [0, 1], output: [0, 1, 1] }], o))).toBe('decodeOneHotRows: row 1, output: [0,1,1] is not one-hot (entry 2 is 1)')
    expect(left(decodeOneHotRows([{ input: [0, 1], output: [0, 0, 0] }], o))).toBe('decodeOneHotRows: row 1, output: [0,0,0] is not one-hot (no entry is 1)')
    expect(left(decodeOneHotRows([{ input: [0, 1], output: [0, 1] }], o))).toBe('decodeOneHotRows: row 1, output: has 2 entries but 3 classes were expected')
    expect(left(decodeOneHotRows([{ input: [0], output: [0, 1, 0] }], o))).toBe('decodeOneHotRows: row 1 has 1 inputs but 2 were expected')
  })
})
