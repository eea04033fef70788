import { dsvFormat } from 'd3-dsv'
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { Dataset } from '../data/Dataset.js'
import { ValueError } from '../shape/ValueError.js'
import { labelsFromStorage } from '../tensor/Labels.js'
import { alloc, fromStorage, type DType } from '../tensor/Tensor.js'
import { labelProblem, numberProblem, parseDecimal, showValue } from './codecs.js'
import { decodeError, MAX_ERRORS, type DecodeError } from './DecodeError.js'

// -------------------------------------------------------------------------------------------------
// options and result
// -------------------------------------------------------------------------------------------------

/** Options for `decodeCsvRows` when the label column holds integer class indices. @category io */
export interface CsvOptions<D extends number> {
  /** The label column: its header name, or its 0-based index (negative counts from the end, -1 = last). */
  readonly label: string | number
  /** The number of classes `C`: labels must be integers in `[0, C)`. */
  readonly numClasses: number
  /** The number of feature columns `D` expected (checked); default: every column but the label. */
  readonly width?: D
  /** Whether the first record is a header of column names (default true). */
  readonly header?: boolean
  /** The field separator, one character other than `"`, CR and LF (default `,`). */
  readonly delimiter?: string
  /** Storage of the features (default float32). */
  readonly dtype?: DType
}

/**
 * Options for `decodeCsvRows` when the label column holds class names (`setosa`, `versicolor`, …).
 *
 * - `classes: ['setosa', 'versicolor', 'virginica']` fixes the order (`setosa` is label 0) and the
 *   number of classes `C = classes.length`; any other name is an error.
 * - `classes: 'sorted'` takes the distinct names found, sorted by UTF-16 code units (the order of
 *   `Array.prototype.sort`, independent of locale: `'Z' < 'a'`, `'10' < '9'`), so `C` is the number
 *   of distinct names. Prefer an explicit list for splits of one dataset, which may miss a class.
 *
 * @category io
 */
export interface CsvClassOptions<D extends number> extends Omit<CsvOptions<D>, 'numClasses'> {
  readonly classes: readonly string[] | 'sorted'
  /** When given, must equal the number of classes (checked). */
  readonly numClasses?: number
}

/**
 * A classification dataset whose class indices have names: `classes[y[i]]` is the class of row `i`
 * and `classes.length` is the number of classes `C`.
 *
 * @category io
 */
export interface NamedDataset<N extends number, D extends number> extends Dataset<N, D> {
  readonly classes: readonly string[]
}

// -------------------------------------------------------------------------------------------------
// records: d3-dsv's rows, located in the text
// -------------------------------------------------------------------------------------------------

/** One record of the file: its fields and the 1-based line of the text on which it starts. */
interface CsvRecord {
  readonly line: number
  readonly fields: readonly string[]
  /** An empty or all-blank line (one unquoted field of white space). */
  readonly blank: boolean
}

/** Malformed quoting at a record's first line and a 0-based column. */
interface QuoteProblem {
  readonly line: number
  readonly column: number
  readonly message: string
}

const QUOTE = 34
const CR = 13
const LF = 10

/** The length of the line break at `i` (2 for CRLF, 1 for LF or a lone CR, 0 for none). */
const breakAt = (text: string, i: number): number => {
  const c = text.charCodeAt(i)
  return c === CR ? (text.charCodeAt(i + 1) === LF ? 2 : 1) : c === LF ? 1 : 0
}

const lineBreaks = (s: string): number => s.match(/\r\n|\r|\n/g)?.length ?? 0

/**
 * Splits the text into records with d3-dsv (RFC 4180 quoting: `"a,b"`, `"say ""hi"""`, line
 * breaks inside quotes, CRLF, LF or CR line ends), then walks the text along d3's fields to find
 * the line each record starts on.
 * NOTE: the walk also catches what d3 reads leniently and would give a silently wrong field: an
 * unclosed quote, text after a closing quote (`"1"x`, read by d3 as two fields), and a quote inside
 * an unquoted field (`1, "b"`, read by d3 as the text ` "b"`).
 */
