import type { Key } from '../random/Key.js'
import type { Shape } from '../shape/Shape.js'
import type { Tensor } from '../tensor/Tensor.js'

/**
 * How a layer is applied. Train versus eval is an argument, never a global flag.
 * - `training`: dropout samples masks and batch norm uses batch statistics (default `false`).
 * - `key`: randomness for this call (dropout masks); layers that need it throw without it.
 * - `state`: the layer's non-trainable state (batch-norm running statistics).
 *
 * @category layers
 */
export interface Context<St = unknown> {
  readonly training?: boolean
  readonly key?: Key
  readonly state?: St
}

/**
 * A layer's backward pass: given `dy = ∂L/∂y` of shape `[B, ...Out]`, the gradient for the params
 * (same structure as the params) and `dx = ∂L/∂x` of shape `[B, ...In]`.
 */
export type Back<B extends number, In extends Shape, Out extends Shape, P> = (dy: Tensor<[B, ...Out]>) => readonly [P, Tensor<[B, ...In]>]

/**
 * What applying a layer gives: the output `y: [B, ...Out]`, the backward pass, and (for layers with
 * state, such as batch norm) the new state. Stateless layers return just `[y, back]`.
 */
export type Forward<B extends number, In extends Shape, Out extends Shape, P, St = undefined> = readonly [
  Tensor<[B, ...Out]>,
  Back<B, In, Out, P>,
  St?,
]

/**
 * A layer from feature shape `In` to feature shape `Out` with params `P` (a tree of tensors) and
 * state `St`: it maps a batch `x: [B, ...In]` to `y: [B, ...Out]`, the batch size `B` generic.
 *
 * `apply(params, x)` is the forward pass; it returns `[y, back]`, where `back` closes over what the
 * forward pass computed. A composition of layers is again a layer. `inShape` and `outShape` are the
 * feature shapes at run time too (checked there when the compiler only knows `number`).
 *
 * @example
 * const l = dense(3, 2)                            // Layer<[3], [2], DenseParams<3, 2>>
 * const p = l.init(key(0))
 * const [y, back] = l.apply(p, zeros([5, 3]))     // y: Tensor<[5, 2]>
 * const [dp, dx] = back(ones([5, 2]))             // dp: DenseParams<3, 2>, dx: Tensor<[5, 3]>
 * @category layers
 */
export interface Layer<In extends Shape, Out extends Shape, P, St = undefined> {
  /** What kind of layer this is (`'dense'`, `'conv2d'`, `'sequential'` …), for tools such as ONNX export. */
  readonly kind: string
  /** A short description used in error messages, e.g. `dense(784→256)`. */
  readonly name: string
  /** The feature shape of the input (without the batch dimension). */
  readonly inShape: In
  /** The feature shape of the output (without the batch dimension). */
  readonly outShape: Out
  /** Fresh params from a key: the same key gives the same bits. */
  readonly init: (key: Key) => P
  /** Initial non-trainable state (`undefined` for stateless layers). */
  readonly initState: () => St
  /** The forward pass. */
  readonly apply: <B extends number>(params: P, x: Tensor<[B, ...In]>, ctx?: Context<St>) => Forward<B, In, Out, P, St>
}

/** Any layer, for containers and helpers that do not care about shapes. @category layers */
export interface AnyLayer {
  readonly kind: string
  readonly name: string
  readonly inShape: Shape
  readonly outShape: Shape
  readonly init: (key: Key) => any // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly initState: () => any // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly apply: (params: any, x: any, ctx?: any) => readonly [any, any, any?] // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * A type-level function from an input feature shape (`this['in']`) to what a shape-polymorphic
 * layer makes of it: its output shape (or a `ShapeMismatch`), params and state. Layers such as
 * `conv2d(5, 6)` or `relu` do not know their input shape until they are composed; each has one of
 * these (the "this-type" encoding of a type function).
 *
 * @category layers
 */
export interface ShapeFn {
  // NOTE: `unknown`, not `Shape`: `(F & { in: S })['in']` is then exactly `S`, not `Shape & S`.
  readonly in: unknown
  /** A `Shape`, or a {@link ShapeMismatch} when the input does not fit. */
  readonly out: unknown
  readonly params: unknown
  readonly state: unknown
}

/** `F` applied to the input shape `S`. */
export type CallShapeFn<F extends ShapeFn, S extends Shape> = F & { readonly in: S }

/** What a shape function gives for `S` when it fits: the layer bound to that input shape. */
export type BoundLayer<F extends ShapeFn, S extends Shape> =
  CallShapeFn<F, S>['out'] extends infer O extends Shape ? Layer<S, O, CallShapeFn<F, S>['params'], CallShapeFn<F, S>['state']> : never

/**
 * A shape-polymorphic layer, such as `conv2d(5, 6)`, `maxPool2d(2)`, `flatten` or `relu`: it
 * becomes a {@link Layer} when bound to an input feature shape, which `andThen` does with the
 * previous layer's output shape. `bind([28, 28, 1])` does it by hand.
 *
 * @example
 * const conv = conv2d(5, 6).bind([28, 28, 1])   // Layer<[28, 28, 1], [24, 24, 6], Conv2dParams<5, 5, 1, 6>>
 * @category layers
 */
export interface LayerFn<F extends ShapeFn> {
  readonly kind: string
  readonly name: string
  /** Binds to an input feature shape; throws a ShapeError naming both shapes when it does not fit. */
  readonly bind: <const S extends Shape>(inShape: S) => BoundLayer<F, S>
  /** Type-level only (never set): the shape function. */
  readonly shapeFn?: F
}

/** Any shape-polymorphic layer. */
export type AnyLayerFn = LayerFn<any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The params of a layer type. */
export type ParamsOf<L> = L extends { readonly init: (key: Key) => infer P } ? P : never
/** The state of a layer type. */
export type StateOf<L> = L extends { readonly initState: () => infer St } ? St : never
/** The input feature shape of a layer type. */
export type InOf<L> = L extends { readonly inShape: infer I extends Shape } ? I : never
/** The output feature shape of a layer type. */
export type OutOf<L> = L extends { readonly outShape: infer O extends Shape } ? O : never

/** The params of a layer without trainable parameters: `{}`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NoParams {}
