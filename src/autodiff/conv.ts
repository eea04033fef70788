import { conv2dBackwardInput, conv2dBackwardParams, conv2dForward, conv2dGeometry } from '../kernels/conv2d.js'
import { window2d, type Padding } from '../kernels/convGeometry.js'
import { avgPool2d as avgKernel, avgPool2dBackward, maxPool2d as maxKernel, maxPool2dBackward } from '../kernels/pool2d.js'
import type { WindowOut } from '../layers/conv2d.js'
import { ValueError } from '../shape/ValueError.js'
import { astype, fromStorage, resultType } from '../tensor/Tensor.js'
import { lift, record, type Var, type VarLike } from './Var.js'

// Convolution and pooling over NHWC images, primitives on the kernels of src/kernels (the same
// code the conv2d and pooling layers run): the im2col GEMM forward, `∂w = colsᵀ·dy`,
// `∂x = col2im(dy·wᵀ)`; pooling routes `dy` to each window's maximum or spreads it over the window.

/** Stride and padding of a window op (TensorFlow rules, as the layers). @category autodiff */
export interface WindowOptions<S extends number, P extends Padding> {
  /** The stride along both spatial axes (conv2d: default 1; pools: default the window size). */
  readonly stride?: S
  /** `'valid'` (default) or `'same'`. */
  readonly padding?: P
}

const positive = (op: string, name: string, v: number) => {
  if (!(Number.isInteger(v) && v >= 1)) throw new ValueError(op, `${name} must be a positive integer, got ${v}`)
}

/**
 * 2-D convolution (cross-correlation) of images `x: [B, H, W, C]` with filters `w: [KH, KW, C, F]`:
 * `[B, H′, W′, F]`, sizes computed by the compiler as for the `conv2d` layer (no bias: add one per
 * channel with `addBias`). Backward: `∂w = im2col(x)ᵀ·dy`, `∂x = col2im(dy·wᵀ)`.
 *
 * @throws ShapeError naming both shapes when the channels differ or the kernel does not fit.
 * @example
 * ad.conv2d(zeros([2, 28, 28, 1]), zeros([5, 5, 1, 6]))                         // Var<[2, 24, 24, 6]>
 * ad.conv2d(zeros([2, 28, 28, 1]), zeros([3, 3, 1, 8]), { stride: 2, padding: 'same' })   // Var<[2, 14, 14, 8]>
 * @category autodiff
 */
export const conv2d = <
  B extends number, H extends number, W extends number, C extends number, KH extends number, KW extends number, F extends number,
  const S extends number = 1, const P extends Padding = 'valid',
>(
  x: VarLike<[B, H, W, C]>,
  w: VarLike<[KH, KW, NoInfer<C>, F]>,
  options: WindowOptions<S, P> = {},
): Var<[B, WindowOut<H, KH, S, P>, WindowOut<W, KW, S, P>, F]> => {
  const op = 'conv2d'
  const vx = lift(op, 'x', x), vw = lift(op, 'w', w)
  const stride = options.stride ?? 1
  positive(op, 'stride', stride)
  const geo = conv2dGeometry(vx.shape, vw.shape, stride, options.padding ?? 'valid')
  // NOTE: the kernels take one storage type; mixed inputs compute in float64.
  const dtype = resultType(vx.value, vw.value)
  const xd = astype(vx.value, dtype).data, wd = astype(vw.value, dtype).data
  const { y, cols } = conv2dForward(geo, xd, wd)
  return record(op, [vx, vw], fromStorage([geo.n, geo.oh, geo.ow, geo.f], y), (dy, needs) => {
    const d = astype(dy, dtype).data
    return [
      needs[0] ? fromStorage(vx.shape, conv2dBackwardInput(geo, d, wd)) : undefined,
      needs[1] ? fromStorage(vw.shape, conv2dBackwardParams(geo, xd, d, cols).dw) : undefined,
    ]
  })
}

const pool = (op: 'maxPool2d' | 'avgPool2d', x: VarLike, kernel: number, options: WindowOptions<number, Padding>): Var => {
  const v = lift(op, 'x', x)
  positive(op, 'kernel', kernel)
  const stride = options.stride ?? kernel
  positive(op, 'stride', stride)
  // The geometry named after the op, so that its errors say maxPool2d or avgPool2d.
  const geo = window2d(op, v.shape, kernel, kernel, stride, stride, options.padding ?? 'valid')
  const shape = [geo.n, geo.oh, geo.ow, geo.c]
  if (op === 'maxPool2d') {
    const { y, argmax } = maxKernel(geo, v.value.data)
    return record(op, [v], fromStorage(shape, y), (dy) => [fromStorage(v.shape, maxPool2dBackward(geo, dy.data, argmax))])
  }
  return record(op, [v], fromStorage(shape, avgKernel(geo, v.value.data)), (dy) => [fromStorage(v.shape, avgPool2dBackward(geo, dy.data))])
}

/**
 * Max pooling over `K × K` windows, per channel: `[B, H, W, C] → [B, H′, W′, C]` (stride default
 * `K`), as the `maxPool2d` layer. Backward routes each `dy` to its window's maximum.
 *
 * @example
 * ad.maxPool2d(zeros([2, 24, 24, 6]), 2)   // Var<[2, 12, 12, 6]>
 * @category autodiff
 */
export const maxPool2d = <B extends number, H extends number, W extends number, C extends number, const K extends number, const S extends number = K, const P extends Padding = 'valid'>(
  x: VarLike<[B, H, W, C]>,
  kernel: K,
  options: WindowOptions<S, P> = {},
): Var<[B, WindowOut<H, K, S, P>, WindowOut<W, K, S, P>, C]> => pool('maxPool2d', x, kernel, options) as never

/**
 * Average pooling over `K × K` windows, per channel: `[B, H, W, C] → [B, H′, W′, C]`, as the
 * `avgPool2d` layer. Backward spreads each `dy` evenly over its window.
 *
 * @example
 * ad.avgPool2d(zeros([2, 24, 24, 6]), 2)   // Var<[2, 12, 12, 6]>
 * @category autodiff
 */
export const avgPool2d = <B extends number, H extends number, W extends number, C extends number, const K extends number, const S extends number = K, const P extends Padding = 'valid'>(
  x: VarLike<[B, H, W, C]>,
  kernel: K,
  options: WindowOptions<S, P> = {},
): Var<[B, WindowOut<H, K, S, P>, WindowOut<W, K, S, P>, C]> => pool('avgPool2d', x, kernel, options) as never
