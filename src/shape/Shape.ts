/**
 * Type-level shapes.
 *
 * A shape is a tuple of dimensions. Each dimension is a literal number (`784`) when the compiler
 * knows it, or plain `number` when only run time does (typically the batch dimension).
 *
 * @category shape
 */
export type Dim = number

/** A tensor shape: a tuple of dimensions, e.g. `[128, 784]`. */
export type Shape = readonly Dim[]

/** `readonly [2, 3]` → `[2, 3]`: how shapes are written in tensor types. */
export type Writable<S extends Shape> = { -readonly [K in keyof S]: S[K] }

/** True when two runtime shapes have the same rank and dimensions (the one shape-equality check). */
export const sameShape = (a: Shape, b: Shape): boolean => {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
