import type { Context, Layer } from '../layers/Layer.js'
import { key as makeKey, type Key } from '../random/Key.js'
import { sameShape, type Shape, type Writable } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { zeros, type Tensor } from '../tensor/Tensor.js'
import { backprop, constant, variable, type Var } from './Var.js'
import { assertVar, gradTree, variables, type Vars } from './vjp.js'

/** What a custom layer's `forward` is told about the call: train or eval, and its random key. @category autodiff */
export interface ForwardContext {
  /** `true` in training (`fit` passes it), `false` in evaluation. */
  readonly training: boolean
  /** Randomness for this call (set by `fit` in training), e.g. for a dropout mask. */
  readonly key: Key | undefined
}

/**
 * The definition of a custom layer `[B, ...In] → [B, ...Out]` (see {@link layer}).
 *
 * @category autodiff
 */
export interface LayerDef<In extends Shape, Out extends Shape, P> {
  /** A short description for error messages, e.g. `layerNorm(8)`. */
  readonly name: string
  /** The feature shape of the input (without the batch dimension). */
  readonly inShape: In
  /**
   * The feature shape of the output. When given, `forward` must return it (else a compile error
   * names both shapes); when left out, the compiler takes it from `forward`'s type, and run time
   * from one forward pass on a batch of one example of zeros, with params from `init(key(0))`.
   */
  readonly outShape?: Out
  /** Fresh params (a tree of tensors) from a key: the same key must give the same bits. */
  readonly init: (key: Key, inShape: In) => P
  /**
   * The forward pass on a batch, written with the ops of `ad`: the params as Vars (the tree of
   * `init`'s tensors), `x: Var<[number, ...In]>`, the result `Var<[number, ...Out]>` (the batch
   * size is a run-time `number`). The backward pass is derived from it.
   */
  readonly forward: (params: Vars<P>, x: Var<[number, ...In]>, ctx: ForwardContext) => Var<[number, ...Out]>
}

/** A {@link LayerDef} whose `outShape` is given: `forward` must return exactly that shape. @category autodiff */
export interface LayerDefWithOutShape<In extends Shape, Out extends Shape, P, Y> extends Omit<LayerDef<In, Out, P>, 'outShape' | 'forward'> {
  readonly outShape: Out
  // NOTE: `Y` (checked against `Var<[number, ...Out]>` by the caller's constraint), so that `Out`
  // is inferred from `outShape` alone and a wrong result is reported on `forward` with both shapes.
  readonly forward: (params: Vars<P>, x: Var<[number, ...In]>, ctx: ForwardContext) => Y
}

/** A layer made by {@link layer}: an ordinary `Layer<In, Out, P>` with no state. @category autodiff */
export interface CustomLayer<In extends Shape, Out extends Shape, P> extends Layer<In, Out, P> {
  readonly kind: 'custom'
}

const checkShape = (op: string, name: string, s: Shape): void => {
  if (!Array.isArray(s) || s.some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError(op, `${name} ${Array.isArray(s) ? showShape(s) : String(s)} must have positive integer dimensions`)
}

/**
 * A layer from a forward pass written with the differentiable ops of `ad`; its backward pass is
 * derived (reverse mode over the graph of that one call, kept nowhere else). The result is an
 * ordinary {@link Layer}: it composes with `pipe`/`andThen`, trains with `fit`, and its params (the
 * tree `init` returns) go through optimizers, `gradCheck` and checkpoints like any other.
 *
 * Layer normalisation (Ba, Kiros & Hinton, 2016), `y = γ ⊙ (x − μ) / √(σ² + ε) + β` over the
 * features of each example, is the example below.
 *
 * @throws ShapeError at construction for a bad `inShape`/`outShape`; when applied, naming the layer
 *   and both shapes when `x` does not fit or `forward` returns another shape than `outShape`.
 * @example
 * const layerNorm = <const N extends number>(n: N, eps = 1e-5) =>
 *   layer({
 *     name: `layerNorm(${n})`,
 *     inShape: [n],
 *     init: () => ({ gamma: ones([n]), beta: zeros([n]) }),
 *     forward: ({ gamma, beta }, x) => {
 *       const centred = ad.sub(x, ad.expand(ad.mean(x, -1), -1, n))                    // x − μ
 *       const std = ad.sqrt(ad.addScalar(ad.mean(ad.square(centred), -1), eps))        // √(σ² + ε)
 *       const normalised = ad.div(centred, ad.expand(std, -1, n))
 *       return ad.addBias(ad.mul(normalised, ad.expand(gamma, 0, x.shape[0])), beta)
 *     },
 *   })
 * const net = pipe(dense(4, 8), andThen(layerNorm(8)), andThen(relu), andThen(dense(8, 3)))   // [B, 4] → [B, 3]
 * @category autodiff
 */
export function layer<const In extends Shape, P, const Out extends Shape>(def: LayerDef<In, Out, P> & { readonly outShape?: undefined }): CustomLayer<Writable<In>, Writable<Out>, P>
export function layer<const In extends Shape, P, const Out extends Shape, Y extends Var<[number, ...Out]>>(def: LayerDefWithOutShape<In, Out, P, Y>): CustomLayer<Writable<In>, Writable<Out>, P>
export function layer<In extends Shape, P, Out extends Shape>(def: LayerDef<In, Out, P>): CustomLayer<Writable<In>, Writable<Out>, P> {
  const op = 'layer'
  const name = def.name
  if (typeof name !== 'string' || name === '') throw new ValueError(op, 'name must be a non-empty string')
  checkShape(name, 'inShape', def.inShape)
  const inShape = [...def.inShape] as Shape
  const run = (params: P, x: Tensor, ctx: ForwardContext, asVariable: boolean) => {
    const { vars, leaves } = variables(name, params)
    const xv = asVariable ? variable(x) : constant(x)
    const y = assertVar(name, 'forward result', (def.forward as (p: unknown, x: Var, ctx: ForwardContext) => unknown)(vars, xv, ctx))
    return { y, xv, leaves }
  }
  let outShape: Shape
  if (def.outShape !== undefined) {
    checkShape(name, 'outShape', def.outShape)
    outShape = [...def.outShape]
  } else {
    const { y } = run(def.init(makeKey(0), def.inShape), zeros([1, ...inShape]), { training: false, key: undefined }, false)
    outShape = y.shape.slice(1)
  }
  const apply = (params: P, x: Tensor, ctx: Context<undefined> = {}) => {
    if (x.shape.length !== inShape.length + 1 || !sameShape(x.shape.slice(1), inShape))
      throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${inShape.join(',')}] was expected`)
    const { y, xv, leaves } = run(params, x, { training: ctx.training ?? false, key: ctx.key }, true)
    const want = [x.shape[0]!, ...outShape]
    if (!sameShape(y.shape, want)) throw new ShapeError(name, `forward returns shape ${showShape(y.shape)} but ${showShape(want)} was expected`)
    const back = (dy: Tensor) => {
      if (!sameShape(dy.shape, want)) throw new ShapeError(name, `dy has shape ${showShape(dy.shape)} but ${showShape(want)} was expected`)
      const grads = backprop(y, dy, [...leaves, xv])
      const dx = grads.pop()!
      return [gradTree(name, params, grads), dx] as const
    }
    return [y.value, back] as const
  }
  return {
    kind: 'custom',
    name,
    inShape,
    outShape,
    init: (key: Key) => def.init(key, def.inShape),
    initState: () => undefined,
    apply,
  } as unknown as CustomLayer<Writable<In>, Writable<Out>, P>
}
