import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { Dataset } from '../data/Dataset.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, type DType } from '../tensor/Tensor.js'
import { labelProblem, numberProblem, parseDecimal, showValue } from './codecs.js'
import { decodeError, MAX_ERRORS, type DecodeError } from './DecodeError.js'

/** Options for `decodeCsvRows`. @category io */
export interface CsvOptions<D extends number> {
  /** The label column: its header name, or its 0-based index (negative counts from the end, -1 = last). */
  readonly label: string | number
  /** The number of classes `C`: labels must be integers in `[0, C)`. */
  readonly numClasses: number
  /** The number of feature columns `D` expected (checked); default: every column but the label. */
  readonly width?: D
  /** Whether line 1 is a header of column names (default true). */
  readonly header?: boolean
  /** The field separator (default `,`). */
  readonly delimiter?: string
  /** Storage of the features (default float32). */
  readonly dtype?: DType
}

interface Line {
  readonly line: number
  readonly fields: readonly string[]
}

const unquote = (f: string): string => {
  const s = f.trim()
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s
}

/** Non-blank lines split into trimmed fields, with their 1-based line numbers. */
const tokenize = (text: string, delimiter: string): Line[] => {
  const out: Line[] = []
  const lines = text.split(/\r\n|\n|\r/)
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() === '') continue
    const fields = lines[i]!.split(delimiter)
    for (let j = 0; j < fields.length; j++) fields[j] = unquote(fields[j]!)
    out.push({ line: i + 1, fields })
  }
  return out
}

/** One data line: the right number of fields, finite numeric features, an integer label in range. */
const csvRow = (names: readonly string[], labelAt: number, numClasses: number, dtype: DType) =>
  new t.Type<{ readonly features: readonly number[]; readonly label: number }, never, Line>(
    'CsvRow',
    (_u): _u is never => false,
    ({ line, fields }, c) => {
      if (fields.length !== names.length) return t.failure(fields, c, `row ${line} has ${fields.length} fields but ${names.length} were expected`)
      const features: number[] = []
      let label = 0
      for (let j = 0; j < fields.length; j++) {
        const v = parseDecimal(fields[j]!)
        const p = j === labelAt ? labelProblem(Number.isNaN(v) ? fields[j] : v, numClasses) : numberProblem(Number.isNaN(v) ? fields[j] : v, dtype)
        if (p !== undefined) return t.failure(fields[j], c, j === labelAt ? `row ${line}: ${p}` : `row ${line}, column ${names[j]}: ${p}`)
        if (j === labelAt) label = v
        else features.push(v)
      }
      return t.success({ features, label })
    },
    () => {
      throw new Error('CsvRow: decode only')
    },
  )

const findLabel = (label: string | number, names: readonly string[], header: boolean): number | string => {
  if (typeof label === 'number') {
    const j = label < 0 ? names.length + label : label
    return Number.isInteger(label) && j >= 0 && j < names.length ? j : `label column ${label} is outside the ${names.length} columns of the file`
  }
  if (!header) return `label column '${label}' is named but the file has no header (pass a column index, or header: true)`
  const j = names.indexOf(`'${label}'`)
  if (j < 0) return `the header has no column '${label}' (columns: ${names.join(', ')})`
  return names.indexOf(`'${label}'`, j + 1) >= 0 ? `the header has two columns named '${label}'` : j
}

/**
 * Decodes CSV text with numeric columns into a classification dataset, or says which line, column
 * and value is wrong. Blank lines are skipped; rows are numbered by their 1-based line in the text,
 * and headerless columns by their 0-based index. Fields may be wrapped in double quotes but may
 * not contain the delimiter.
 *
 * - `options.label`: the label column (header name or index); every other column is a feature.
 * - returns: `Right(Dataset<number, D>)` (`x: [N, D]`, `y: [N]`), or `Left(DecodeError)`, e.g.
 *   `decodeCsvRows: row 3, column 'x2': 'abc' is not a number`,
 *   `decodeCsvRows: row 5 has 3 fields but 4 were expected`, `decodeCsvRows: row 2: label 7 is outside [0, 3)`.
 *   Empty and NaN fields, ragged rows, non-integer labels and a file with no data rows are errors.
 *
 * @throws ValueError only for invalid options.
 * @example
 * decodeCsvRows('x1,x2,y\n0.5,1,0\n0,2,1\n', { label: 'y', numClasses: 2, width: 2 }) // Right(Dataset<number, 2>)
 * @category io
 */
export const decodeCsvRows = <const D extends number = number>(text: string, options: CsvOptions<D>): E.Either<DecodeError, Dataset<number, D>> => {
  const op = 'decodeCsvRows'
  const { numClasses, header = true, delimiter = ',', dtype = 'float32' } = options
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new ValueError(op, `numClasses must be a positive integer, got ${numClasses}`)
  if (delimiter === '') throw new ValueError(op, 'delimiter must not be empty')
  const lines = tokenize(text, delimiter)
  const head = lines[0]
  if (head === undefined) return E.left(decodeError(op, ['the text has no rows']))
  if (header && head.fields.every((f) => !Number.isNaN(parseDecimal(f))))
    return E.left(decodeError(op, [`line ${head.line} looks like data (${showValue(head.fields.join(delimiter))}), not a header; pass header: false`]))
  const names = header ? head.fields.map((f) => `'${f}'`) : head.fields.map((_, j) => String(j))
  const labelAt = findLabel(options.label, names, header)
  if (typeof labelAt === 'string') return E.left(decodeError(op, [labelAt]))
  const width = names.length - 1
  if (options.width !== undefined && options.width !== width)
    return E.left(decodeError(op, [`the file has ${width} feature columns but width ${options.width} was expected`]))
  const data = header ? lines.slice(1) : lines
  if (data.length === 0) return E.left(decodeError(op, ['the file has no data rows']))
  const row = csvRow(names, labelAt, numClasses, dtype)
  const n = data.length
  const x = alloc(dtype, n * width)
  const y = new Int32Array(n)
  const errors: string[] = []
  for (let i = 0; i < n && errors.length < MAX_ERRORS; i++) {
    const r = row.validate(data[i]!, [])
    if (E.isLeft(r)) errors.push(r.left[0]?.message ?? `row ${data[i]!.line} is invalid`)
    else {
      x.set(r.right.features, i * width)
      y[i] = r.right.label
    }
  }
  if (errors.length > 0) return E.left(decodeError(op, errors))
  return E.right({ x: { shape: [n, width as D], dtype, data: x }, y: { shape: [n], data: y } })
}
