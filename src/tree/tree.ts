import { sameShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import type { Tensor } from '../tensor/Tensor.js'

/**
 * Param trees: a tensor, or arrays and plain objects of param trees (a network's params, its
 * gradients, an optimizer's moments). Anything else (`undefined`, numbers, labels) is a leaf that
 * tree maps pass through untouched.
 *
 * @category tree
 */
export type Tree = unknown

// -------------------------------------------------------------------------------------------------
// paths: one format everywhere (tree maps, optimizers, checkpoints, gradCheck, error messages)
// -------------------------------------------------------------------------------------------------

/**
 * Where a node sits in a tree: `''` for the root, `[2]` for item 2 of an array, `w` for key `w`,
 * joined as in TypeScript: `[2].w`, `opt[0].mu[2].w`.
 */
export type Path = string

/** The path of item `k` (a number: an array index) or key `k` of the node at `path`. */
export const childPath = (path: Path, k: string | number): Path =>
  typeof k === 'number' ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`

/** `path` below a named root, e.g. `params` + `[0].w` → `params[0].w`, `params` + `''` → `params`. */
export const pathUnder = (root: string, path: Path): Path =>
  path === '' ? root : root === '' ? path : path.startsWith('[') ? `${root}${path}` : `${root}.${path}`

/** A path as error messages print it: `the root` for `''`, else the path itself. */
export const showPath = (path: Path): string => (path === '' ? 'the root' : path)

// -------------------------------------------------------------------------------------------------
// node kinds
// -------------------------------------------------------------------------------------------------

/** True for a tensor leaf (also `Labels`: typed-array `data` with a `shape`). */
export const isTensor = (x: unknown): x is Tensor =>
  typeof x === 'object' && x !== null && 'shape' in x && 'data' in x && ArrayBuffer.isView((x as Tensor).data)

/** True for `{ … }` literals and `Object.create(null)`, not for class instances, maps or arrays. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)

/** How the walker treats a node: descend into an array or object, or hand it to `leaf`. */
export type NodeKind = 'array' | 'object' | 'leaf'

/** The default node kinds: tensors and labels are leaves; arrays and plain objects are containers. */
export const nodeKind = (v: unknown): NodeKind => (isTensor(v) ? 'leaf' : Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : 'leaf')

/**
 * Where walked trees disagree: tree number `tree` (1 for the second tree …) has another kind of
 * node at `path`, another length, a missing or an extra key; or tree 0 contains itself.
 */
export type Mismatch = { readonly path: Path; readonly tree: number } & (
  | { readonly kind: 'node' }
  | { readonly kind: 'length' }
  | { readonly kind: 'missingKey'; readonly key: string }
  | { readonly kind: 'extraKey'; readonly key: string }
  | { readonly kind: 'cycle' }
)

// -------------------------------------------------------------------------------------------------
// the walker
// -------------------------------------------------------------------------------------------------

/** What {@link walkTrees} does at each node. */
export interface Walk {
  /**
   * The result(s) at a leaf of the first tree, given the values of every tree there: one value, or
   * with `outputs: n` an array of `n` values (one per output tree).
   */
  readonly leaf: (values: readonly unknown[], path: Path) => unknown
  /** Says why the trees differ; must throw. */
  readonly mismatch: (m: Mismatch, values: readonly unknown[]) => never
  /** How many trees to build; when given, `leaf` returns an array and the walk an array of trees. */
  readonly outputs?: number
  /** Node kinds, per tree (default {@link nodeKind}). */
  readonly kindOf?: (v: unknown, tree: number) => NodeKind
  /** Called at each container of the first tree before its children, e.g. to refuse some keys. */
  readonly enter?: (values: readonly unknown[], kind: 'array' | 'object', path: Path) => void
}

/**
 * The one tree walker. Walks `trees` together; the first one gives the structure (arrays and
 * plain objects, in its key order), the others must match it (same kinds of nodes, lengths and
 * keys), else `walk.mismatch` is called. At each leaf of the first tree `walk.leaf` gets every
 * tree's value and path; the results are assembled into `walk.outputs` new trees of the first
 * tree's structure. Tree maps, zips, the optimizers, checkpoints and `gradCheck` are all this walk.
 *
 * @returns one tree, or with `walk.outputs` given, an array of that many trees.
 */
export const walkTrees = (trees: readonly unknown[], walk: Walk, path: Path = ''): unknown => {
  const n = walk.outputs ?? 1
  const kindOf = walk.kindOf ?? nodeKind
  // NOTE: an array, not a Set: trees are shallow, and this walk runs several times per training step.
  const ancestors: unknown[] = []
  const go = (values: readonly unknown[], path: Path): unknown[] => {
    const first = values[0]
    const kind = kindOf(first, 0)
    if (kind === 'leaf') {
      const r = walk.leaf(values, path)
      return walk.outputs === undefined ? [r] : (r as unknown[])
    }
    for (let t = 1; t < values.length; t++) if (kindOf(values[t], t) !== kind) walk.mismatch({ path, tree: t, kind: 'node' }, values)
    if (ancestors.includes(first)) walk.mismatch({ path, tree: 0, kind: 'cycle' }, values)
    walk.enter?.(values, kind, path)
    ancestors.push(first)
    const outs: unknown[] = []
    if (kind === 'array') {
      const items = first as readonly unknown[]
      for (let t = 1; t < values.length; t++) if ((values[t] as unknown[]).length !== items.length) walk.mismatch({ path, tree: t, kind: 'length' }, values)
      const built = Array.from({ length: n }, () => new Array<unknown>(items.length))
      for (let i = 0; i < items.length; i++) {
        const r = go(values.map((v) => (v as unknown[])[i]), childPath(path, i))
        for (let j = 0; j < n; j++) built[j]![i] = r[j]
      }
      outs.push(...built)
    } else {
      const obj = first as Record<string, unknown>
      const keys = Object.keys(obj)
      for (let t = 1; t < values.length; t++) {
        const other = values[t] as Record<string, unknown>
        for (const k of Object.keys(other)) if (!Object.hasOwn(obj, k)) walk.mismatch({ path, tree: t, kind: 'extraKey', key: k }, values)
        for (const k of keys) if (!Object.hasOwn(other, k)) walk.mismatch({ path, tree: t, kind: 'missingKey', key: k }, values)
      }
      // NOTE: entries, not assignments, so that a key such as `__proto__` (JSON.parse makes it an own key) stays data.
      const built = Array.from({ length: n }, () => [] as [string, unknown][])
      for (const k of keys) {
        const r = go(values.map((v) => (v as Record<string, unknown>)[k]), childPath(path, k))
        for (let j = 0; j < n; j++) built[j]!.push([k, r[j]])
      }
      for (const entries of built) outs.push(Object.fromEntries(entries))
    }
    ancestors.pop()
    return outs
  }
  const out = go(trees, path)
  return walk.outputs === undefined ? out[0] : out
}

/** The default wording of a {@link Mismatch} between trees that should have one structure. */
export const describeMismatch = (m: Mismatch, values: readonly unknown[]): string => {
  const at = `at ${showPath(m.path)}`
  const show = (v: unknown) => (isTensor(v) ? `a tensor ${showShape(v.shape)}` : Array.isArray(v) ? `an array of length ${v.length}` : v === null ? 'null' : typeof v === 'object' ? 'an object' : `a ${typeof v}`)
  switch (m.kind) {
    case 'node':
      return `${at} tree 0 has ${show(values[0])} but tree ${m.tree} has ${show(values[m.tree])}`
    case 'length':
      return `${at} tree 0 has ${show(values[0])} but tree ${m.tree} has ${show(values[m.tree])} (the trees have different lengths)`
    case 'missingKey':
      return `${at} tree ${m.tree} has no key '${m.key}' but tree 0 has one`
    case 'extraKey':
      return `${at} tree ${m.tree} has a key '${m.key}' that tree 0 does not have`
    case 'cycle':
      return `${at} the tree refers to itself`
  }
}

const throwShapeError = (op: string) => (m: Mismatch, values: readonly unknown[]): never => {
  throw new ShapeError(op, describeMismatch(m, values))
}

// -------------------------------------------------------------------------------------------------
// maps and zips over tensor leaves
// -------------------------------------------------------------------------------------------------

/**
 * Applies `f` to every tensor leaf, keeping the structure (optax `tree_map`). `f` gets the leaf's
 * path (`[2].w`). Other leaves pass through.
 *
 * @throws ShapeError naming the path when the tree contains itself.
 * @example
 * mapTree(params, (t) => astype(t, 'float64'))
 * @category tree
 */
export const mapTree = <T>(tree: T, f: (t: Tensor, path: Path) => Tensor, path: Path = ''): T =>
  walkTrees([tree], { leaf: ([v], p) => (isTensor(v) ? f(v, p) : v), mismatch: throwShapeError('mapTree') }, path) as T

/**
 * Combines the tensor leaves of trees of identical structure with `f`; other leaves are taken from
 * the first tree.
 *
 * @throws ShapeError naming the path when structures or shapes differ, e.g.
 *   `zipTree: at [0].w one tree has [4,3] but another has [4,8]`.
 * @example
 * zipTree([params, grads], ([p, g]) => sub(p!, scale(g!, 0.1)))
 * @category tree
 */
export const zipTree = <T>(trees: readonly T[], f: (ts: readonly Tensor[], path: Path) => Tensor, path: Path = '', op = 'zipTree'): T =>
  walkTrees(trees, { leaf: (vs, p) => zipLeaf(op, vs, p, f), mismatch: throwShapeError(op) }, path) as T

/** The tensors at one leaf of zipped trees, checked to be tensors of one shape. */
const tensorsAt = (op: string, values: readonly unknown[], path: Path): readonly Tensor[] | undefined => {
  const first = values[0]
  if (!isTensor(first)) return undefined
  for (const t of values)
    if (!isTensor(t) || !sameShape(t.shape, first.shape))
      throw new ShapeError(op, `at ${showPath(path)} one tree has ${showShape(first.shape)} but another has ${isTensor(t) ? showShape(t.shape) : typeof t}`)
  return values as readonly Tensor[]
}

const zipLeaf = (op: string, values: readonly unknown[], path: Path, f: (ts: readonly Tensor[], path: Path) => Tensor): unknown => {
  const ts = tensorsAt(op, values, path)
  return ts === undefined ? values[0] : f(ts, path)
}

/**
 * {@link zipTree} with `n` results per leaf, built into `n` trees in one walk (e.g. Adam's update
 * and both moments from one pass over the gradients). `f` returns `n` tensors.
 *
 * @category tree
 */
export const zipTreeN = <T>(trees: readonly T[], n: number, f: (ts: readonly Tensor[], path: Path) => readonly Tensor[], op = 'zipTree'): T[] =>
  walkTrees(trees, {
    outputs: n,
    leaf: (vs, p) => {
      const ts = tensorsAt(op, vs, p)
      return ts === undefined ? Array.from({ length: n }, () => vs[0]) : f(ts, p)
    },
    mismatch: throwShapeError(op),
  }) as T[]

/** The tensor leaves with their paths, in the walker's order. @category tree */
export const leaves = (tree: Tree): { path: Path; tensor: Tensor }[] => {
  const out: { path: Path; tensor: Tensor }[] = []
  mapTree(tree, (t, path) => (out.push({ path, tensor: t }), t))
  return out
}
