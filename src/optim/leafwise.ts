import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import { zipTreeN } from '../tree/tree.js'

/** `[T, T, …]` with `N` entries (for small literal `N`). */
type Repeat<T, N extends number, A extends T[] = []> = A['length'] extends N ? A : Repeat<T, N, [...A, T]>

/**
 * Leaf-by-leaf loops over trees of one structure, for optimizer transforms, in one walk of the
 * trees (see `walkTrees`): `body(ins, outs)` gets the input leaves' storages and one fresh storage
 * per output, which it fills; returns one tree per output. Output `j` is stored in the dtype of
 * input `like[j]`'s leaf (so an optimizer's state keeps the dtype it was initialised with, the
 * params', even when the gradients are float64). Only the per-leaf call is a closure; the
 * per-element work is a plain loop inside `body`.
 *
 * @throws ShapeError naming the path (`[2].w`) when the trees' structures or shapes differ.
 */
export const leafwiseN = <P, const N extends number>(
  trees: readonly unknown[],
  like: readonly number[] & { readonly length: N },
  body: (ins: readonly Storage[], outs: readonly Storage[]) => void,
  op: string,
): Repeat<P, N> =>
  zipTreeN(
    trees,
    like.length,
    (ts: readonly Tensor[]) => {
      const n = ts[0]!.data.length
      const outs = like.map((j) => alloc(ts[j]!.dtype, n))
      body(
        ts.map((t) => t.data),
        outs,
      )
      return like.map((j, k) => ({ shape: ts[0]!.shape, dtype: ts[j]!.dtype, data: outs[k]! }))
    },
    op,
  ) as unknown as Repeat<P, N>

/** {@link leafwiseN} with one output, stored in the first tree's dtype. */
export const leafwise = <P>(trees: readonly unknown[], body: (ins: readonly Storage[], out: Storage) => void, op: string): P =>
  leafwiseN<P, 1>(trees, [0], (ins, [out]) => body(ins, out!), op)[0]

/** `c · u` for every leaf of a tree (the shared step of `scale`, learning rates and clipping). */
export const scaleLeaves = <P>(tree: P, c: number, op: string): P =>
  leafwise<P>(
    [tree],
    ([u], o) => {
      for (let i = 0; i < o.length; i++) o[i] = c * u![i]!
    },
    op,
  )
