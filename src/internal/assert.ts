import { sameShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import type { Tensor } from '../tensor/Tensor.js'

/** Throws unless `a` and `b` have identical shapes. */
export const assertSameShape = (op: string, a: Tensor, b: Tensor, an = 'a', bn = 'b'): void => {
  if (!sameShape(a.shape, b.shape))
    throw new ShapeError(op, `${an} has shape ${showShape(a.shape)} but ${bn} has shape ${showShape(b.shape)}`)
}

/** Throws unless `t` has rank `r`. */
export const assertRank = (op: string, t: Tensor, r: number, name = 'x'): void => {
  if (t.shape.length !== r) throw new ShapeError(op, `${name} has shape ${showShape(t.shape)} but a rank-${r} tensor was expected`)
}

/** Throws unless a width (`name` of a layer or model built by `op`) is a positive integer. */
export const assertWidth = (op: string, name: string, n: number): void => {
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(op, `${name} must be a positive integer, got ${n}`)
}
