import * as t from 'io-ts'
import type { DType } from '../tensor/Tensor.js'

// Leaf codecs for decoding external rows. Each check is a plain function returning an error
// fragment (or undefined) so that loops over data call it without allocating; the io-ts codecs
// wrap the same checks for structural decoding.

const FLOAT32_MAX = 3.4028234663852886e38
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

const ESCAPES: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' }

/** A value as error messages print it, on one line: strings in single quotes, CR/LF/tab escaped, long ones cut. */
export const showValue = (u: unknown): string => {
  if (typeof u === 'string') return `'${(u.length > 40 ? `${u.slice(0, 40)}…` : u).replace(/[\r\n\t]/g, (c) => ESCAPES[c]!)}'`
  if (typeof u === 'number' || u === undefined || typeof u === 'bigint') return String(u)
  const s = JSON.stringify(u) ?? String(u)
  return s.length > 60 ? `${s.slice(0, 60)}…` : s
}

/** Why `u` is not a finite number storable as `dtype`, or undefined when it is. */
export const numberProblem = (u: unknown, dtype: DType): string | undefined => {
  if (typeof u !== 'number') return `${showValue(u)} is not a number`
  if (!Number.isFinite(u)) return `${u} is not a finite number`
  if (dtype === 'float32' && Math.abs(u) > FLOAT32_MAX) return `${u} is too large for float32`
  return undefined
}

/** The number written in a CSV field (decimal or scientific notation), or NaN when it is not one. */
export const parseDecimal = (s: string): number => (DECIMAL.test(s) ? Number(s) : NaN)

/** Why `u` is not a class label in `[0, numClasses)`, or undefined when it is. */
export const labelProblem = (u: unknown, numClasses: number): string | undefined => {
  if (typeof u !== 'number' || Number.isNaN(u)) return `label ${showValue(u)} is not a number`
  if (!Number.isInteger(u)) return `label ${u} is not an integer`
  if (u < 0 || u >= numClasses) return `label ${u} is outside [0, ${numClasses})`
  return undefined
}

/** An integer class label in `[0, numClasses)`. */
export const classLabel = (numClasses: number): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    `ClassLabel<${numClasses}>`,
    (u): u is number => labelProblem(u, numClasses) === undefined,
    (u, c) => {
      const p = labelProblem(u, numClasses)
      return p === undefined ? t.success(u as number) : t.failure(u, c, p)
    },
    t.identity,
  )

/** Why `u` is not an array of `width` finite numbers, naming `field` and the bad position. */
const vectorProblem = (u: unknown, field: string, noun: string, width: number, dtype: DType): string | undefined => {
  if (!Array.isArray(u)) return `${field}: ${showValue(u)} is not an array`
  if (u.length !== width) return `has ${u.length} ${noun} but ${width} were expected`
  for (let j = 0; j < width; j++) {
    const p = numberProblem(u[j], dtype)
    if (p !== undefined) return `${field}[${j}]: ${p}`
  }
  return undefined
}

/**
 * A fixed-width vector of finite numbers. Failures name the field and position
 * (`features[2]: 'abc' is not a number`) or the width (`has 3 features but 4 were expected`).
 */
export const vector = (field: string, noun: string, width: number, dtype: DType): t.Type<readonly number[], readonly number[], unknown> =>
  new t.Type<readonly number[], readonly number[], unknown>(
    `Vector<${width}>`,
    (u): u is readonly number[] => vectorProblem(u, field, noun, width, dtype) === undefined,
    (u, c) => {
      const p = vectorProblem(u, field, noun, width, dtype)
      return p === undefined ? t.success(u as number[]) : t.failure(u, c, p)
    },
    t.identity,
  )

/** A one-hot vector of `numClasses` zeros and a single one, decoded to the index of the one. */
export const oneHot = (field: string, numClasses: number): t.Type<number, readonly number[], unknown> =>
  new t.Type<number, readonly number[], unknown>(
    `OneHot<${numClasses}>`,
    (u): u is number => labelProblem(u, numClasses) === undefined,
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `${field}: ${showValue(u)} is not an array`)
      if (u.length !== numClasses) return t.failure(u, c, `${field}: has ${u.length} entries but ${numClasses} classes were expected`)
      let hot = -1
      for (let j = 0; j < numClasses; j++) {
        const v = u[j]
        if (v === 1 && hot < 0) hot = j
        else if (v !== 0) return t.failure(u, c, `${field}: ${showValue(u)} is not one-hot (entry ${j} is ${showValue(v)})`)
      }
      return hot < 0 ? t.failure(u, c, `${field}: ${showValue(u)} is not one-hot (no entry is 1)`) : t.success(hot)
    },
    (label) => Array.from({ length: numClasses }, (_, j) => (j === label ? 1 : 0)),
  )
