import { ValueError } from '../shape/ValueError.js'
import { leaves, mapTree, pathUnder, zipTree } from '../tree/tree.js'
import type { Tensor } from '../tensor/Tensor.js'

/** The finite-difference check of one param tensor. */
export interface TensorCheck {
  readonly path: string
  /** `max_i |analytic_i − numeric_i| / max(‖analytic‖∞, ‖numeric‖∞)`. */
  readonly maxRelError: number
  readonly maxAbsError: number
}

/** The result of {@link gradCheck}: one entry per param tensor, and the worst of them. */
export interface GradCheckReport {
  readonly maxRelError: number
  readonly tensors: readonly TensorCheck[]
}

/**
 * Checks an analytic gradient against central finite differences
 * `(f(θ + ε) − f(θ − ε)) / 2ε`, entry by entry, and reports the largest relative error of each
 * param tensor (relative to the tensor's largest gradient entry, so that entries that are zero in
 * both do not divide by zero).
 *
 * `f(params)` must return `[loss, grads]` (e.g. a partial application of `valueAndGrad`). Params
 * must be float64: float32 rounding swamps the differences.
 *
 * @throws ValueError naming the leaf (`params[0].w`) when a param tensor is not float64; ShapeError
 *   naming the path when the gradient's structure or shapes differ from the params'.
 * @example
 * const report = gradCheck((p) => valueAndGrad(net, squaredError)(p, x, y), params64)
 * report.maxRelError < 1e-6
 * @category grad
 */
export const gradCheck = <P>(f: (params: P) => readonly [number, P, ...unknown[]], params: P, eps = 1e-6): GradCheckReport => {
  const paramLeaves = leaves(params)
  for (const { path, tensor } of paramLeaves)
    if (tensor.dtype !== 'float64') throw new ValueError('gradCheck', `${pathUnder('params', path)} is ${tensor.dtype}; gradient checks need float64 params`)
  // The analytic gradient leaf by leaf, checked to have the params' structure and shapes.
  const analytic: Tensor[] = []
  zipTree([params, f(params)[1]], ([, g]) => (analytic.push(g!), g!), '', 'gradCheck')
  const tensors: TensorCheck[] = []
  paramLeaves.forEach(({ path }, li) => {
    const a = analytic[li]!.data
    // A private copy of this leaf whose entries are nudged in turn (nothing else sees it).
    let probe: Tensor | undefined
    const withProbe = mapTree(params, (t, p) => (p === path ? (probe = { ...t, data: Float64Array.from(t.data) }) : t))
    const d = probe!.data
    let maxAbs = 0, scale = 0
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!
      d[i] = v + eps
      const up = f(withProbe)[0]
      d[i] = v - eps
      const down = f(withProbe)[0]
      d[i] = v
      const numeric = (up - down) / (2 * eps)
      maxAbs = Math.max(maxAbs, Math.abs(numeric - a[i]!))
      scale = Math.max(scale, Math.abs(numeric), Math.abs(a[i]!))
    }
    tensors.push({ path, maxAbsError: maxAbs, maxRelError: scale === 0 ? 0 : maxAbs / scale })
  })
  return { maxRelError: Math.max(0, ...tensors.map((t) => t.maxRelError)), tensors }
}
