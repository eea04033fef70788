import { reluBackward, reluForward } from '../kernels/relu.js'
import type { Key } from '../random/Key.js'
import type { Shape } from '../shape/Shape.js'
import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import type { Context, Forward, LayerFn, NoParams, ShapeFn } from './Layer.js'
import { shapePreserving } from './shapePreserving.js'

/** The shape function of a layer that keeps any shape and has no params. @category layers */
export interface SameShape extends ShapeFn {
  readonly out: this['in']
  readonly params: NoParams
  readonly state: undefined
}

/**
 * A parameter-free layer of any shape: `[B, ...S] → [B, ...S]` (elementwise activations, dropout,
 * softmax over the last axis). It fits between any two layers; `apply` also works on its own.
 *
 * @category layers
 */
export interface Activation extends LayerFn<SameShape> {
  readonly kind: 'activation'
  readonly init: (key: Key) => NoParams
  readonly initState: () => undefined
  readonly apply: <B extends number, S extends Shape>(
    params: NoParams,
    x: Tensor<[B, ...S]>,
    ctx?: Context<undefined>,
  ) => Forward<B, S, S, NoParams>
}

/**
 * Builds an activation from two array loops (no per-element closures):
 * `forward(a, g)` writes `g = f(a)`, and `backward(a, g, dy, dx)` writes `dx = f′(a) ⊙ dy`.
 */
export const activation = (
  name: string,
  forward: (a: Storage, g: Storage) => void,
  backward: (a: Storage, g: Storage, dy: Storage, dx: Storage) => void,
): Activation =>
  shapePreserving({
    kind: 'activation' as const,
    name,
    init: () => ({}),
    initState: () => undefined,
    apply: <B extends number, S extends Shape>(_: NoParams, x: Tensor<[B, ...S]>) => {
      const g = alloc(x.dtype, x.data.length)
      forward(x.data, g)
      const y = { shape: x.shape, dtype: x.dtype, data: g } as Tensor<[B, ...S]>
      const back = (dy: Tensor<[B, ...S]>) => {
        const dx = alloc(dy.dtype, dy.data.length)
        backward(x.data, g, dy.data, dx)
        return [{}, { shape: x.shape, dtype: dy.dtype, data: dx } as Tensor<[B, ...S]>] as const
      }
      return [y, back] as const
    },
  })

/** The identity `g(a) = a`, `g′ = 1`. @category layers */
export const linear: Activation = activation(
  'linear',
  (a, g) => g.set(a),
  (_a, _g, dy, dx) => dx.set(dy),
)

/** The logistic sigmoid `g(a) = 1 / (1 + e^−a)`, with `g′ = g(1 − g)`. @category layers */
export const sigmoid: Activation = activation(
  'sigmoid',
  (a, g) => {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!
      // NOTE: split on the sign so exp never overflows.
      if (v >= 0) g[i] = 1 / (1 + Math.exp(-v))
      else {
        const e = Math.exp(v)
        g[i] = e / (1 + e)
      }
    }
  },
  (_a, g, dy, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = g[i]! * (1 - g[i]!) * dy[i]!
  },
)

/** The hyperbolic tangent, with `g′ = 1 − g²`. @category layers */
export const tanh: Activation = activation(
  'tanh',
  (a, g) => {
    for (let i = 0; i < a.length; i++) g[i] = Math.tanh(a[i]!)
  },
  (_a, g, dy, dx) => {
    for (let i = 0; i < g.length; i++) dx[i] = (1 - g[i]! * g[i]!) * dy[i]!
  },
)

/** The rectified linear unit `g(a) = max(0, a)`, with `g′ = 1{a > 0}`. @category layers */
export const relu: Activation = activation(
  'relu',
  reluForward,
  (a, _g, dy, dx) => reluBackward(a, dy, dx),
)
