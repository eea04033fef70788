import { assertSameShape } from '../internal/assert.js'
import type { Shape } from '../shape/Shape.js'
import { alloc, resultType, type Storage, type Tensor } from '../tensor/Tensor.js'

// Elementwise arithmetic on tensors of one shape. Each is a plain loop into a fresh buffer: these
// run inside every optimizer step, so no per-element closures.

/** Checks the shapes, allocates the result in the promoted dtype and lets `body` fill it. */
const binary = <S extends Shape>(op: string, a: Tensor<S>, b: Tensor<S>, body: (x: Storage, y: Storage, o: Storage) => void): Tensor<S> => {
  assertSameShape(op, a, b)
  const dtype = resultType(a, b)
  const o = alloc(dtype, a.data.length)
  body(a.data, b.data, o)
  return { shape: a.shape, dtype, data: o }
}

/** `a + b`, elementwise; both of shape `S`. @category ops */
export const add = <S extends Shape>(a: Tensor<S>, b: Tensor<NoInfer<S>>): Tensor<S> =>
  binary('add', a, b, (x, y, o) => {
    for (let i = 0; i < o.length; i++) o[i] = x[i]! + y[i]!
  })

/** `a − b`, elementwise; both of shape `S`. @category ops */
export const sub = <S extends Shape>(a: Tensor<S>, b: Tensor<NoInfer<S>>): Tensor<S> =>
  binary('sub', a, b, (x, y, o) => {
    for (let i = 0; i < o.length; i++) o[i] = x[i]! - y[i]!
  })

/** `a ⊙ b` (Hadamard product); both of shape `S`. @category ops */
export const mul = <S extends Shape>(a: Tensor<S>, b: Tensor<NoInfer<S>>): Tensor<S> =>
  binary('mul', a, b, (x, y, o) => {
    for (let i = 0; i < o.length; i++) o[i] = x[i]! * y[i]!
  })

/** `a / b`, elementwise; both of shape `S`. @category ops */
export const div = <S extends Shape>(a: Tensor<S>, b: Tensor<NoInfer<S>>): Tensor<S> =>
  binary('div', a, b, (x, y, o) => {
    for (let i = 0; i < o.length; i++) o[i] = x[i]! / y[i]!
  })

/** `c · a` for a scalar `c`. @category ops */
export const scale = <S extends Shape>(a: Tensor<S>, c: number): Tensor<S> => {
  const o = alloc(a.dtype, a.data.length), x = a.data
  for (let i = 0; i < o.length; i++) o[i] = c * x[i]!
  return { shape: a.shape, dtype: a.dtype, data: o }
}

/** `a + c` for a scalar `c`. @category ops */
export const addScalar = <S extends Shape>(a: Tensor<S>, c: number): Tensor<S> => {
  const o = alloc(a.dtype, a.data.length), x = a.data
  for (let i = 0; i < o.length; i++) o[i] = x[i]! + c
  return { shape: a.shape, dtype: a.dtype, data: o }
}

/** `f` applied to every element (a convenience: hot paths use dedicated loops). @category ops */
export const map = <S extends Shape>(a: Tensor<S>, f: (v: number) => number): Tensor<S> => {
  const o = alloc(a.dtype, a.data.length), x = a.data
  for (let i = 0; i < o.length; i++) o[i] = f(x[i]!)
  return { shape: a.shape, dtype: a.dtype, data: o }
}

/** The sum of all elements. @category ops */
export const sumAll = (a: Tensor): number => {
  let s = 0
  const x = a.data
  for (let i = 0; i < x.length; i++) s += x[i]!
  return s
}
