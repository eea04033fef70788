import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import type { Labels } from '../tensor/Labels.js'
import { numel, type Tensor } from '../tensor/Tensor.js'

// The checks a dataset gets where it enters: rows of finite values, labels in range. Each check
// says where the bad value is in dataset terms (row and column, counting from 0), never as a flat
// index into storage.

/**
 * Where flat element `i` of a `[N, ...F]` tensor is: `row 3, column 1` for a table `[N, D]`,
 * `row 3, feature [2,5,0] (flat feature index 61)` for features of higher rank (images).
 */
export const describeElement = (shape: readonly number[], i: number): string => {
  const features = shape.slice(1)
  const width = numel(features)
  const row = width === 0 ? 0 : Math.floor(i / width)
  const f = i - row * width
  if (features.length <= 1) return `row ${row}, column ${f}`
  const at: number[] = []
  let r = f
  for (let k = features.length - 1; k >= 0; k--) {
    at.unshift(r % features[k]!)
    r = Math.floor(r / features[k]!)
  }
  return `row ${row}, feature ${showShape(at)} (flat feature index ${f})`
}

/** What is wrong with a tensor of rows: its shape (a ShapeError) or a value (a ValueError). */
export interface RowsProblem {
  readonly kind: 'shape' | 'value'
  readonly message: string
}

/** Why `t` is not a tensor `[N, ...]` of finite values, naming the element, or undefined. */
export const rowsProblem = (arg: string, t: Tensor): RowsProblem | undefined => {
  if (t === null || typeof t !== 'object' || !Array.isArray(t.shape) || !ArrayBuffer.isView(t.data)) return { kind: 'shape', message: `${arg} is not a tensor` }
  if (t.shape.length < 1) return { kind: 'shape', message: `${arg} has shape ${showShape(t.shape)} but a tensor [N, ...] of rows was expected` }
  if (t.data.length !== numel(t.shape)) return { kind: 'shape', message: `${arg} has shape ${showShape(t.shape)} but ${t.data.length} elements` }
  const d = t.data
  for (let i = 0; i < d.length; i++)
    if (!Number.isFinite(d[i]!)) return { kind: 'value', message: `${arg} has ${d[i]} at ${describeElement(t.shape, i)}; values must be finite numbers` }
  return undefined
}

/** The error of a {@link RowsProblem}. */
export const rowsError = (op: string, p: RowsProblem): Error => (p.kind === 'shape' ? new ShapeError(op, p.message) : new ValueError(op, p.message))

/** Why `y` is not labels of a positive integer class count with every label in `[0, numClasses)`, or undefined. */
export const labelsProblem = (arg: string, y: Labels): string | undefined => {
  if (y === null || typeof y !== 'object' || !(y.data instanceof Int32Array)) return `${arg} is not labels (int32 class indices)`
  const c = y.numClasses
  if (!Number.isSafeInteger(c) || c < 1) return `${arg} has numClasses ${c}, not a positive integer`
  if (y.shape.length !== 1 || y.shape[0] !== y.data.length) return `${arg} has shape ${showShape(y.shape)} but ${y.data.length} labels`
  const d = y.data
  for (let i = 0; i < d.length; i++) if (d[i]! < 0 || d[i]! >= c) return `${arg} has label ${d[i]} at row ${i}, outside [0, ${c})`
  return undefined
}

/** Throws the error of {@link rowsProblem}, if any. */
export const checkRows = (op: string, arg: string, t: Tensor): void => {
  const p = rowsProblem(arg, t)
  if (p !== undefined) throw rowsError(op, p)
}

/** Throws the ValueError of {@link labelsProblem}. */
export const checkLabels = (op: string, arg: string, y: Labels): void => {
  const p = labelsProblem(arg, y)
  if (p !== undefined) throw new ValueError(op, p)
}