const records = (text: string, delimiter: string): { readonly records: CsvRecord[]; readonly problem?: QuoteProblem } => {
  const out: CsvRecord[] = []
  let at = 0
  let line = 1
  for (const fields of dsvFormat(delimiter).parseRows(text)) {
    const start = line
    const fail = (column: number, message: string) => ({ records: out, problem: { line: start, column, message } })
    let quoted = false
    for (let j = 0; j < fields.length; j++) {
      const v = fields[j]!
      const from = at
      if (text.charCodeAt(at) === QUOTE) {
        const raw = `"${v.replaceAll('"', '""')}"`
        if (!text.startsWith(raw, at)) return fail(j, `the quoted field ${showValue(text.slice(at))} has no closing quote`)
        quoted = true
        at += raw.length
        line += lineBreaks(v)
      } else {
        if (v.includes('"'))
          return fail(j, `${showValue(v)} has a quote but is not quoted (quote the whole field, with no space before the opening quote, and double the quotes inside)`)
        at += v.length
      }
      const last = j === fields.length - 1
      const end = last ? (at >= text.length ? 0 : breakAt(text, at)) : text.startsWith(delimiter, at) ? 1 : 0
      if (end === 0 && !(last && at >= text.length))
        return fail(j, `${showValue(text.slice(from, at + 1))} has text after the closing quote (expected ${showValue(delimiter)} or the end of the line)`)
      at += end
      if (last && end > 0) line += 1
    }
    out.push({ line: start, fields, blank: fields.length === 1 && !quoted && fields[0]!.trim() === '' })
  }
  // NOTE: d3 drops one final line break, which the walk consumes above; anything else left is a bug.
  if (at < text.length) return { records: out, problem: { line, column: 0, message: `could not read ${showValue(text.slice(at))}` } }
  return { records: out }
}

// -------------------------------------------------------------------------------------------------
// one data record
// -------------------------------------------------------------------------------------------------

/** How the label field becomes a class index: a number, a name from a fixed list, or a name kept for sorting. */
type LabelRule =
  | { readonly kind: 'index'; readonly numClasses: number }
  | { readonly kind: 'names'; readonly classes: readonly string[]; readonly index: ReadonlyMap<string, number> }
  | { readonly kind: 'sorted' }

interface DecodedRow {
  readonly features: readonly number[]
  /** The class index, or for `sorted` the class name. */
  readonly label: number | string
}

const showClasses = (classes: readonly string[]): string =>
  classes.length <= 10 ? classes.map(showValue).join(', ') : `${classes.slice(0, 10).map(showValue).join(', ')}, …`

/** The class index (or, for `sorted`, the name) in a trimmed label field, or why there is none. */
const labelOf = (rule: LabelRule, field: string, line: number, column: string): DecodedRow['label'] | { readonly problem: string } => {
  if (rule.kind === 'index') {
    const v = parseDecimal(field)
    const p = labelProblem(Number.isNaN(v) ? field : v, rule.numClasses)
    return p === undefined ? v : { problem: `row ${line}: ${p}` }
  }
  if (field === '') return { problem: `row ${line}, column ${column}: '' is not a class name (the field is empty)` }
  if (rule.kind === 'sorted') return field
  const k = rule.index.get(field)
  return k ?? { problem: `row ${line}, column ${column}: ${showValue(field)} is not one of the ${rule.classes.length} classes ${showClasses(rule.classes)}` }
}

/** One data record: the right number of fields, finite numeric features, a valid label. */
const csvRow = (names: readonly string[], labelAt: number, rule: LabelRule, dtype: DType) =>
  new t.Type<DecodedRow, never, CsvRecord>(
    'CsvRow',
    (_u): _u is never => false,
    ({ line, fields }, c) => {
      if (fields.length !== names.length) return t.failure(fields, c, `row ${line} has ${fields.length} fields but ${names.length} were expected`)
      const features: number[] = []
      let label: DecodedRow['label'] = 0
      for (let j = 0; j < fields.length; j++) {
        const f = fields[j]!.trim()
        if (j === labelAt) {
          const l = labelOf(rule, f, line, names[j]!)
          if (typeof l === 'object') return t.failure(f, c, l.problem)
          label = l
        } else {
          const v = parseDecimal(f)
          const p = numberProblem(Number.isNaN(v) ? f : v, dtype)
          if (p !== undefined) return t.failure(f, c, `row ${line}, column ${names[j]!}: ${p}`)
          features.push(v)
        }
      }
      return t.success({ features, label })
    },
    () => {
      throw new Error('CsvRow: decode only')
    },
  )

