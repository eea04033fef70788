import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCsvRows, toRows, ValueError, type DecodeError, type DType, type NamedDataset } from '../../src/index.js'

const left = <A>(r: E.Either<DecodeError, A>): string => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left.message
}
const right = <A>(r: E.Either<DecodeError, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
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

// -------------------------------------------------------------------------------------------------
// RFC 4180 quoting, line ends and class names (d3-dsv underneath)
// -------------------------------------------------------------------------------------------------

const iris = [
  'sepal length,sepal width,petal length,petal width,species',
  '5.1,3.5,1.4,0.2,setosa',
  '7.0,3.2,4.7,1.4,versicolor',
  '6.3,3.3,6.0,2.5,virginica',
  '4.9,3.0,1.4,0.2,setosa',
  '6.4,3.2,4.5,1.5,versicolor',
  '5.8,2.7,5.1,1.9,virginica',
].join('\n')
const IRIS = ['setosa', 'versicolor', 'virginica'] as const

describe('decodeCsvRows: quoting and line ends', () => {
  it('keeps the delimiter and doubled quotes inside quoted fields, in the header and in the data', () => {
    const text = '"x, first","x ""2""",y\n"1",2,0\n" 3 ","-4.5e1","1"\n'
    const d = right(decodeCsvRows(text, { label: 'y', numClasses: 2, width: 2, dtype: 'float64' }))
    expect(toRows(d.x)).toEqual([[1, 2], [3, -45]])
    expect(Array.from(d.y.data)).toEqual([0, 1])
    // a quoted comma is one field, not two: the row is not ragged, the field is not a number
    expect(left(decodeCsvRows('a,b,y\n1,"2,3",0\n', { label: 'y', numClasses: 2 }))).toBe("decodeCsvRows: row 2, column 'b': '2,3' is not a number")
    expect(left(decodeCsvRows(text + '1,abc,0\n', { label: 'y', numClasses: 2 }))).toBe(`decodeCsvRows: row 4, column 'x "2"': 'abc' is not a number`)
  })
  it('reads CRLF, LF and CR line ends alike and counts their lines once', () => {
    const crlf = 'a,b,y\r\n1,2,0\r\n\r\n3,4,1\r\n'
    const d = right(decodeCsvRows(crlf, { label: 'y', numClasses: 2 }))
    expect(toRows(d.x)).toEqual([[1, 2], [3, 4]])
    expect(right(decodeCsvRows(crlf.replaceAll('\r\n', '\n'), { label: 'y', numClasses: 2 }))).toEqual(d)
    expect(right(decodeCsvRows(crlf.replaceAll('\r\n', '\r'), { label: 'y', numClasses: 2 }))).toEqual(d)
    expect(left(decodeCsvRows('a,b,y\r\n1,2,0\r\n\r\n3,x,1\r\n', { label: 'y', numClasses: 2 }))).toBe("decodeCsvRows: row 4, column 'b': 'x' is not a number")
    expect(left(decodeCsvRows('a,b,y\r1,2,0\r\r3,x,1\r', { label: 'y', numClasses: 2 }))).toBe("decodeCsvRows: row 4, column 'b': 'x' is not a number")
  })
  it('numbers a row by the line it starts on, counting line breaks inside quoted fields', () => {
    const text = 'x1,x2,species\n1,2,"Iris\nsetosa"\n3,bad,"Iris\r\nversicolor"\n\n"4\n",5,"a\n\nb"\n6,7\n'
    const r = decodeCsvRows(text, { label: 'species', classes: 'sorted' })
    expect(E.isLeft(r) && r.left.errors).toEqual([
      "decodeCsvRows: row 4, column 'x2': 'bad' is not a number",
      'decodeCsvRows: row 11 has 2 fields but 3 were expected',
    ])
    const ok = right(decodeCsvRows(text.replace('bad', '8').replace('6,7\n', ''), { label: 'species', classes: 'sorted' }))
    expect(ok.classes).toEqual(['Iris\nsetosa', 'Iris\r\nversicolor', 'a\n\nb'])
    expect(toRows(ok.x)).toEqual([[1, 2], [3, 8], [4, 5]])
    expect(Array.from(ok.y.data)).toEqual([0, 1, 2])
  })
  it('rejects malformed quoting that a lenient reader would turn into other fields', () => {
    const o = { label: 'y', numClasses: 2 } as const
    expect(left(decodeCsvRows('a,b,y\n1,2,0\n1,"2,0\n3,4,1\n', o))).toBe(`decodeCsvRows: row 3, column 'b': the quoted field '"2,0\\n3,4,1\\n' has no closing quote`)
    expect(left(decodeCsvRows('a,b,y\n1,"2"3,0\n', o))).toBe(`decodeCsvRows: row 2, column 'b': '"2"3' has text after the closing quote (expected ',' or the end of the line)`)
    // d3 alone reads `"1";2,0` as the three fields 1, 2, 0: a silently wrong row
    expect(left(decodeCsvRows('a,b,y\n"1";2,0\n', o))).toBe(`decodeCsvRows: row 2, column 'a': '"1";' has text after the closing quote (expected ',' or the end of the line)`)
    expect(left(decodeCsvRows('a,y\n1, "1"\n', o))).toBe(
      `decodeCsvRows: row 2, column 'y': ' "1"' has a quote but is not quoted (quote the whole field, with no space before the opening quote, and double the quotes inside)`,
    )
    expect(left(decodeCsvRows('"a,y\n1,1\n', o))).toBe(`decodeCsvRows: row 1, column 0: the quoted field '"a,y\\n1,1\\n' has no closing quote`)
  })
  it('reads other one-character delimiters and rejects the rest', () => {
    const d = right(decodeCsvRows('a\tb\ty\n1\t"2\t"\t1\n', { label: 'y', numClasses: 2, delimiter: '\t' }))
    expect(toRows(d.x)).toEqual([[1, 2]])
    for (const delimiter of ['', ';;', '"', '\n', '\r'])
      expect(() => decodeCsvRows('a,y\n1,0\n', { label: 'y', numClasses: 2, delimiter })).toThrow(ValueError)
  })
  it('returns Left for empty input, blank lines only, or a header with no data', () => {
    for (const text of ['', '\n', '\r\n\r\n', ' \t \n  '])
      expect(left(decodeCsvRows(text, { label: 'y', numClasses: 2 }))).toBe('decodeCsvRows: the text has no rows')
    expect(left(decodeCsvRows('a,species\r\n\r\n', { label: 'species', classes: 'sorted' }))).toBe('decodeCsvRows: the file has no data rows')
  })
})

describe('decodeCsvRows: class names', () => {
  it('runs the JSDoc example', () => {
    expect(toRows(right(decodeCsvRows('x1,x2,y\n0.5,1,0\n0,2,1\n', { label: 'y', numClasses: 2, width: 2 })).x)).toEqual([[0.5, 1], [0, 2]])
    const iris = 'sepal length,sepal width,species\r\n5.1,3.5,setosa\r\n6.3,3.3,"virginica"\r\n'
    const d = right(decodeCsvRows(iris, { label: 'species', classes: ['setosa', 'versicolor', 'virginica'], width: 2, dtype: 'float64' }))
    expect({ x: toRows(d.x), y: Array.from(d.y.data), classes: d.classes }).toEqual({ x: [[5.1, 3.5], [6.3, 3.3]], y: [0, 2], classes: ['setosa', 'versicolor', 'virginica'] })
  })
  it('maps an iris-like species column to the sorted distinct names', () => {
    const d: NamedDataset<number, 4> = right(decodeCsvRows(iris, { label: 'species', classes: 'sorted', width: 4, dtype: 'float64' }))
    expect(d.x.shape).toEqual([6, 4])
    expect(toRows(d.x)[1]).toEqual([7.0, 3.2, 4.7, 1.4])
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica'])
    expect(Array.from(d.y.data)).toEqual([0, 1, 2, 0, 1, 2])
    expect(Array.from(d.y.data, (k) => d.classes[k])).toEqual(iris.split('\n').slice(1).map((l) => l.split(',')[4]))
  })
  it('sorts by UTF-16 code units, not by locale or by number', () => {
    const d = right(decodeCsvRows('x,c\n1,b\n2,B\n3,9\n4,10\n5,b\n', { label: 'c', classes: 'sorted' }))
    expect(d.classes).toEqual(['10', '9', 'B', 'b'])
    expect(Array.from(d.y.data)).toEqual([3, 2, 1, 0, 3])
  })
  it('follows an explicit class order, which may list classes the file lacks', () => {
    const order = ['virginica', 'versicolor', 'setosa', 'unseen']
    const d = right(decodeCsvRows(iris, { label: -1, classes: order }))
    expect(d.classes).toEqual(order)
    expect(Array.from(d.y.data)).toEqual([2, 1, 0, 2, 1, 0])
    expect(right(decodeCsvRows(iris, { label: 'species', classes: IRIS, numClasses: 3 })).y.data).toEqual(Int32Array.from([0, 1, 2, 0, 1, 2]))
  })
  it('names row, column and value of an unknown or empty class name', () => {
    const bad = iris.replace('6.4,3.2,4.5,1.5,versicolor', '6.4,3.2,4.5,1.5,Versicolour')
    expect(left(decodeCsvRows(bad, { label: 'species', classes: IRIS }))).toBe(
      "decodeCsvRows: row 6, column 'species': 'Versicolour' is not one of the 3 classes 'setosa', 'versicolor', 'virginica'",
    )
    expect(left(decodeCsvRows('x,species\n1,setosa\n2,\n', { label: 'species', classes: 'sorted' }))).toBe(
      "decodeCsvRows: row 3, column 'species': '' is not a class name (the field is empty)",
    )
    expect(left(decodeCsvRows('5.1,3.5,setosa\n4.9,x,setosa\n', { label: 2, classes: IRIS, header: false }))).toBe("decodeCsvRows: row 2, column 1: 'x' is not a number")
  })
  it('checks numClasses against the names found or given', () => {
    expect(left(decodeCsvRows(iris, { label: 'species', classes: 'sorted', numClasses: 4 }))).toBe(
      "decodeCsvRows: the label column 'species' has 3 classes ('setosa', 'versicolor', 'virginica') but numClasses is 4; pass classes: [...] to fix the names and their order",
    )
    expect(right(decodeCsvRows(iris, { label: 'species', classes: 'sorted', numClasses: 3 })).classes).toHaveLength(3)
    expect(() => decodeCsvRows(iris, { label: 'species', classes: IRIS, numClasses: 2 })).toThrow('decodeCsvRows: numClasses is 2 but classes has 3 names')
    expect(() => decodeCsvRows(iris, { label: 'species', classes: ['a', 'a'] })).toThrow("decodeCsvRows: classes lists 'a' twice")
    expect(() => decodeCsvRows(iris, { label: 'species', classes: [' a'] })).toThrow(ValueError)
    expect(() => decodeCsvRows(iris, { label: 'species', classes: [] })).toThrow(ValueError)
  })
  it('rejects a headerless text-labelled file read with header: true', () => {
    expect(left(decodeCsvRows('5.1,3.5,setosa\n4.9,3.0,setosa\n', { label: -1, classes: IRIS }))).toBe(
      "decodeCsvRows: line 1 looks like data ('5.1,3.5,setosa'), not a header; pass header: false",
    )
  })
})

// -------------------------------------------------------------------------------------------------
// property: random tables, written with random quoting and line ends, read back exactly
// -------------------------------------------------------------------------------------------------

const NAMES = ['setosa', 'Iris, versicolor', 'say "hi"', 'two\nlines', 'cr\r\nlf', '9', '10'] as const
const field = (v: string, quote: boolean): string => (quote || /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)
const number = (v: number): string => (Object.is(v, -0) ? '-0' : String(v))
const linesBefore = (text: string, at: number): number => text.slice(0, at).match(/\r\n|\r|\n/g)?.length ?? 0

const table = fc
  .record({ width: fc.integer({ min: 1, max: 5 }), dtype: fc.constantFrom<DType>('float32', 'float64') })
  .chain(({ width, dtype }) =>
    fc.record({
      width: fc.constant(width),
      dtype: fc.constant(dtype),
      labelAt: fc.integer({ min: 0, max: width }),
      named: fc.boolean(),
      headerQuotes: fc.array(fc.boolean(), { minLength: width + 1, maxLength: width + 1 }),
      trailing: fc.boolean(),
      rows: fc.array(
        fc.record({
          xs: fc.array(dtype === 'float32' ? fc.float({ noNaN: true, noDefaultInfinity: true }) : fc.double({ noNaN: true, noDefaultInfinity: true }), {
            minLength: width,
            maxLength: width,
          }),
          cls: fc.integer({ min: 0, max: NAMES.length - 1 }),
          quotes: fc.array(fc.boolean(), { minLength: width + 1, maxLength: width + 1 }),
          eol: fc.constantFrom('\n', '\r\n'),
          blankBefore: fc.boolean(),
        }),
        { minLength: 1, maxLength: 12 },
      ),
      bad: fc.record({ row: fc.nat(), column: fc.nat() }),
    }),
  )

type Table = typeof table extends fc.Arbitrary<infer T> ? T : never

/** The CSV text of a table, the offset each data row starts at, and the header names. */
const write = (tb: Table, badCell?: { readonly row: number; readonly column: number }) => {
  const header = Array.from({ length: tb.width + 1 }, (_, j) => (j === tb.labelAt ? 'class' : j % 2 === 0 ? `x${j}` : `x${j}, "odd"`))
  let text = header.map((h, j) => field(h, tb.headerQuotes[j]!)).join(',') + tb.rows[0]!.eol
  const starts: number[] = []
  tb.rows.forEach((r, i) => {
    if (r.blankBefore) text += r.eol
    starts.push(text.length)
    const xs = r.xs.map(number)
    if (badCell?.row === i) xs[badCell.column] = 'oops'
    const label = tb.named ? NAMES[r.cls]! : String(r.cls)
    const cells = [...xs.slice(0, tb.labelAt), label, ...xs.slice(tb.labelAt)]
    text += cells.map((c, j) => field(c, r.quotes[j]!)).join(',')
    if (i < tb.rows.length - 1 || tb.trailing) text += r.eol
  })
  return { text, starts, header }
}

describe('decodeCsvRows: property', () => {
  it('random numeric tables with random quoting and CRLF/LF line ends round-trip exactly', () => {
    fc.assert(
      fc.property(table, (tb) => {
        const { text } = write(tb)
        const base = { label: 'class', width: tb.width, dtype: tb.dtype }
        const d = tb.named ? right(decodeCsvRows(text, { ...base, classes: NAMES })) : right(decodeCsvRows(text, { ...base, numClasses: NAMES.length }))
        const want = tb.rows.flatMap((r) => r.xs)
        expect(d.x.shape).toEqual([tb.rows.length, tb.width])
        expect(d.x.data.length).toBe(want.length)
        // Object.is: exact, -0 included (float32 values are generated as float32)
        expect(Array.from(d.x.data).every((v, i) => Object.is(v, want[i]))).toBe(true)
        expect(Array.from(d.y.data)).toEqual(tb.rows.map((r) => r.cls))
        if (tb.named) {
          const sorted = right(decodeCsvRows(text, { ...base, classes: 'sorted' }))
          expect(Array.from(sorted.y.data, (k) => sorted.classes[k])).toEqual(tb.rows.map((r) => NAMES[r.cls]))
        }
      }),
      { numRuns: 300 },
    )
  })
  it('reports a bad cell at the line its record starts on, under its header name', () => {
    fc.assert(
      fc.property(table, (tb) => {
        const bad = { row: tb.bad.row % tb.rows.length, column: tb.bad.column % tb.width }
        const { text, starts, header } = write({ ...tb, named: true }, bad)
        const name = header.filter((_, j) => j !== tb.labelAt)[bad.column]!
        const line = 1 + linesBefore(text, starts[bad.row]!)
        expect(left(decodeCsvRows(text, { label: 'class', classes: NAMES, dtype: tb.dtype }))).toBe(`decodeCsvRows: row ${line}, column '${name}': 'oops' is not a number`)
      }),
      { numRuns: 300 },
    )
  })
})
