import { add } from '../ops/arithmetic.js'
import { sameShape, type Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { zerosLike, type Tensor } from '../tensor/Tensor.js'
import { isTensor } from '../tree/tree.js'

// The differentiable values of `ad`: a `Var` is a tensor together with how it was computed (its
// inputs and the pullback of the primitive that made it), micrograd's `Value` for tensors. The graph
// is local to one computation: it lives in the Vars a forward pass returns and nowhere else, and
// `backprop` walks it once with its own map of gradients. Nothing is global, nothing is mutated.

/**
 * A primitive's backward pass: given `dy` (shape of its output) and which inputs need a gradient,
 * the gradient of each input (`undefined` where it is not needed).
 */
export type Pullback = (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | undefined)[]

/** How a Var was made: by `op` from `inputs`, with its pullback (none for a variable). @internal */
export interface Origin {
  readonly op: string
  readonly inputs: readonly Var[]
  readonly back: Pullback | undefined
}

/**
 * A differentiable tensor of shape `S`: its `value`, and (unless it is a constant) the local graph
 * of primitive ops it was computed by, through which gradients flow back. Ops of `ad` take Vars or
 * plain tensors (a tensor is a constant) and return Vars.
 *
 * @example
 * const x = ad.constant(tensor([2, 3], [1, 2, 3, 4, 5, 6]))   // Var<[2, 3]>
 * const y = ad.sum(ad.exp(x), 1)                              // Var<[2]>
 * @category autodiff
 */
export interface Var<S extends Shape = Shape> {
  readonly value: Tensor<S>
  /** The shape of `value`. */
  readonly shape: Readonly<S>
  /** How it was computed; `undefined` for a constant (no gradient flows into it). @internal */
  readonly origin: Origin | undefined
}

/** A Var or a plain tensor (taken as a constant): what every op of `ad` accepts. @category autodiff */
export type VarLike<S extends Shape = Shape> = Var<S> | Tensor<S>

/**
 * `S`, fixed by another argument: not an inference site, so that a second argument of another shape
 * is reported on that argument, naming both shapes (`Type '4' is not assignable to type '3'`).
 */
export type Same<S extends Shape> = S & {}

/** True for a Var (a tensor is not one). */
export const isVar = (x: unknown): x is Var => typeof x === 'object' && x !== null && 'value' in x && 'origin' in x && isTensor((x as Var).value)

const make = <S extends Shape>(value: Tensor<S>, origin: Origin | undefined): Var<S> => ({ value, shape: value.shape, origin })

/**
 * A tensor as a constant Var: ops use its value, and no gradient flows into it.
 *
 * @example
 * ad.constant(ones([3]))   // Var<[3]>
 * @category autodiff
 */
export const constant = <S extends Shape>(t: Tensor<S>): Var<S> => {
  if (!isTensor(t)) throw new ShapeError('constant', `t is ${t === null ? 'null' : typeof t}, not a tensor`)
  return make(t, undefined)
}

/** A variable: a leaf of the graph whose gradient `backprop` reports. */
export const variable = <S extends Shape>(t: Tensor<S>): Var<S> => make(t, { op: 'variable', inputs: [], back: undefined })

/**
 * `x` with its gradient stopped: the same value, as a constant (JAX's `stop_gradient`).
 *
 * @category autodiff
 */
export const stopGradient = <S extends Shape>(x: VarLike<S>): Var<S> => constant(lift('stopGradient', 'x', x).value)

/** An op's argument as a Var; throws a ShapeError naming the op and the argument if it is neither. */
export const lift = <S extends Shape>(op: string, arg: string, x: VarLike<S>): Var<S> => {
  if (isVar(x)) return x as Var<S>
  if (isTensor(x)) return constant(x as Tensor<S>)
  throw new ShapeError(op, `${arg} is ${x === null ? 'null' : typeof x}, not a tensor or a Var`)
}

const needsGrad = (v: Var): boolean => v.origin !== undefined

/**
 * The Var an op makes: `y` computed from `inputs`, with the pullback `back`. When no input needs a
 * gradient the result is a constant and `back` is dropped.
 */
export const record = <S extends Shape>(op: string, inputs: readonly Var[], y: Tensor, back: Pullback): Var<S> =>
  make(y as Tensor<S>, inputs.some(needsGrad) ? { op, inputs, back } : undefined)

/**
 * Reverse-mode differentiation of `root` with respect to `wrt`: the vector–Jacobian product of the
 * cotangent `dy` (shape of `root`), one gradient per Var of `wrt` (zeros where `root` does not
 * depend on it). Visits the graph in reverse topological order, each node once, after all the
 * nodes that use it; a Var used twice gets the sum of both gradients.
 */
export const backprop = (root: Var, dy: Tensor, wrt: readonly Var[]): Tensor[] => {
  if (!sameShape(dy.shape, root.shape)) throw new ShapeError('backprop', `dy has shape ${showShape(dy.shape)} but the output has shape ${showShape(root.shape)}`)
  // Post-order DFS (iterative: a deep graph must not overflow the stack) over the nodes that need a gradient.
  const order: Var[] = []
  const seen = new Set<Var>()
  if (needsGrad(root)) {
    const stack: { v: Var; next: number }[] = [{ v: root, next: 0 }]
    seen.add(root)
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!
      const inputs = top.v.origin!.inputs
      if (top.next < inputs.length) {
        const u = inputs[top.next++]!
        if (needsGrad(u) && !seen.has(u)) {
          seen.add(u)
          stack.push({ v: u, next: 0 })
        }
      } else {
        order.push(top.v)
        stack.pop()
      }
    }
  }
  const keep = new Set(wrt)
  const grads = new Map<Var, Tensor>([[root, dy]])
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i]!
    const origin = v.origin!
    const g = grads.get(v)
    if (g === undefined || origin.back === undefined) continue
    if (!keep.has(v)) grads.delete(v) // no longer needed: free it
    const needs = origin.inputs.map(needsGrad)
    const gs = origin.back(g, needs)
    origin.inputs.forEach((u, j) => {
      if (!needs[j]) return
      const gj = gs[j]
      if (gj === undefined || !sameShape(gj.shape, u.shape))
        throw new ShapeError(origin.op, `the gradient of input ${j} has shape ${gj === undefined ? 'undefined' : showShape(gj.shape)} but the input has shape ${showShape(u.shape)}`)
      const prev = grads.get(u)
      grads.set(u, prev === undefined ? gj : add(prev, gj))
    })
  }
  return wrt.map((v) => grads.get(v) ?? zerosLike(v.value))
}
