import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCsvRows, toRows, type DecodeError } from '../../src/index.js'

const left = <A>(r: E.Either<DecodeError, A>): string => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left.message
}

describe('decodeCsvRows', () => {
  it('decodes a file with a header, the label chosen by name', () => {
    const r = decodeCsvRows('x1,y,x2\n0.5,1,2\r\n\n-1e-2,0,3\n', { label: 'y', numClasses: 2, width: 2 })
    if (E.isLeft(r)) throw new Error(r.left.message)
    expect(toRows(r.right.x)).toEqual([[0.5, 2], [Math.fround(-0.01), 3]])
    expect(Array.from(r.right.y.data)).toEqual([1, 0])
  })
  it('decodes a headerless file, the label chosen by index (negative from the end)', () => {
    const r = decodeCsvRows('1;2;0\n3;4;2', { label: -1, numClasses: 3, header: false, delimiter: ';', dtype: 'float64' })
    if (E.isLeft(r)) throw new Error(r.left.message)
    expect(toRows(r.right.x)).toEqual([[1, 2], [3, 4]])
    expect(Array.from(r.right.y.data)).toEqual([0, 2])
    expect(E.isRight(decodeCsvRows('"a","b"\n"1","0"', { label: 'b', numClasses: 1 }))).toBe(true)
  })
  const csv = 'x1,x2,y\n1,2,0\nabc,2,0\n1,abc,0\n1,2\n'
  it('names the line, the column and the value', () => {
    const o = { label: 'y', numClasses: 3 } as const
    expect(left(decodeCsvRows('x1,x2,y\n1,2,0\n1,abc,0\n', o))).toBe("decodeCsvRows: row 3, column 'x2': 'abc' is not a number")
    expect(left(decodeCsvRows('x1,x2,x3,y\n1,2,3,0\n1,2,3,0\n\n1,2,0\n', o))).toBe('decodeCsvRows: row 5 has 3 fields but 4 were expected')
    expect(left(decodeCsvRows('x1,x2,y\n1,2,7\n', o))).toBe('decodeCsvRows: row 2: label 7 is outside [0, 3)')
    expect(left(decodeCsvRows('x1,x2,y\n1,2,1.5\n', o))).toBe('decodeCsvRows: row 2: label 1.5 is not an integer')
    expect(left(decodeCsvRows('x1,x2,y\n1,,1\n', o))).toBe("decodeCsvRows: row 2, column 'x2': '' is not a number")
    expect(left(decodeCsvRows('x1,x2,y\nNaN,1,1\n', o))).toBe("decodeCsvRows: row 2, column 'x1': 'NaN' is not a number")
    expect(left(decodeCsvRows('x1,x2,y\n0x10,1,1\n', o))).toBe("decodeCsvRows: row 2, column 'x1': '0x10' is not a number")
    expect(left(decodeCsvRows('x1,x2,y\n1e999,1,1\n', o))).toBe('decodeCsvRows: row 2, column \'x1\': Infinity is not a finite number')
    expect(left(decodeCsvRows('x1,x2,y\n1,2,\n', o))).toBe("decodeCsvRows: row 2: label '' is not a number")
    expect(left(decodeCsvRows('1,abc,0\n', { label: 2, numClasses: 3, header: false }))).toBe("decodeCsvRows: row 1, column 1: 'abc' is not a number")
  })
  it('lists every bad row', () => {
    const r = decodeCsvRows(csv, { label: 'y', numClasses: 3 })
    expect(E.isLeft(r) && r.left.errors).toEqual([
      "decodeCsvRows: row 3, column 'x1': 'abc' is not a number",
      "decodeCsvRows: row 4, column 'x2': 'abc' is not a number",
      'decodeCsvRows: row 5 has 2 fields but 3 were expected',
    ])
  })
  it('rejects files that would give a silently wrong dataset', () => {
    expect(left(decodeCsvRows('1,2,0\n3,4,1\n', { label: 2, numClasses: 2 }))).toBe(
      "decodeCsvRows: line 1 looks like data ('1,2,0'), not a header; pass header: false",
    )
    expect(left(decodeCsvRows('a,b\n1,0\n', { label: 'y', numClasses: 2 }))).toBe("decodeCsvRows: the header has no column 'y' (columns: 'a', 'b')")
    expect(left(decodeCsvRows('y,y\n1,0\n', { label: 'y', numClasses: 2 }))).toBe("decodeCsvRows: the header has two columns named 'y'")
    expect(left(decodeCsvRows('1,0\n', { label: 5, numClasses: 2, header: false }))).toBe('decodeCsvRows: label column 5 is outside the 2 columns of the file')
    expect(left(decodeCsvRows('a,b,y\n1,2,0\n', { label: 'y', numClasses: 2, width: 3 }))).toBe('decodeCsvRows: the file has 2 feature columns but width 3 was expected')
    expect(left(decodeCsvRows('a,y\n', { label: 'y', numClasses: 2 }))).toBe('decodeCsvRows: the file has no data rows')
    expect(left(decodeCsvRows('  \n', { label: 'y', numClasses: 2 }))).toBe('decodeCsvRows: the text has no rows')
  })
})
