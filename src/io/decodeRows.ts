import * as E from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import * as t from 'io-ts'
import type { Dataset } from '../data/Dataset.js'
import { ValueError } from '../shape/ValueError.js'
import { labelsFromStorage } from '../tensor/Labels.js'
import { alloc, type DType } from '../tensor/Tensor.js'
import { classLabel, oneHot, showValue, vector } from './codecs.js'
import { decodeError, type DecodeError } from './DecodeError.js'

/** Options for `decodeJsonRows` and `decodeOneHotRows`. @category io */
export interface RowsOptions<D extends number, C extends number = number> {
  /** The number of features `D` every row must have. */
  readonly width: D
  /** The number of classes `C`: labels must be integers in `[0, C)`. */
  readonly numClasses: C
  /** Storage of the features (default float32; values that overflow float32 are errors). */
  readonly dtype?: DType
}

const checkOptions = (op: string, { width, numClasses }: RowsOptions<number, number>): void => {
  if (!Number.isInteger(width) || width < 0) throw new ValueError(op, `width must be a non-negative integer, got ${width}`)
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new ValueError(op, `numClasses must be a positive integer, got ${numClasses}`)
}

/** `row 3` + a codec's fragment: `row 3, features[1]: …`, `row 3 has …`, `row 3: label …`. */
const atRow = (row: number, m: string): string =>
  /^[\w.]+(\[\d+\])?:/.test(m) ? `row ${row}, ${m}` : m.startsWith('has ') ? `row ${row} ${m}` : `row ${row}: ${m}`

const report = (op: string, what: string, errors: t.Errors): DecodeError =>
  decodeError(
    op,
    errors.map((e) => {
      const row = e.context[1]
      if (row === undefined) return `the input is not an array of rows (got ${showValue(e.value)})`
      return atRow(Number(row.key) + 1, e.message ?? `${showValue(e.value)} is not ${what}`)
    }),
  )

const parse = (op: string, input: unknown): E.Either<DecodeError, unknown> => {
  if (typeof input !== 'string') return E.right(input)
  try {
    return E.right(JSON.parse(input) as unknown)
  } catch (err) {
    return E.left(decodeError(op, [`the text is not valid JSON (${(err as Error).message})`]))
  }
}

/** Copies decoded rows into one `[N, D]` feature tensor and `[N]` labels. */
const toDataset = <D extends number, C extends number>(
  features: readonly (readonly number[])[],
  ys: readonly number[],
  { width, numClasses }: RowsOptions<D, C>,
  dtype: DType,
): Dataset<number, D, C> => {
  const n = features.length
  const x = alloc(dtype, n * width)
  const y = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    x.set(features[i]!, i * width)
    y[i] = ys[i]!
  }
  return { x: { shape: [n, width], dtype, data: x }, y: labelsFromStorage(y, numClasses) } as unknown as Dataset<number, D, C>
}

/**
 * Decodes JSON rows `[{ features: number[], label: integer }, …]` into a classification dataset,
 * or says which row is wrong. `input` is the parsed JSON value or its text.
 *
 * - `options.width`: `D`, the number of features every row must have.
 * - `options.numClasses`: `C`; labels must be integers in `[0, C)`.
 * - returns: `Right(Dataset<number, D>)` (`x: [N, D]`, `y: [N]`), or `Left(DecodeError)` naming the
 *   1-based row, e.g. `decodeJsonRows: row 5 has 3 features but 4 were expected`,
 *   `decodeJsonRows: row 2: label 7 is outside [0, 3)`, `decodeJsonRows: row 3, features[1]: 'abc' is not a number`.
 *
 * @throws ValueError only for invalid options (a programming error, not bad data).
 * @example
 * decodeJsonRows([{ features: [0.5, 1], label: 1 }], { width: 2, numClasses: 2 }) // Right(Dataset<number, 2>)
 * @category io
 */
export const decodeJsonRows = <const D extends number, const C extends number>(
  input: unknown,
  options: RowsOptions<D, C>,
): E.Either<DecodeError, Dataset<number, D, C>> => {
  const op = 'decodeJsonRows'
  checkOptions(op, options)
  const dtype = options.dtype ?? 'float32'
  const codec = t.array(t.type({ features: vector('features', 'features', options.width, dtype), label: classLabel(options.numClasses) }))
  return pipe(
    parse(op, input),
    E.chain((u) => pipe(codec.decode(u), E.mapLeft((es) => report(op, 'an object { features, label }', es)))),
    E.map((rs) => toDataset(rs.map((r) => r.features), rs.map((r) => r.label), options, dtype)),
  )
}

/**
 * Decodes rows `[{ input: number[], output: number[] }, …]` with one-hot outputs (the format of
 * the `mnist` and brain.js packages) into a classification dataset with integer labels.
 *
 * - `options.width`: `D`, the length of every `input`.
 * - `options.numClasses`: `C`, the length of every `output`, which must hold one 1 and `C−1` zeros.
 * - returns: `Right(Dataset<number, D>)` or `Left(DecodeError)` naming the row, e.g.
 *   `decodeOneHotRows: row 4 has 783 inputs but 784 were expected`.
 *
 * @throws ValueError only for invalid options.
 * @category io
 */
export const decodeOneHotRows = <const D extends number, const C extends number>(
  input: unknown,
  options: RowsOptions<D, C>,
): E.Either<DecodeError, Dataset<number, D, C>> => {
  const op = 'decodeOneHotRows'
  checkOptions(op, options)
  const dtype = options.dtype ?? 'float32'
  const codec = t.array(t.type({ input: vector('input', 'inputs', options.width, dtype), output: oneHot('output', options.numClasses) }))
  return pipe(
    parse(op, input),
    E.chain((u) => pipe(codec.decode(u), E.mapLeft((es) => report(op, 'an object { input, output }', es)))),
    E.map((rs) => toDataset(rs.map((r) => r.input), rs.map((r) => r.output), options, dtype)),
  )
}
