import { relu as reluLayer, sigmoid as sigmoidLayer, tanh as tanhLayer, type Activation } from '../layers/activation.js'
import type { Shape } from '../shape/Shape.js'
import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import { lift, record, type Var, type VarLike } from './Var.js'

// Elementwise functions, each a primitive stated as its function and its derivative, two array
// loops side by side (no per-element closures): `f(a, y)` writes `y = f(a)`, and `df(a, y, dy, dx)`
// writes `dx = f′(a) ⊙ dy`, from whichever of `a` and `y` is cheaper.

type Loop = (a: Storage, y: Storage) => void
type DLoop = (a: Storage, y: Storage, dy: Storage, dx: Storage) => void

const unary = (op: string, f: Loop, df: DLoop) =>
  <S extends Shape>(a: VarLike<S>): Var<S> => {
    const va = lift(op, 'a', a), x = va.value
    const y = alloc(x.dtype, x.data.length)
    f(x.data, y)
    return record(op, [va], { shape: x.shape, dtype: x.dtype, data: y }, (dy) => {
      const dx = alloc(dy.dtype, dy.data.length)
      df(x.data, y, dy.data, dx)
      return [{ shape: x.shape, dtype: dy.dtype, data: dx }]
    })
  }

/** The activation layers' own forward and backward (so `ad.relu` equals the `relu` layer bit for bit). */
const fromActivation = (op: string, layer: Activation) =>
  <S extends Shape>(a: VarLike<S>): Var<S> => {
    const x = lift(op, 'a', a)
    const [y, back] = layer.apply({}, x.value as unknown as Tensor<[number]>)
    return record(op, [x], y, (dy) => [back(dy as Tensor<[number]>)[1]])
  }

/** `eᵃ`, elementwise; `(eᵃ)′ = eᵃ`. @category autodiff */
export const exp: <S extends Shape>(a: VarLike<S>) => Var<S> = unary(
  'exp',
  (a, y) => {
    for (let i = 0; i < a.length; i++) y[i] = Math.exp(a[i]!)
  },
  (_a, y, dy, dx) => {
    for (let i = 0; i < y.length; i++) dx[i] = dy[i]! * y[i]!
  },
)

/** `ln a`, elementwise; `(ln a)′ = 1/a`. @category autodiff */
export const log: <S extends Shape>(a: VarLike<S>) => Var<S> = unary(
  'log',
  (a, y) => {
    for (let i = 0; i < a.length; i++) y[i] = Math.log(a[i]!)
  },
  (a, _y, dy, dx) => {
    for (let i = 0; i < a.length; i++) dx[i] = dy[i]! / a[i]!
  },
)

/**
 * `√a`, elementwise; `(√a)′ = 1 / (2√a)`.
 *
 * NOTE: the derivative is infinite at 0: add an ε first (`sqrt(addScalar(v, 1e-5))`), as layer norm does.
 * @category autodiff
 */
export const sqrt: <S extends Shape>(a: VarLike<S>) => Var<S> = unary(
  'sqrt',
  (a, y) => {
    for (let i = 0; i < a.length; i++) y[i] = Math.sqrt(a[i]!)
  },
  (_a, y, dy, dx) => {
    for (let i = 0; i < y.length; i++) dx[i] = dy[i]! / (2 * y[i]!)
  },
)

/** `1/a`, elementwise; `(1/a)′ = −1/a² = −y²`. @category autodiff */
export const recip: <S extends Shape>(a: VarLike<S>) => Var<S> = unary(
  'recip',
  (a, y) => {
    for (let i = 0; i < a.length; i++) y[i] = 1 / a[i]!
  },
  (_a, y, dy, dx) => {
    for (let i = 0; i < y.length; i++) dx[i] = -dy[i]! * y[i]! * y[i]!
  },
)

/** `max(0, a)`, elementwise, as the `relu` layer (gradient `1{a > 0}`). @category autodiff */
export const relu: <S extends Shape>(a: VarLike<S>) => Var<S> = fromActivation('relu', reluLayer)

/** The logistic sigmoid `1 / (1 + e^−a)`, as the `sigmoid` layer (gradient `y(1 − y)`; no overflow for large |a|). @category autodiff */
export const sigmoid: <S extends Shape>(a: VarLike<S>) => Var<S> = fromActivation('sigmoid', sigmoidLayer)

/** `tanh a`, as the `tanh` layer (gradient `1 − y²`). @category autodiff */
export const tanh: <S extends Shape>(a: VarLike<S>) => Var<S> = fromActivation('tanh', tanhLayer)
