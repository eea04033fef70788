import { assertRank } from '../internal/assert.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'

/**
 * Matrix transpose `[R, C] → [C, R]`. Backprop does not need it (see `matmulTN`/`matmulNT`).
 *
 * @category ops
 */
export const transpose = <R extends number, C extends number>(x: Tensor<[R, C]>): Tensor<[C, R]> => {
  assertRank('transpose', x, 2)
  const [r, c] = x.shape
  const o = alloc(x.dtype, x.data.length), d = x.data
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) o[j * r + i] = d[i * c + j]!
  return { shape: [c, r], dtype: x.dtype, data: o }
}
