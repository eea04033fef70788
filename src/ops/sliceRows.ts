import { ShapeError, showShape } from '../shape/ShapeError.js'
import type { Tensor } from '../tensor/Tensor.js'

/**
 * Rows `start … end−1` of a matrix, `[R, C] → [number, C]`, as a view that shares storage (tensors
 * are immutable, so sharing is safe).
 *
 * @category ops
 */
export const sliceRows = <C extends number>(x: Tensor<[number, C]>, start: number, end: number): Tensor<[number, C]> => {
  const [r, c] = x.shape
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= r))
    throw new ShapeError('sliceRows', `rows ${start}…${end} are outside x of shape ${showShape(x.shape)}`)
  return { shape: [end - start, c], dtype: x.dtype, data: x.data.subarray(start * c, end * c) }
}
