import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCsvRows, decodeJsonRows, decodeOneHotRows, type DecodeError } from '../../src/index.js'

// The bad-input matrix of the decoders: each bad input and the error it must give. Decoder rows
// count from 1 (for CSV: the line of the text), columns are named by the header. A bad input is
// always a Left, never a dataset with some rows missing.

const left = (r: E.Either<DecodeError, unknown>): string => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left.message
}
const csv = (text: string) => decodeCsvRows(text, { label: 'y', numClasses: 3 })
const json = (rows: unknown) => decodeJsonRows(rows, { width: 2, numClasses: 3 })
const oneHot = (rows: unknown) => decodeOneHotRows(rows, { width: 2, numClasses: 3 })

describe('decodeCsvRows: the matrix', () => {
  const cases: [string, string, string][] = [
    ['NaN written out', 'x1,x2,y\n1,NaN,0\n', "row 2, column 'x2': 'NaN' is not a number"],
    ['Infinity written out', 'x1,x2,y\n1,2,0\n1,Infinity,0\n', "row 3, column 'x2': 'Infinity' is not a number"],
    ['a number beyond float64', 'x1,x2,y\n1,1e999,0\n', "row 2, column 'x2': Infinity is not a finite number"],
    ['a number beyond float32', 'x1,x2,y\n1e39,2,0\n', "row 2, column 'x1': 1e+39 is too large for float32"],
    ['an empty feature', 'x1,x2,y\n1,,0\n', "row 2, column 'x2': '' is not a number"],
    ['text in a feature', 'x1,x2,y\nabc,2,0\n', "row 2, column 'x1': 'abc' is not a number"],
    ['a negative label', 'x1,x2,y\n1,2,-1\n', 'row 2: label -1 is outside [0, 3)'],
    ['a label too large', 'x1,x2,y\n1,2,3\n', 'row 2: label 3 is outside [0, 3)'],
    ['a fractional label', 'x1,x2,y\n1,2,1.5\n', 'row 2: label 1.5 is not an integer'],
    ['an empty label', 'x1,x2,y\n1,2,\n', "row 2: label '' is not a number"],
    ['a short row', 'x1,x2,y\n1,2\n', 'row 2 has 2 fields but 3 were expected'],
    ['a long row', 'x1,x2,y\n1,2,0,4\n', 'row 2 has 4 fields but 3 were expected'],
    ['a header only', 'x1,x2,y\n', 'the file has no data rows'],
    ['nothing', '', 'the text has no rows'],
    ['an unclosed quote', 'x1,x2,y\n1,"2,0\n', 'row 2, column \'x2\': the quoted field \'"2,0\\n\' has no closing quote'],
  ]
  for (const [name, text, message] of cases) it(name, () => expect(left(csv(text))).toBe(`decodeCsvRows: ${message}`))
})

describe('decodeJsonRows and decodeOneHotRows: the matrix', () => {
  const cases: [string, () => E.Either<DecodeError, unknown>, string][] = [
    ['an infinite feature', () => json([{ features: [1, Infinity], label: 0 }]), 'decodeJsonRows: row 1, features[1]: Infinity is not a finite number'],
    ['a NaN feature', () => json([{ features: [1, 2], label: 0 }, { features: [NaN, 2], label: 0 }]), 'decodeJsonRows: row 2, features[0]: NaN is not a finite number'],
    ['a string feature', () => json([{ features: ['1', 2], label: 0 }]), "decodeJsonRows: row 1, features[0]: '1' is not a number"],
    ['a negative fractional label', () => json([{ features: [1, 2], label: -0.5 }]), 'decodeJsonRows: row 1: label -0.5 is not an integer'],
    ['a NaN label', () => json([{ features: [1, 2], label: NaN }]), 'decodeJsonRows: row 1: label NaN is not a number'],
    ['a missing label', () => json([{ features: [1, 2] }]), 'decodeJsonRows: row 1: label undefined is not a number'],
    ['too few features', () => json([{ features: [1], label: 0 }]), 'decodeJsonRows: row 1 has 1 features but 2 were expected'],
    ['not an array', () => json(null), 'decodeJsonRows: the input is not an array of rows (got null)'],
    ['empty text', () => json(''), 'decodeJsonRows: the text is not valid JSON (Unexpected end of JSON input)'],
    ['a NaN input', () => oneHot([{ input: [1, NaN], output: [1, 0, 0] }]), 'decodeOneHotRows: row 1, input[1]: NaN is not a finite number'],
    ['a soft output', () => oneHot([{ input: [1, 2], output: [0.5, 0.5, 0] }]), 'decodeOneHotRows: row 1, output: [0.5,0.5,0] is not one-hot (entry 0 is 0.5)'],
    ['two ones', () => oneHot([{ input: [1, 2], output: [1, 1, 0] }]), 'decodeOneHotRows: row 1, output: [1,1,0] is not one-hot (entry 1 is 1)'],
    ['a missing output', () => oneHot([{ input: [1, 2] }]), 'decodeOneHotRows: row 1, output: undefined is not an array'],
  ]
  for (const [name, run, message] of cases) it(name, () => expect(left(run())).toBe(message))
})

