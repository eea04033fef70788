import type { Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import type { Tensor } from '../tensor/Tensor.js'

/**
 * Rows `start … end−1` along the first axis, `[R, ...S] → [number, ...S]`, as a view that shares storage (tensors
 * are immutable, so sharing is safe).
 *
 * @category ops
 */
export const sliceRows = <S extends Shape>(x: Tensor<[number, ...S]>, start: number, end: number): Tensor<[number, ...S]> => {
  const r = x.shape[0]
  const c = r === 0 ? 0 : x.data.length / r
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= r))
    throw new ShapeError('sliceRows', `rows ${start}…${end} are outside x of shape ${showShape(x.shape)}`)
  return { shape: [end - start, ...x.shape.slice(1)] as unknown as [number, ...S], dtype: x.dtype, data: x.data.subarray(start * c, end * c) }
}
