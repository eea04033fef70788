import { ShapeError, showShape } from '../shape/ShapeError.js'
import type { Tensor } from '../tensor/Tensor.js'

/** Throws unless `a` and `b` have identical shapes. */
export const assertSameShape = (op: string, a: Tensor, b: Tensor, an = 'a', bn = 'b'): void => {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]))
    throw new ShapeError(op, `${an} has shape ${showShape(a.shape)} but ${bn} has shape ${showShape(b.shape)}`)
}

/** Throws unless `t` has rank `r`. */
export const assertRank = (op: string, t: Tensor, r: number, name = 'x'): void => {
  if (t.shape.length !== r) throw new ShapeError(op, `${name} has shape ${showShape(t.shape)} but a rank-${r} tensor was expected`)
}