// -------------------------------------------------------------------------------------------------
// header and options
// -------------------------------------------------------------------------------------------------

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

/** The label rule the options ask for; throws ValueError for options no file could satisfy. */
const labelRule = (op: string, options: CsvOptions<number> | CsvClassOptions<number>): LabelRule => {
  const { numClasses } = options
  if (numClasses !== undefined && (!Number.isInteger(numClasses) || numClasses < 1))
    throw new ValueError(op, `numClasses must be a positive integer, got ${numClasses}`)
  const classes = 'classes' in options ? options.classes : undefined
  if (classes === undefined) {
    if (numClasses === undefined) throw new ValueError(op, 'pass numClasses (integer labels) or classes (class names)')
    return { kind: 'index', numClasses }
  }
  if (classes === 'sorted') return { kind: 'sorted' }
  if (!Array.isArray(classes) || classes.length === 0) throw new ValueError(op, `classes must be 'sorted' or a non-empty array of names, got ${showValue(classes)}`)
  if (numClasses !== undefined && numClasses !== classes.length)
    throw new ValueError(op, `numClasses is ${numClasses} but classes has ${classes.length} names`)
  const index = new Map<string, number>()
  classes.forEach((name, k) => {
    if (typeof name !== 'string' || name === '' || name.trim() !== name)
      throw new ValueError(op, `classes[${k}] is ${showValue(name)}; class names must be non-empty, without surrounding white space`)
    if (index.has(name)) throw new ValueError(op, `classes lists ${showValue(name)} twice`)
    index.set(name, k)
  })
  return { kind: 'names', classes, index }
}

// -------------------------------------------------------------------------------------------------
// decodeCsvRows
// -------------------------------------------------------------------------------------------------

/**
 * Decodes CSV text (RFC 4180, parsed by d3-dsv) with numeric feature columns and one label column
 * into a classification dataset, or says which row, column and value is wrong.
 *
 * - Quoting: a field may be quoted to hold the delimiter, line breaks and quotes doubled
 *   (`"a,b"`, `"say ""hi"""`). Lines may end in LF, CRLF or CR. White space around a field's value
 *   is ignored; empty and all-blank lines are skipped.
 * - Row numbers: "row R" is the 1-based line of the text on which the record starts, counting the
 *   header, blank lines and the line breaks inside earlier quoted fields (what an editor shows).
 *   Columns are named by their header name (`column 'x2'`), or without a header by their 0-based index.
 * - Labels: with `numClasses` (`CsvOptions`), integer class indices in `[0, C)`; with `classes`
 *   (`CsvClassOptions`), class names mapped to indices in the order of the `classes` list, or of
 *   the sorted distinct names for `classes: 'sorted'`, returned as `classes` with the dataset.
 * - returns: `Right(Dataset<number, D>)` (`x: [N, D]`, `y: [N]`), with names a
 *   `Right(NamedDataset<number, D>)` (also `classes: [C]`), or `Left(DecodeError)`, e.g.
 *   `decodeCsvRows: row 3, column 'x2': 'abc' is not a number`,
 *   `decodeCsvRows: row 5 has 3 fields but 4 were expected`, `decodeCsvRows: row 2: label 7 is outside [0, 3)`,
 *   `decodeCsvRows: row 4, column 'species': 'setosa2' is not one of the 3 classes 'setosa', 'versicolor', 'virginica'`.
 *   Empty and NaN features, ragged rows, malformed quoting, non-integer labels, a text with no data
 *   rows, and a header that looks like data are errors.
 *
 * @throws ValueError only for invalid options.
 * @example
 * decodeCsvRows('x1,x2,y\n0.5,1,0\n0,2,1\n', { label: 'y', numClasses: 2, width: 2 }) // Right(Dataset<number, 2>)
 * const iris = 'sepal length,sepal width,species\r\n5.1,3.5,setosa\r\n6.3,3.3,"virginica"\r\n'
 * decodeCsvRows(iris, { label: 'species', classes: ['setosa', 'versicolor', 'virginica'], width: 2, dtype: 'float64' })
 * // Right({ x: [[5.1, 3.5], [6.3, 3.3]], y: [0, 2], classes: ['setosa', 'versicolor', 'virginica'] })
 * @category io
 */
