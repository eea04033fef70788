import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import { zipTree } from '../tree/tree.js'

/**
 * Leaf-by-leaf loops over trees of one structure, for optimizer transforms: `body(ins, out)` gets
 * the input leaves' storages and a freshly allocated output to fill. Only the per-leaf call is a
 * closure; the per-element work is a plain loop inside `body`.
 */
export const leafwise = <P>(trees: readonly unknown[], body: (ins: readonly Storage[], out: Storage) => void, op: string): P =>
  zipTree(
    trees,
    (ts: readonly Tensor[]) => {
      const first = ts[0]!
      const out = alloc(first.dtype, first.data.length)
      body(
        ts.map((t) => t.data),
        out,
      )
      return { shape: first.shape, dtype: first.dtype, data: out }
    },
    '',
    op,
  ) as P
