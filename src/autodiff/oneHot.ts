import { alloc, type DType } from '../tensor/Tensor.js'
import type { Labels } from '../tensor/Labels.js'
import { constant, type Var } from './Var.js'

/**
 * Labels as one-hot rows, a constant: `Labels<B, C> → Var<[B, C]>` with a 1 in each row's class
 * column (for a label loss written with the ops of `ad`).
 *
 * @example
 * ad.oneHot(labels([2, 0], 3))   // Var<[2, 3]>: rows [0, 0, 1] and [1, 0, 0]
 * @category autodiff
 */
export const oneHot = <B extends number, C extends number>(y: Labels<B, C>, dtype: DType = 'float32'): Var<[B, C]> => {
  const b = y.shape[0], c = y.numClasses
  const d = alloc(dtype, b * c)
  for (let i = 0; i < b; i++) d[i * c + y.data[i]!] = 1
  return constant({ shape: [b, c as C], dtype, data: d })
}
