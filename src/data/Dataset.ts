import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'
import { isLabels, labelsFromStorage, type Labels } from '../tensor/Labels.js'
import type { Features, Shape } from '../shape/Shape.js'
import { checkLabels, checkRows } from './checkRows.js'

/**
 * A classification dataset: `N` examples with one integer class label in `0 … C−1` each.
 *
 * - `x`: features, shape `[N, D]` for a width `D`, or `[N, ...D]` for a feature shape
 *   (`Dataset<number, [28, 28, 1], 10>` for MNIST images).
 * - `y`: labels, shape `[N]`, of `C` classes.
 *
 * @example
 * const d: Dataset<3, 2, 2> = dataset(tensor([3, 2], [0, 0, 0, 1, 1, 0]), labels([0, 1, 1], 2))
 * @category data
 */
export interface Dataset<N extends number, D extends number | Shape, C extends number = number> {
  readonly x: Tensor<[N, ...Features<D>]>
  readonly y: Labels<N, C>
}

/**
 * A regression (or reconstruction) dataset: `N` examples of `D` features with `O` real targets each
 * (an autoencoder uses `y = x`).
 *
 * - `x`: features, shape `[N, D]`.
 * - `y`: targets, shape `[N, O]`.
 *
 * @category data
 */
export interface RegressionSet<N extends number, D extends number | Shape, O extends number | Shape> {
  readonly x: Tensor<[N, ...Features<D>]>
  readonly y: Tensor<[N, ...Features<O>]>
}

/** Either kind of dataset; the helpers of `data/` take both. @category data */
export type AnyDataset = Dataset<number, Shape> | RegressionSet<number, Shape, Shape>

/**
 * The same kind of dataset with `M` rows instead of its own: what `take`, `minibatches` and
 * `splitData` return (`WithSize<Dataset<8, 784>, number>` is `Dataset<number, 784>`).
 *
 * @category data
 */
export type WithSize<T extends AnyDataset, M extends number> =
  T extends Dataset<number, infer D, infer C> ? Dataset<M, D, C>
  : T extends RegressionSet<number, infer D, infer O> ? RegressionSet<M, D, O>
  : never

/**
 * A classification dataset from features `[N, ...D]` and labels `[N]`, checked once, here: the
 * same `N` rows, finite features, and labels that are integers in `[0, numClasses)`. Errors say
 * where in the data (rows and columns count from 0). Zero rows are allowed (an empty split).
 *
 * @throws ShapeError naming both shapes when the row counts differ; ValueError naming the row and
 *   column (or for image features the coordinates) of a NaN or infinite feature, e.g.
 *   `dataset: x has NaN at row 3, column 1; values must be finite numbers`, or the row of a label
 *   out of range, e.g. `dataset: y has label 5 at row 2, outside [0, 3)`.
 * @example
 * const d = dataset(tensor([3, 2], [0, 0, 0, 1, 1, 0]), labels([0, 1, 1], 2))   // Dataset<3, [2], 2>
 * @category data
 */
export const dataset = <N extends number, S extends Shape, C extends number>(x: Tensor<[N, ...S]>, y: Labels<NoInfer<N>, C>): Dataset<N, S, C> => {
  if (x.shape.length < 2 || y.shape.length !== 1 || y.shape[0] !== x.shape[0])
    throw new ShapeError('dataset', `x has shape ${showShape(x.shape)} but y has shape ${showShape(y.shape)} (row counts differ)`)
  checkRows('dataset', 'x', x)
  checkLabels('dataset', 'y', y)
  return { x, y } as unknown as Dataset<N, S, C>
}

/**
 * A regression dataset from features `[N, ...D]` and targets `[N, ...O]`, checked once, here: the
 * same `N` rows, and finite features and targets (errors name the row and column).
 *
 * @throws ShapeError naming both shapes when the row counts differ; ValueError naming the row and
 *   column of a NaN or infinite value, e.g. `regressionSet: y has Infinity at row 0, column 2; …`.
 * @example
 * const auto = regressionSet(x, x)   // an autoencoder's data: targets are the inputs
 * @category data
 */
export const regressionSet = <N extends number, D extends Shape, O extends Shape>(
  x: Tensor<[N, ...D]>,
  y: Tensor<[NoInfer<N>, ...O]>,
): RegressionSet<N, D, O> => {
  if (x.shape.length < 2 || y.shape.length < 2 || y.shape[0] !== x.shape[0])
    throw new ShapeError('regressionSet', `x has shape ${showShape(x.shape)} but y has shape ${showShape(y.shape)} (row counts differ)`)
  checkRows('regressionSet', 'x', x)
  if ((y as Tensor) !== x) checkRows('regressionSet', 'y', y)
  return { x, y } as unknown as RegressionSet<N, D, O>
}

/**
 * The number of examples `N` of a dataset.
 *
 * @category data
 */
export const size = <N extends number>(data: { readonly x: Tensor<readonly [N, ...number[]]> }): N => data.x.shape[0]

/** Rows `indices` of a row-major `[rows, width]` array, copied into fresh storage of the same kind. */
const gather = <A extends Float32Array | Float64Array | Int32Array>(src: A, width: number, indices: Int32Array, out: A): A => {
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!
    out.set(src.subarray(r * width, (r + 1) * width), i * width)
  }
  return out
}

/**
 * The examples at `indices` (in that order; repeats allowed), as a new dataset of the same kind.
 *
 * - `data`: a `Dataset<N, D>` or `RegressionSet<N, D, O>`.
 * - `indices`: `M` row indices in `[0, N)`.
 * - returns: the same kind of dataset with `M` rows (`Tensor<[M, D]>` features).
 *
 * @throws ValueError naming the first index outside `[0, N)`.
 * @example
 * take(d, Int32Array.of(2, 0)) // rows 2 and 0
 * @category data
 */
export const take = <T extends AnyDataset>(data: T, indices: Int32Array): WithSize<T, number> => {
  const n = data.x.shape[0]
  const d = n === 0 ? 0 : data.x.data.length / n
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!
    if (r < 0 || r >= n) throw new ValueError('take', `index ${r} at position ${i} is outside [0, ${n})`)
  }
  const m = indices.length
  const x = { shape: [m, ...data.x.shape.slice(1)], dtype: data.x.dtype, data: gather(data.x.data, d, indices, alloc(data.x.dtype, m * d)) }
  const y = data.y
  if (isLabels(y)) return { x, y: labelsFromStorage(gather(y.data, 1, indices, new Int32Array(m)), y.numClasses) } as never
  const o = n === 0 ? 0 : y.data.length / n
  return { x, y: { shape: [m, ...y.shape.slice(1)], dtype: y.dtype, data: gather(y.data, o, indices, alloc(y.dtype, m * o)) } } as never
}