export function decodeCsvRows<const D extends number = number>(text: string, options: CsvClassOptions<D>): E.Either<DecodeError, NamedDataset<number, D>>
/** Integer labels in `[0, numClasses)`; see the first overload. @category io */
export function decodeCsvRows<const D extends number = number>(text: string, options: CsvOptions<D>): E.Either<DecodeError, Dataset<number, D>>
export function decodeCsvRows<const D extends number>(
  text: string,
  options: CsvOptions<D> | CsvClassOptions<D>,
): E.Either<DecodeError, Dataset<number, D> | NamedDataset<number, D>> {
  const op = 'decodeCsvRows'
  const { header = true, delimiter = ',', dtype = 'float32' } = options
  const rule = labelRule(op, options)
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n')
    throw new ValueError(op, `delimiter must be one character other than a quote, CR or LF, got ${showValue(delimiter)}`)
  const parsed = records(text, delimiter)
  const all = parsed.records.filter((r) => !r.blank)
  const head = all[0]
  const quoteError = (names: readonly string[] | undefined, p: QuoteProblem) =>
    E.left(decodeError(op, [`row ${p.line}, column ${names?.[p.column] ?? p.column}: ${p.message}`]))
  if (head === undefined) return parsed.problem === undefined ? E.left(decodeError(op, ['the text has no rows'])) : quoteError(undefined, parsed.problem)
  // A first record whose features (all fields but a label given by index) are numbers is data.
  const isNumber = (f: string): boolean => !Number.isNaN(parseDecimal(f.trim()))
  const cols = head.fields.length
  const labelIndex = typeof options.label === 'number' ? (options.label < 0 ? cols + options.label : options.label) : -1
  const probe = head.fields.filter((_, j) => j !== labelIndex)
  if (header && (probe.length > 0 ? probe : head.fields).every(isNumber))
    return E.left(decodeError(op, [`line ${head.line} looks like data (${showValue(head.fields.join(delimiter))}), not a header; pass header: false`]))
  const names = header ? head.fields.map((f) => `'${f.trim()}'`) : head.fields.map((_, j) => String(j))
  if (parsed.problem !== undefined) return quoteError(names, parsed.problem)
  const labelAt = findLabel(options.label, names, header)
  if (typeof labelAt === 'string') return E.left(decodeError(op, [labelAt]))
  const width = names.length - 1
  if (options.width !== undefined && options.width !== width)
    return E.left(decodeError(op, [`the file has ${width} feature columns but width ${options.width} was expected`]))
  const data = header ? all.slice(1) : all
  if (data.length === 0) return E.left(decodeError(op, ['the file has no data rows']))
  const row = csvRow(names, labelAt, rule, dtype)
  const n = data.length
  const x = alloc(dtype, n * width)
  const y = new Int32Array(n)
  const found: string[] = []
  const errors: string[] = []
  for (let i = 0; i < n && errors.length < MAX_ERRORS; i++) {
    const r = row.validate(data[i]!, [])
    if (E.isLeft(r)) errors.push(r.left[0]?.message ?? `row ${data[i]!.line} is invalid`)
    else {
      x.set(r.right.features, i * width)
      if (typeof r.right.label === 'number') y[i] = r.right.label
      else found[i] = r.right.label
    }
  }
  if (errors.length > 0) return E.left(decodeError(op, errors))
  // NOTE: `[n, width]` is `[N, D]`; the cast only spells that for a generic `D`.
  const features: Dataset<number, D>['x'] = fromStorage([n, width] as unknown as Dataset<number, D>['x']['shape'], x)
  const dataset = (numClasses: number): Dataset<number, D> => ({ x: features, y: labelsFromStorage(y, numClasses) })
  if (rule.kind === 'index') return E.right(dataset(rule.numClasses))
  if (rule.kind === 'names') return E.right({ ...dataset(rule.classes.length), classes: [...rule.classes] })
  // NOTE: default sort compares UTF-16 code units, the same on every machine and locale.
  const classes = [...new Set(found)].sort()
  if (options.numClasses !== undefined && options.numClasses !== classes.length)
    return E.left(decodeError(op, [
      `the label column ${names[labelAt]!} has ${classes.length} classes (${showClasses(classes)}) but numClasses is ${options.numClasses}; pass classes: [...] to fix the names and their order`,
    ]))
  const index = new Map(classes.map((c, k) => [c, k]))
  for (let i = 0; i < n; i++) y[i] = index.get(found[i]!)!
  return E.right({ ...dataset(classes.length), classes })
}
