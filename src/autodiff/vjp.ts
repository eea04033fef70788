import type { Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { full, type Tensor } from '../tensor/Tensor.js'
import { describeMismatch, isTensor, walkTrees } from '../tree/tree.js'
import { backprop, isVar, variable, type Var } from './Var.js'

/**
 * A param tree with every tensor `Tensor<S>` replaced by a `Var<S>`: what a custom layer's
 * `forward` and {@link valueAndGrad}'s function get.
 *
 * @category autodiff
 */
export type Vars<P> = P extends Tensor<infer S>
  ? Var<S>
  : P extends readonly unknown[] ? { readonly [K in keyof P]: Vars<P[K]> }
  : P extends object ? { readonly [K in keyof P]: Vars<P[K]> }
  : P

const isFloatTensor = (v: unknown): v is Tensor => isTensor(v) && (v.data instanceof Float32Array || v.data instanceof Float64Array)

/**
 * The tree `params` with each float tensor made a variable, and those variables in walk order
 * (the order `mapTree` visits the tensors in, so `gradTree` can put the gradients back).
 */
export const variables = <P>(op: string, params: P): { readonly vars: Vars<P>; readonly leaves: readonly Var[] } => {
  const leaves: Var[] = []
  const vars = walkTrees([params], {
    leaf: ([v]) => (isFloatTensor(v) ? (leaves.push(variable(v)), leaves[leaves.length - 1]) : v),
    mismatch: (m, values) => {
      throw new ShapeError(op, describeMismatch(m, values))
    },
  }) as Vars<P>
  return { vars, leaves }
}

/** `params` with its float tensors replaced, in walk order, by `grads`. */
export const gradTree = <P>(op: string, params: P, grads: readonly Tensor[]): P => {
  let i = 0
  return walkTrees([params], {
    leaf: ([v]) => (isFloatTensor(v) ? grads[i++] : v),
    mismatch: (m, values) => {
      throw new ShapeError(op, describeMismatch(m, values))
    },
  }) as P
}

/** Checks that a function of Vars returned one, naming the op and the path of the culprit. */
export const assertVar = (op: string, what: string, y: unknown): Var => {
  if (!isVar(y)) throw new ShapeError(op, `${what} is ${isTensor(y) ? `a tensor ${showShape(y.shape)}` : y === null ? 'null' : typeof y}, not a Var (build it with the ops of ad)`)
  return y
}

/** The Vars of a tuple of tensors. */
export type VarsOf<Args extends readonly Tensor[]> = { readonly [K in keyof Args]: Vars<Args[K]> }

/**
 * The vector–Jacobian product of a function written with the ops of `ad`: `vjp(f, ...xs)` runs
 * `f` on the tensors `xs` and gives `[y, back]`, where `back(dy)` is the tuple of gradients
 * `dy · ∂y/∂xᵢ`, one per argument, with its shape: the layers' `[y, back]` form, for any op or
 * composition of ops (JAX's `vjp`).
 *
 * @throws ShapeError when `f` does not return a Var, or `dy` has another shape than `y`.
 * @example
 * const [y, back] = ad.vjp((a, b) => ad.matmul(a, b), ones([2, 3]), ones([3, 4]))   // y: Tensor<[2, 4]>
 * const [da, db] = back(ones([2, 4]))                                                 // Tensor<[2, 3]>, Tensor<[3, 4]>
 * @category autodiff
 */
export const vjp = <const Args extends readonly Tensor[], S extends Shape>(
  f: (...args: VarsOf<Args>) => Var<S>,
  ...args: Args
): readonly [Tensor<S>, (dy: Tensor<S>) => Args] => {
  const xs = args.map((a, i) => {
    if (!isFloatTensor(a)) throw new ShapeError('vjp', `argument ${i} is not a float tensor`)
    return variable(a)
  })
  const y = assertVar('vjp', 'the function result', (f as (...v: Var[]) => unknown)(...xs))
  const back = (dy: Tensor<S>): Args => {
    if (!isTensor(dy)) throw new ShapeError('vjp', `dy is ${typeof dy}, not a tensor`)
    return backprop(y, dy, xs) as unknown as Args
  }
  return [y.value as Tensor<S>, back] as const
}

/**
 * The value of a scalar function of a param tree and its gradient, with the tree's structure:
 * `valueAndGrad(f, params)` is `[f(params), ∂f/∂params]` for `f` written with the ops of `ad`
 * (its result a scalar `Var<[]>`, e.g. from `sumAll`). Non-tensor leaves pass through. The pair
 * is what `gradCheck` checks.
 *
 * @throws ShapeError when `f` does not return a scalar Var.
 * @example
 * const params = { w: tensor([2], [3, 4], 'float64') }
 * const [value, grads] = ad.valueAndGrad((p) => ad.sumAll(ad.square(p.w)), params)   // 25, { w: [6, 8] }
 * gradCheck((p) => ad.valueAndGrad((v) => ad.sumAll(ad.square(v.w)), p), params).maxRelError < 1e-6
 * @category autodiff
 */
export const valueAndGrad = <P>(f: (params: Vars<P>) => Var<[]>, params: P): readonly [number, P] => {
  const op = 'valueAndGrad'
  const { vars, leaves } = variables(op, params)
  const y = assertVar(op, 'the function result', f(vars))
  if (y.shape.length !== 0) throw new ShapeError(op, `the function returns shape ${showShape(y.shape)} but a scalar [] was expected (reduce it with sumAll or meanAll)`)
  const value = y.value.data[0]!
  const grads = backprop(y, full([], 1, y.value.dtype), leaves)
  return [value, gradTree(op, params, grads)] as const
}
