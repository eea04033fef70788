import { sameShape, type Shape, type Writable } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'

/** Element type of a tensor's storage. `float32` is the default; gradient checks use `float64`. */
export type DType = 'float32' | 'float64'

/** The typed array behind a tensor. */
export type Storage = Float32Array | Float64Array

/**
 * An immutable n-dimensional array whose shape `S` is known to the compiler.
 *
 * Data is stored row-major. No public function of the library writes into the `data` of a
 * tensor it was given: every operation returns a new tensor.
 *
 * @example
 * const x: Tensor<[2, 3]> = tensor([2, 3], [1, 2, 3, 4, 5, 6])
 * @category tensor
 */
export interface Tensor<S extends Shape = Shape> {
  readonly shape: Readonly<S>
  readonly dtype: DType
  readonly data: Storage
}

/** The number of elements of a runtime shape. */
export const numel = (shape: Shape): number => {
  let n = 1
  for (const d of shape) n *= d
  return n
}

/** Allocates zeroed storage of the given dtype. */
export const alloc = (dtype: DType, n: number): Storage =>
  dtype === 'float64' ? new Float64Array(n) : new Float32Array(n)

/** The dtype of a result computed from several tensors: float64 if any input is float64. */
export const resultType = (...ts: readonly Tensor[]): DType =>
  ts.some((t) => t.dtype === 'float64') ? 'float64' : 'float32'

const checkDims = (op: string, shape: Shape): void => {
  for (const d of shape)
    if (!Number.isInteger(d) || d < 0)
      throw new ShapeError(op, `shape ${showShape(shape)} has a dimension that is not a non-negative integer`)
}

/**
 * Wraps storage as a tensor without copying. For kernels and ops that just allocated `data`;
 * checks that the length matches the shape.
 */
export const fromStorage = <S extends Shape>(shape: S, data: Storage): Tensor<S> => {
  if (data.length !== numel(shape))
    throw new ShapeError('tensor', `data has ${data.length} elements but shape ${showShape(shape)} needs ${numel(shape)}`)
  return { shape, dtype: data instanceof Float64Array ? 'float64' : 'float32', data }
}

/**
 * Builds a tensor from a shape and flat row-major values (copied).
 *
 * @throws ShapeError when `values.length` is not the product of `shape`.
 * @example
 * tensor([2, 2], [1, 0, 0, 1]) // Tensor<[2, 2]>
 * @category tensor
 */
export const tensor = <const S extends Shape>(shape: S, values: ArrayLike<number>, dtype: DType = 'float32'): Tensor<Writable<S>> => {
  checkDims('tensor', shape)
  if (values.length !== numel(shape))
    throw new ShapeError('tensor', `values has ${values.length} elements but shape ${showShape(shape)} needs ${numel(shape)}`)
  const data = alloc(dtype, values.length)
  data.set(values)
  return { shape: [...shape] as unknown as Writable<S>, dtype, data }
}

/** A tensor of the given shape filled with `value`. @category tensor */
export const full = <const S extends Shape>(shape: S, value: number, dtype: DType = 'float32'): Tensor<Writable<S>> => {
  checkDims('full', shape)
  const data = alloc(dtype, numel(shape))
  data.fill(value)
  return { shape: [...shape] as unknown as Writable<S>, dtype, data }
}

/** A tensor of zeros. @category tensor */
export const zeros = <const S extends Shape>(shape: S, dtype: DType = 'float32'): Tensor<Writable<S>> => full(shape, 0, dtype)

/** A tensor of ones. @category tensor */
export const ones = <const S extends Shape>(shape: S, dtype: DType = 'float32'): Tensor<Writable<S>> => full(shape, 1, dtype)

/** A tensor of zeros with the shape and dtype of `t`. @category tensor */
export const zerosLike = <S extends Shape>(t: Tensor<S>): Tensor<S> =>
  ({ shape: t.shape, dtype: t.dtype, data: alloc(t.dtype, t.data.length) }) as Tensor<S>

/** A copy of `t` stored as `dtype` (float64 for gradient checks). @category tensor */
export const astype = <S extends Shape>(t: Tensor<S>, dtype: DType): Tensor<S> => {
  if (t.dtype === dtype) return t
  const data = alloc(dtype, t.data.length)
  data.set(t.data)
  return { shape: t.shape, dtype, data } as Tensor<S>
}

/** The tensor's values as a plain array (row-major). @category tensor */
export const toArray = (t: Tensor): number[] => Array.from(t.data)

/** The rows of a 2-D tensor as plain arrays. @category tensor */
export const toRows = (t: Tensor<readonly [number, number]>): number[][] => {
  const [r, c] = t.shape
  const rows: number[][] = []
  for (let i = 0; i < r; i++) rows.push(Array.from(t.data.subarray(i * c, (i + 1) * c)))
  return rows
}

/**
 * Checks at run time that `t` has the expected shape and narrows its type. This is how data from
 * outside (decoded rows, checkpoints) gets a compile-time shape.
 *
 * @throws ShapeError naming `op`, `arg` and both shapes.
 * @category tensor
 */
export const assertShape = <const S extends Shape>(t: Tensor, shape: S, op = 'assertShape', arg = 'tensor'): Tensor<Writable<S>> => {
  if (!sameShape(t.shape, shape))
    throw new ShapeError(op, `${arg} has shape ${showShape(t.shape)} but ${showShape(shape)} was expected`)
  return t as unknown as Tensor<Writable<S>>
}
