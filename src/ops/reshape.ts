import type { Shape, Writable } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { numel, type Tensor } from '../tensor/Tensor.js'

/**
 * The same data viewed with another shape. The element counts must agree; the compiler cannot
 * multiply dimensions, so run time checks it.
 *
 * @throws ShapeError naming both shapes.
 * @example
 * reshape(zeros([2, 3]), [3, 2]) // Tensor<[3, 2]>
 * @category ops
 */
export const reshape = <const S2 extends Shape>(x: Tensor, shape: S2): Tensor<Writable<S2>> => {
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || numel(shape) !== x.data.length)
    throw new ShapeError('reshape', `x has shape ${showShape(x.shape)} (${x.data.length} elements) which cannot be viewed as ${showShape(shape)}`)
  return { shape: [...shape] as unknown as Writable<S2>, dtype: x.dtype, data: x.data }
}

/**
 * Flattens every dimension after the first: `[B, ...rest] → [B, number]` (e.g. images to rows).
 *
 * @category ops
 */
export const flatten = <B extends number>(x: Tensor<readonly [B, ...number[]]>): Tensor<[B, number]> => {
  if (x.shape.length < 1) throw new ShapeError('flatten', `x has shape ${showShape(x.shape)}; a batch dimension is needed`)
  const b = x.shape[0]
  return { shape: [b, b === 0 ? 0 : x.data.length / b], dtype: x.dtype, data: x.data }
}