// -------------------------------------------------------------------------------------------------
// random bad values

const badFeature = fc.constantFrom('NaN', 'Infinity', '-Infinity', '', 'abc', '1e999', '0x10', '1.2.3', '--1')
const badLabel = fc.constantFrom('-1', '3', '7', '0.5', '1e-3', 'a', '', 'NaN')
const table = fc.record({ n: fc.integer({ min: 1, max: 6 }), d: fc.integer({ min: 1, max: 4 }), at: fc.nat(), seed: fc.nat() })

describe('decoders: random bad values give a Left naming the row and column', () => {
  it('CSV: a bad feature', () => {
    fc.assert(
      fc.property(table, badFeature, ({ n, d, at, seed }, bad) => {
        const cells = Array.from({ length: n }, (_, i) => Array.from({ length: d }, (_, j) => String(((seed + i * d + j) % 17) / 4)))
        const [r, c] = [at % n, Math.floor(at / n) % d]
        cells[r]![c] = bad
        const text = `${Array.from({ length: d }, (_, j) => `x${j}`).join(',')},y\n${cells.map((row, i) => `${row.join(',')},${i % 3}`).join('\n')}\n`
        const m = left(csv(text))
        expect(m.startsWith(`decodeCsvRows: row ${r + 2}, column 'x${c}': `)).toBe(true)
      }),
    )
  })
  it('CSV: a bad label', () => {
    fc.assert(
      fc.property(table, badLabel, ({ n, d, at }, bad) => {
        const rows = Array.from({ length: n }, (_, i) => [...Array.from({ length: d }, () => '0.5'), String(i % 3)])
        const r = at % n
        rows[r]![d] = bad
        const text = `${Array.from({ length: d }, (_, j) => `x${j}`).join(',')},y\n${rows.map((row) => row.join(',')).join('\n')}\n`
        expect(left(csv(text)).startsWith(`decodeCsvRows: row ${r + 2}: label `)).toBe(true)
      }),
    )
  })
  it('CSV: mismatched field counts', () => {
    fc.assert(
      fc.property(table, fc.boolean(), ({ n, d, at }, more) => {
        const rows = Array.from({ length: n }, (_, i) => [...Array.from({ length: d }, () => '1'), String(i % 3)])
        const r = at % n
        if (more) rows[r]!.push('1')
        else rows[r]!.shift()
        const text = `${Array.from({ length: d }, (_, j) => `x${j}`).join(',')},y\n${rows.map((row) => row.join(',')).join('\n')}\n`
        expect(left(csv(text))).toBe(`decodeCsvRows: row ${r + 2} has ${d + (more ? 2 : 0)} fields but ${d + 1} were expected`)
      }),
    )
  })
  it('JSON: bad features and labels, every bad row listed', () => {
    const badValue = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, '1', null, undefined, {}, [], 1e300)
    const badLabelValue = fc.constantFrom<unknown>(-1, 3, 0.5, NaN, '0', null, Infinity)
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.uniqueArray(fc.nat(29), { minLength: 1, maxLength: 25 }), badValue, badLabelValue, fc.boolean(), (n, at, v, l, inLabel) => {
        const rows: { features: unknown[]; label: unknown }[] = Array.from({ length: n }, (_, i) => ({ features: [i, -i], label: i % 3 }))
        const bad = [...new Set(at.map((k) => k % n))].sort((a, b) => a - b)
        for (const r of bad) if (inLabel) rows[r]!.label = l
        else rows[r]!.features[r % 2] = v
        const r = json(rows)
        if (E.isRight(r)) throw new Error('expected a Left')
        expect(r.left.errors.length).toBe(Math.min(bad.length, 20))
        r.left.errors.forEach((m, k) => expect(m.startsWith(`decodeJsonRows: row ${bad[k]! + 1}${inLabel ? ': label ' : `, features[${bad[k]! % 2}]: `}`)).toBe(true))
      }),
    )
  })
  it('one-hot: an output that is not one-hot', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), fc.array(fc.constantFrom<unknown>(0, 1, 0.5, -1, NaN, '1', null), { minLength: 3, maxLength: 3 }), (n, at, output) => {
        fc.pre(!(output.filter((v) => v === 1).length === 1 && output.every((v) => v === 0 || v === 1)))
        const rows = Array.from({ length: n }, (_, i) => ({ input: [0, 1], output: [0, 1, 2].map((k) => (k === i % 3 ? 1 : 0)) as unknown[] }))
        const r = at % n
        rows[r]!.output = output
        expect(left(oneHot(rows)).startsWith(`decodeOneHotRows: row ${r + 1}, output: `)).toBe(true)
      }),
    )
  })
})
