import { avgPool2d as avgKernel, avgPool2dBackward, maxPool2d as maxKernel, maxPool2dBackward, pool2dGeometry } from '../kernels/pool2d.js'
import { convGeometry, type Padding } from '../kernels/convGeometry.js'
import type { Shape, ShapeMismatch, ShowShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { fromStorage, type Tensor } from '../tensor/Tensor.js'
import type { WindowOut } from './conv2d.js'
import type { Layer, LayerFn, NoParams, ShapeFn } from './Layer.js'

/** Options of {@link maxPool2d} and {@link avgPool2d}. @category layers */
export interface Pool2dOptions<S extends number, P extends Padding> {
  /** The stride along both spatial axes (default: the window size, so windows do not overlap). */
  readonly stride?: S
  /** `'valid'` (default: a last partial window is dropped, as in TensorFlow) or `'same'`. */
  readonly padding?: P
}

/** The shape function of a `K × K` pool: `[H, W, C] → [H′, W′, C]`. @category layers */
export interface Pool2dFn<K extends number, S extends number, P extends Padding> extends ShapeFn {
  readonly out: this['in'] extends readonly [infer H extends number, infer W extends number, infer C extends number]
    ? [WindowOut<H, K, S, P>] extends [never] ? ShapeMismatch<`pool: a ${K}×${K} window does not fit in ${ShowShape<this['in']>}`>
      : [WindowOut<H, K, S, P>, WindowOut<W, K, S, P>, C]
    : ShapeMismatch<`pool expects [H,W,C] but gets ${ShowShape<this['in']>}`>
  readonly params: NoParams
  readonly state: undefined
}

/** A pooling layer not yet bound to an input shape. @category layers */
export interface Pool2d<K extends number, S extends number, P extends Padding> extends LayerFn<Pool2dFn<K, S, P>> {
  readonly kind: 'maxPool2d' | 'avgPool2d'
  readonly kernel: K
  readonly stride: S
  readonly padding: P
}

const pool = (kind: 'maxPool2d' | 'avgPool2d', kernel: number, options: Pool2dOptions<number, Padding>) => {
  if (!(Number.isInteger(kernel) && kernel >= 1)) throw new ValueError(kind, `kernel must be a positive integer, got ${kernel}`)
  const stride = options.stride ?? kernel
  if (!(Number.isInteger(stride) && stride >= 1)) throw new ValueError(kind, `stride must be a positive integer, got ${stride}`)
  const padding = options.padding ?? 'valid'
  const name = `${kind}(${kernel}${stride === kernel ? '' : `, stride ${stride}`}${padding === 'same' ? ', same' : ''})`
  const bind = (inShape: Shape) => {
    if (inShape.length !== 3) throw new ShapeError(name, `expects [H,W,C] but gets ${showShape(inShape)}`)
    const [h, w, c] = inShape as readonly [number, number, number]
    const g = convGeometry(h, w, kernel, kernel, stride, stride, padding, name)
    // NOTE: the bound layer keeps its window (kernel, stride, padding) for tools such as toOnnx.
    const layer: Layer<Shape, Shape, NoParams> & { readonly kernel: number; readonly stride: number; readonly padding: Padding } = {
      kind,
      name,
      kernel,
      stride,
      padding,
      inShape,
      outShape: [g.oh, g.ow, c],
      init: () => ({}),
      initState: () => undefined,
      apply: (_, x) => {
        if (x.shape.length !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c)
          throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${h},${w},${c}] was expected`)
        const geo = pool2dGeometry(x.shape, kernel, stride, padding)
        const yShape = [x.shape[0] as number, g.oh, g.ow, c]
        if (kind === 'maxPool2d') {
          const { y, argmax } = maxKernel(geo, x.data)
          const back = (dy: Tensor) => [{}, fromStorage(x.shape, maxPool2dBackward(geo, dy.data, argmax))] as const
          return [fromStorage(yShape, y), back] as never
        }
        const back = (dy: Tensor) => [{}, fromStorage(x.shape, avgPool2dBackward(geo, dy.data))] as const
        return [fromStorage(yShape, avgKernel(geo, x.data)), back] as never
      },
    }
    return layer
  }
  return { kind, name, kernel, stride, padding, bind }
}

/**
 * Max pooling over `K × K` windows, per channel: `[B, H, W, C] → [B, H′, W′, C]` (sizes as for
 * `conv2d`, stride defaulting to `K`; computed by the compiler: `maxPool2d(2)` on `[24, 24, 6]` is
 * `[12, 12, 6]`). Backward routes each `dy` to the window's maximum (the first on ties).
 *
 * @example
 * pipe(input([24, 24, 6]), andThen(maxPool2d(2)))   // [B, 24, 24, 6] → [B, 12, 12, 6]
 * @category layers
 */
export const maxPool2d = <const K extends number, const S extends number = K, const P extends Padding = 'valid'>(
  kernel: K,
  options: Pool2dOptions<S, P> = {},
): Pool2d<K, S, P> => pool('maxPool2d', kernel, options) as unknown as Pool2d<K, S, P>

/**
 * Average pooling over `K × K` windows, per channel: `[B, H, W, C] → [B, H′, W′, C]`. With
 * `'same'` padding a window is averaged over its real (non-padded) elements, as in TensorFlow.
 *
 * @example
 * pipe(input([24, 24, 6]), andThen(avgPool2d(2)))   // [B, 24, 24, 6] → [B, 12, 12, 6]
 * @category layers
 */
export const avgPool2d = <const K extends number, const S extends number = K, const P extends Padding = 'valid'>(
  kernel: K,
  options: Pool2dOptions<S, P> = {},
): Pool2d<K, S, P> => pool('avgPool2d', kernel, options) as unknown as Pool2d<K, S, P>
