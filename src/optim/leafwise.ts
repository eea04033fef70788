import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import { mapTree, zipTree } from '../tree/tree.js'

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

/** `[T, T, …]` with `N` entries (for small literal `N`). */
type Repeat<T, N extends number, A extends T[] = []> = A['length'] extends N ? A : Repeat<T, N, [...A, T]>

/**
 * {@link leafwise} with `n` outputs filled by one loop (e.g. Adam's `m`, `v` and update in a single
 * pass over the gradients): `body(ins, outs)` gets `n` fresh storages per leaf; returns `n` trees.
 */
export const leafwiseN = <P, const N extends number>(
  trees: readonly unknown[],
  n: N,
  body: (ins: readonly Storage[], outs: readonly Storage[]) => void,
  op: string,
): Repeat<P, N> => {
  const rest: Tensor[][] = Array.from({ length: n - 1 }, () => [])
  const first = zipTree(
    trees,
    (ts: readonly Tensor[]) => {
      const t0 = ts[0]!
      const outs = Array.from({ length: n }, () => alloc(t0.dtype, t0.data.length))
      body(
        ts.map((t) => t.data),
        outs,
      )
      for (let j = 1; j < n; j++) rest[j - 1]!.push({ shape: t0.shape, dtype: t0.dtype, data: outs[j]! })
      return { shape: t0.shape, dtype: t0.dtype, data: outs[0]! }
    },
    '',
    op,
  )
  // NOTE: mapTree visits leaves in zipTree's order, so the i-th leaf of each output lines up.
  const others = rest.map((ts) => {
    let i = 0
    return mapTree(first, () => ts[i++]!) as P
  })
  return [first as P, ...others] as Repeat<P, N>
}

/** `c · u` for every leaf of a tree (the shared step of `scale`, learning rates and clipping). */
export const scaleLeaves = <P>(tree: P, c: number, op: string): P =>
  leafwise<P>(
    [tree],
    ([u], o) => {
      for (let i = 0; i < o.length; i++) o[i] = c * u![i]!
    },
    op,
  )
