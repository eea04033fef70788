import { sameShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import type { Tensor } from '../tensor/Tensor.js'

/**
 * Param trees: a tensor, or arrays and plain objects of param trees (a network's params, its
 * gradients, an optimizer's moments). Anything else (`undefined`, numbers) is a leaf that
 * tree maps pass through untouched.
 *
 * @category tree
 */
export type Tree = unknown

/** True for a tensor leaf. */
export const isTensor = (x: unknown): x is Tensor =>
  typeof x === 'object' && x !== null && 'shape' in x && 'data' in x && ArrayBuffer.isView((x as Tensor).data)

/**
 * Applies `f` to every tensor leaf, keeping the structure (optax `tree_map`).
 *
 * @category tree
 */
export const mapTree = <T>(tree: T, f: (t: Tensor, path: string) => Tensor, path = ''): T => {
  if (isTensor(tree)) return f(tree, path) as T
  if (Array.isArray(tree)) return tree.map((v, i) => mapTree(v, f, `${path}[${i}]`)) as T
  if (typeof tree === 'object' && tree !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(tree)) out[k] = mapTree(v, f, path === '' ? k : `${path}.${k}`)
    return out as T
  }
  return tree
}

/**
 * Combines the tensor leaves of trees of identical structure with `f`.
 *
 * @throws ShapeError naming the path when structures or shapes differ.
 * @category tree
 */
export const zipTree = <T>(trees: readonly T[], f: (ts: readonly Tensor[], path: string) => Tensor, path = '', op = 'zipTree'): T => {
  const first = trees[0]
  if (isTensor(first)) {
    for (const t of trees)
      if (!isTensor(t) || !sameShape(t.shape, first.shape))
        throw new ShapeError(op, `at ${path || 'root'} one tree has ${showShape(first.shape)} but another has ${isTensor(t) ? showShape(t.shape) : typeof t}`)
    return f(trees as readonly Tensor[], path) as T
  }
  if (Array.isArray(first)) {
    for (const t of trees)
      if (!Array.isArray(t) || t.length !== first.length) throw new ShapeError(op, `at ${path || 'root'} the trees have different lengths`)
    return first.map((_, i) => zipTree(trees.map((t) => (t as unknown[])[i]), f, `${path}[${i}]`, op)) as T
  }
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(first)) {
      const kids = trees.map((t) => (t as Record<string, unknown> | undefined)?.[k])
      out[k] = zipTree(kids, f, path === '' ? k : `${path}.${k}`, op)
    }
    return out as T
  }
  return first as T
}

/** The tensor leaves with their paths, in a fixed order. @category tree */
export const leaves = (tree: Tree): { path: string; tensor: Tensor }[] => {
  const out: { path: string; tensor: Tensor }[] = []
  mapTree(tree, (t, path) => (out.push({ path, tensor: t }), t))
  return out
}
