import type { Key } from '../random/Key.js'
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
 * A layer's backward pass: given `dy = ∂L/∂y` of shape `[B, O]`, the gradient for the params (same
 * structure as the params) and `dx = ∂L/∂x` of shape `[B, I]`.
 */
export type Back<B extends number, I extends number, O extends number, P> = (dy: Tensor<[B, O]>) => readonly [P, Tensor<[B, I]>]

/**
 * What applying a layer gives: the output `y: [B, O]`, the backward pass, and (for layers with
 * state, such as batch norm) the new state. Stateless layers return just `[y, back]`.
 */
export type Forward<B extends number, I extends number, O extends number, P, St = undefined> = readonly [
  Tensor<[B, O]>,
  Back<B, I, O, P>,
  St?,
]

/**
 * A layer from width `I` to width `O` with params `P` (a tree of tensors) and state `St`.
 *
 * `apply(params, x)` is the forward pass on a batch `x: [B, I]`; it returns `[y, back]`, where
 * `back` closes over what the forward pass computed. A composition of layers is again a layer.
 *
 * @example
 * const l = dense(3, 2)
 * const p = l.init(key(0))
 * const [y, back] = l.apply(p, zeros([5, 3]))     // y: Tensor<[5, 2]>
 * const [dp, dx] = back(ones([5, 2]))             // dp: DenseParams<3, 2>, dx: Tensor<[5, 3]>
 * @category layers
 */
export interface Layer<I extends number, O extends number, P, St = undefined> {
  /** A short description used in error messages, e.g. `dense(784→256)`. */
  readonly name: string
  /** Fresh params from a key: the same key gives the same bits. */
  readonly init: (key: Key) => P
  /** Initial non-trainable state (`undefined` for stateless layers). */
  readonly initState: () => St
  /** The forward pass. */
  readonly apply: <B extends number>(params: P, x: Tensor<[B, I]>, ctx?: Context<St>) => Forward<B, I, O, P, St>
}

/** Any layer, for containers and helpers that do not care about widths. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLayer = Layer<any, any, any, any>

/** The params of a layer type. */
export type ParamsOf<L> = L extends Layer<any, any, infer P, any> ? P : never
/** The state of a layer type. */
export type StateOf<L> = L extends Layer<any, any, any, infer St> ? St : never
/** The input width of a layer type. */
export type InOf<L> = L extends Layer<infer I, any, any, any> ? I : never
/** The output width of a layer type. */
export type OutOf<L> = L extends Layer<any, infer O, any, any> ? O : never

/** The params of a layer without trainable parameters: `{}`. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NoParams {}
