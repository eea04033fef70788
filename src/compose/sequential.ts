import { fold, type Key } from '../random/Key.js'
import { sameShape, type Expect, type Shape, type ShapeMismatch, type Writable } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import type { Tensor } from '../tensor/Tensor.js'
import type { AnyLayer, AnyLayerFn, CallShapeFn, Context, InOf, Layer, LayerFn, OutOf, ParamsOf, ShapeFn, StateOf } from '../layers/Layer.js'

/**
 * Layers run one after another; itself a layer. Its params are the tuple of its layers' params
 * and its state the tuple of their states, in order (`NoParams` = `{}` for an activation).
 *
 * @category compose
 */
export interface Sequential<In extends Shape, Out extends Shape, Ps extends readonly unknown[], Ss extends readonly unknown[]>
  extends Layer<In, Out, Ps, Ss> {
  readonly kind: 'sequential'
  readonly layers: readonly AnyLayer[]
}

type AnySequential = Sequential<Shape, Shape, readonly unknown[], readonly unknown[]>
type Tuple<T> = T extends readonly unknown[] ? T : never
type PsOf<L> = L extends { readonly kind: 'sequential' } ? Tuple<ParamsOf<L>> : readonly [ParamsOf<L>]
type SsOf<L> = L extends { readonly kind: 'sequential' } ? Tuple<StateOf<L>> : readonly [StateOf<L>]

const isSequential = (l: AnyLayer): l is AnySequential => l.kind === 'sequential'
const layersOf = (l: AnyLayer): readonly AnyLayer[] => (isSequential(l) ? l.layers : [l])

/**
 * Composes layers in order: the forward pass runs them first to last, the backward pass runs their
 * backs last to first (backpropagation through the flow graph). Internal: users compose with
 * {@link andThen}, which types the result.
 */
