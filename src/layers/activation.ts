import type { Key } from '../random/Key.js'
import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import type { Context, Forward, NoParams } from './Layer.js'

/**
 * A parameter-free elementwise layer of any width: `[B, W] → [B, W]`. It is a `Layer<W, W, NoParams>`
 * for every `W`, so it fits between any two layers.
 *
 * @category layers
 */
export interface Activation {
  readonly kind: 'activation'
  readonly name: string
  readonly init: (key: Key) => NoParams
  readonly initState: () => undefined
  readonly apply: <B extends number, W extends number>(
    params: NoParams,
    x: Tensor<[B, W]>,
    ctx?: Context<undefined>,
  ) => Forward<B, W, W, NoParams>
}

/**
 * Builds an activation from two array loops (no per-element closures):
 * `forward(a, g)` writes `g = f(a)`, and `backward(a, g, dy, dx)` writes `dx = f′(a) ⊙ dy`.
 */
export const activation = (
  name: string,
  forward: (a: Storage, g: Storage) => void,
  backward: (a: Storage, g: Storage, dy: Storage, dx: Storage) => void,
): Activation => ({
  kind: 'activation',
  name,
  init: () => ({}),
  initState: () => undefined,
  apply: <B extends number, W extends number>(_: NoParams, x: Tensor<[B, W]>) => {
    const g = alloc(x.dtype, x.data.length)
    forward(x.data, g)
    const y: Tensor<[B, W]> = { shape: x.shape, dtype: x.dtype, data: g }
    const back = (dy: Tensor<[B, W]>) => {
      const dx = alloc(dy.dtype, dy.data.length)
      backward(x.data, g, dy.data, dx)
      return [{}, { shape: x.shape, dtype: dy.dtype, data: dx } as Tensor<[B, W]>] as const
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
  (a, g) => {
    for (let i = 0; i < a.length; i++) g[i] = a[i]! > 0 ? a[i]! : 0
  },
  (a, _g, dy, dx) => {
    for (let i = 0; i < a.length; i++) dx[i] = a[i]! > 0 ? dy[i]! : 0
  },
)
