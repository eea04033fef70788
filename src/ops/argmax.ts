import { assertRank } from '../internal/assert.js'
import type { Tensor } from '../tensor/Tensor.js'
import { labelsFromStorage, type Labels } from '../tensor/Labels.js'

/**
 * The index of the largest entry of each row: `[B, C] → Labels<B, C>` (predicted classes).
 *
 * @category ops
 */
export const argmax = <B extends number, C extends number>(x: Tensor<[B, C]>): Labels<B, C> => {
  assertRank('argmax', x, 2)
  const [r, c] = x.shape
  const d = x.data
  const out = new Int32Array(r)
  for (let i = 0; i < r; i++) {
    let best = 0
    let bv = d[i * c]!
    for (let j = 1; j < c; j++) if (d[i * c + j]! > bv) (bv = d[i * c + j]!), (best = j)
    out[i] = best
  }
  return labelsFromStorage(out, c)
}