export const sequential = (layers: readonly AnyLayer[]): AnySequential => {
  const flat = layers.flatMap(layersOf)
  for (let i = 1; i < flat.length; i++)
    if (!sameShape(flat[i - 1]!.outShape, flat[i]!.inShape))
      throw new ShapeError('andThen', `${flat[i]!.name} expects ${showShape(flat[i]!.inShape)} but ${flat[i - 1]!.name} gives ${showShape(flat[i - 1]!.outShape)}`)
  const name = flat.map((l) => l.name).join(' → ')
  const inShape = flat[0]!.inShape
  return {
    kind: 'sequential',
    name,
    layers: flat,
    inShape,
    outShape: flat[flat.length - 1]!.outShape,
    init: (key: Key) => flat.map((l, i) => l.init(fold(key, i))),
    initState: () => flat.map((l) => l.initState()),
    apply: (params: readonly unknown[], x: Tensor, ctx: Context<readonly unknown[]> = {}) => {
      if (x.shape.length !== inShape.length + 1 || !sameShape(x.shape.slice(1), inShape))
        throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${inShape.join(',')}] was expected`)
      const backs: ((dy: Tensor) => readonly [unknown, Tensor])[] = []
      const states: unknown[] = []
      let stateChanged = false
      let h = x
      for (let i = 0; i < flat.length; i++) {
        const st = ctx.state?.[i]
        const sub: Context<unknown> = {
          ...(ctx.training !== undefined && { training: ctx.training }),
          ...(ctx.key !== undefined && { key: fold(ctx.key, i) }),
          ...(st !== undefined && { state: st }),
        }
        const [y, back, newState] = flat[i]!.apply(params[i], h, sub)
        backs.push(back)
        states.push(newState ?? st)
        if (newState !== undefined) stateChanged = true
        h = y
      }
      const back = (dy: Tensor) => {
        const grads: unknown[] = new Array(flat.length)
        let d = dy
        for (let i = flat.length - 1; i >= 0; i--) {
          const [g, dx] = backs[i]!(d)
          grads[i] = g
          d = dx
        }
        return [grads, d] as const
      }
      return stateChanged ? ([h, back, states] as const) : ([h, back] as const)
    },
  } as unknown as AnySequential
}

/** What `next` makes of an input shape `S`: its output shape, or a ShapeMismatch. */
type FnOf<N> = N extends { readonly shapeFn?: infer F extends ShapeFn } ? F : never
type OutAfter<N, S extends Shape> = N extends AnyLayer ? OutOf<N> : CallShapeFn<FnOf<N>, S>['out']
type ParamsAfter<N, S extends Shape> = N extends AnyLayer ? ParamsOf<N> : CallShapeFn<FnOf<N>, S>['params']
type StateAfter<N, S extends Shape> = N extends AnyLayer ? StateOf<N> : CallShapeFn<FnOf<N>, S>['state']
/** The output shape a layer before `next` must have: its own when it fits, else the mismatch message. */
type Fits<N, S> = S extends Shape
  ? N extends AnyLayer ? Expect<S, InOf<N>>
    : OutAfter<N, S> extends ShapeMismatch<string> ? OutAfter<N, S> : S
  : never

/** A layer whose output shape is `S` (what `andThen(next)` requires of the layer before it). */
export interface Outputs<S> {
  readonly outShape: S
}

/**
 * `andThen(next)`, waiting for the layer before it. It accepts a layer whose output shape fits
 * `next` — otherwise the compiler names both shapes (`expects [255] but gets [256]`).
 */
export interface Then<N> {
  <L extends Outputs<Fits<N, L['outShape']>>>(prev: L): Sequential<
    InOf<L>,
    OutAfter<N, OutOf<L>> extends infer O extends Shape ? O : never,
    readonly [...PsOf<L>, ParamsAfter<N, OutOf<L>>],
    readonly [...SsOf<L>, StateAfter<N, OutOf<L>>]
  >
}

/**
 * Data-last composition for `pipe`: `pipe(first, andThen(second))` runs `first` then `second`.
 * The compiler checks that `second` accepts `first`'s output shape: a fixed layer (`dense(256, 10)`)
 * must get exactly its input shape; a shape-polymorphic one (`relu`, `conv2d(5, 6)`, `flatten`) is
 * bound to it and computes its own output shape. Params and state of the result are flat tuples,
 * one entry per layer.
 *
 * @example
 * const mlp = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))
 * // Sequential<[784], [10], readonly [DenseParams<784, 256>, NoParams, DenseParams<256, 10>], ...>
 * @category compose
 */
export const andThen =
  <N extends AnyLayer | AnyLayerFn>(next: N): Then<N> =>
  ((prev: AnyLayer) => {
    if (prev === undefined || !('outShape' in prev))
      throw new ShapeError('andThen', `${(prev as { name?: string } | undefined)?.name ?? 'the first layer'} has no fixed output shape: start the network with input(shape) or a layer such as dense`)
    const bound = 'bind' in next ? (next as AnyLayerFn).bind(prev.outShape) : next
    return sequential([prev, bound as AnyLayer])
  }) as unknown as Then<N>

/** The identity on feature shape `S`. @category compose */
export interface Input<S extends Shape> extends Layer<S, S, Record<string, never>> {
  readonly kind: 'input'
}

/**
 * The start of a network with a fixed input feature shape, e.g. `input([28, 28, 1])` for MNIST
 * images: the identity, with no params. A network whose first layer has no fixed input shape
 * (an activation, dropout, a convolution) starts with it.
 *
 * @example
 * const net = pipe(input([28, 28, 1]), andThen(conv2d(5, 6)), andThen(relu))   // [B, 28, 28, 1] → [B, 24, 24, 6]
 * @category compose
 */
export const input = <const S extends Shape>(shape: S): Input<Writable<S>> => {
  if (shape.some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError('input', `shape ${showShape(shape)} must have positive integer dimensions`)
  const name = `input(${showShape(shape)})`
  return {
    kind: 'input',
    name,
    inShape: shape,
    outShape: shape,
    init: () => ({}),
    initState: () => undefined,
    apply: <B extends number>(_: Record<string, never>, x: Tensor<[B, ...Writable<S>]>) => {
      if (x.shape.length !== shape.length + 1 || !sameShape(x.shape.slice(1), shape))
        throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${shape.join(',')}] was expected`)
      return [x, (dy: Tensor<[B, ...Writable<S>]>) => [{}, dy] as const] as const
    },
  } as Input<Writable<S>>
}
