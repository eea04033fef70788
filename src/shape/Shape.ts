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

/**
 * The feature shape a dataset or batch is declared with: a width `D` means `[D]` (rows of a
 * table), a shape means itself (`[28, 28, 1]` for images).
 */
export type Features<D extends number | Shape> = D extends number ? [D] : D

/** A shape as error messages print it at the type level: `[24,24,6]`. */
export type ShowShape<S> = S extends readonly number[] ? `[${JoinDims<S>}]` : never
type JoinDims<S extends readonly number[]> = S extends readonly [infer H extends number, ...infer T extends readonly number[]]
  ? T extends readonly [] ? `${H}` : `${H},${JoinDims<T>}`
  : S extends readonly [] ? '' : string

/**
 * What a type-level shape check gives instead of a shape when the shapes do not fit; the message
 * names both shapes (`"expects [255] but gets [256]"`), and it is what the compiler prints.
 *
 * @category shape
 */
export interface ShapeMismatch<Msg extends string> {
  readonly shapeMismatch: Msg
}

type DimFits<A, B> = number extends A ? true : number extends B ? true : [A] extends [B] ? true : false
type DimsFit<A extends Shape, B extends Shape> = A extends readonly []
  ? B extends readonly [] ? true : false
  : A extends readonly [infer a, ...infer ar extends Shape]
    ? B extends readonly [infer b, ...infer br extends Shape] ? (DimFits<a, b> extends true ? DimsFit<ar, br> : false) : false
    : true

/**
 * `Got` where `Want` is expected: `Got` when they agree (a runtime `number` dimension agrees with
 * anything and is checked at run time), else a {@link ShapeMismatch} naming both.
 */
export type Expect<Got extends Shape, Want extends Shape> =
  number extends Got['length'] ? Got : number extends Want['length'] ? Got
  : DimsFit<Got, Want> extends true ? Got : ShapeMismatch<`expects ${ShowShape<Want>} but gets ${ShowShape<Got>}`>
