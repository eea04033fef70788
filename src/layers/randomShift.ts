import { uniformAt } from '../random/sample.js'
import type { Shape, ShapeMismatch, ShowShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import type { Context, Layer, LayerFn, NoParams, ShapeFn } from './Layer.js'

/** The shape function of {@link randomShift}: images `[H, W, C]` keep their shape. @category layers */
export interface RandomShiftFn extends ShapeFn {
  readonly out: this['in'] extends readonly [number, number, number] ? this['in'] : ShapeMismatch<`randomShift expects [H,W,C] but gets ${ShowShape<this['in']>}`>
  readonly params: NoParams
  readonly state: undefined
}

/** A `randomShift` not yet bound to an input shape. @category layers */
export interface RandomShift extends LayerFn<RandomShiftFn> {
  readonly kind: 'randomShift'
  readonly maxShift: number
}

/**
 * Writes image `i` of `src` (`[B, H, W, C]`) shifted by `(dy, dx)` into `dst`, zero-filling what
 * comes in from outside. With `sign = −1` it shifts back: the adjoint, for the backward pass.
 */
const shiftInto = (src: Storage, dst: Storage, i: number, h: number, w: number, c: number, dy: number, dx: number): void => {
  const base = i * h * w * c, row = w * c
  for (let r = 0; r < h; r++) {
    const sr = r - dy
    if (sr < 0 || sr >= h) continue
    const c0 = Math.max(0, dx), c1 = Math.min(w, w + dx)
    if (c1 <= c0) continue
    dst.set(src.subarray(base + sr * row + (c0 - dx) * c, base + sr * row + (c1 - dx) * c), base + r * row + c0 * c)
  }
}

/**
 * Data augmentation as a layer: in training mode each image of the batch is translated by a
 * random whole number of pixels in `[−maxShift, maxShift]` along each spatial axis (zero fill), a
 * fresh draw per example from `ctx.key`; eval mode (the default) is the identity. `[B, H, W, C] →
 * [B, H, W, C]`, no params. Backward shifts `dy` back (the adjoint). Put it right after `input`.
 *
 * @throws ValueError for a negative or non-integer `maxShift`, or in training mode without `ctx.key`.
 * @example
 * const net = pipe(input([28, 28, 1]), andThen(randomShift(2)), andThen(conv2d(5, 6)))
 * net.apply(params, x, { training: true, key: key(1) })   // shifted digits; eval mode sees them as they are
 * @category layers
 */
export const randomShift = (maxShift: number): RandomShift => {
  if (!(Number.isInteger(maxShift) && maxShift >= 0)) throw new ValueError('randomShift', `maxShift must be a non-negative integer, got ${maxShift}`)
  const name = `randomShift(${maxShift})`
  const bind = (inShape: Shape): Layer<Shape, Shape, NoParams> => {
    if (inShape.length !== 3) throw new ShapeError(name, `expects [H,W,C] but gets ${showShape(inShape)}`)
    const [h, w, c] = inShape as readonly [number, number, number]
    return {
      kind: 'randomShift',
      name,
      inShape,
      outShape: inShape,
      init: () => ({}),
      initState: () => undefined,
      apply: (_: NoParams, x: Tensor, ctx: Context<undefined> = {}) => {
        if (x.shape.length !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c)
          throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${h},${w},${c}] was expected`)
        if (ctx.training !== true || maxShift === 0) return [x, (dy: Tensor) => [{}, dy] as const] as never
        if (ctx.key === undefined) throw new ValueError(name, 'training mode needs ctx.key')
        const b = x.shape[0] as number, span = 2 * maxShift + 1
        const shifts = new Int32Array(2 * b)
        for (let i = 0; i < 2 * b; i++) shifts[i] = Math.floor(uniformAt(ctx.key, i) * span) - maxShift
        const y = alloc(x.dtype, x.data.length)
        for (let i = 0; i < b; i++) shiftInto(x.data, y, i, h, w, c, shifts[2 * i]!, shifts[2 * i + 1]!)
        const back = (dy: Tensor) => {
          const dx = alloc(dy.dtype, dy.data.length)
          // NOTE: shifting by (−dy, −dx) is the adjoint: it sends each gradient back to the pixel it came from.
          for (let i = 0; i < b; i++) shiftInto(dy.data, dx, i, h, w, c, -shifts[2 * i]!, -shifts[2 * i + 1]!)
          return [{}, { shape: x.shape, dtype: dy.dtype, data: dx }] as const
        }
        return [{ shape: x.shape, dtype: x.dtype, data: y }, back] as never
      },
    }
  }
  return { kind: 'randomShift', name, maxShift, bind } as unknown as RandomShift
}
