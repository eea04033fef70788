import { lazyTensor } from '../internal/lazyTensor.js'
import { conv2dBackwardInput, conv2dBackwardParams, conv2dForward, conv2dGeometry } from '../kernels/conv2d.js'
import { reluBackward } from '../kernels/relu.js'
import { convGeometry, type Padding } from '../kernels/convGeometry.js'
import { uniform } from '../random/sample.js'
import type { Add, CeilDivide, FloorDivide, Subtract } from '../shape/arithmetic.js'
import type { Shape, ShapeMismatch, ShowShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, fromStorage, resultType, zeros, type DType, type Tensor } from '../tensor/Tensor.js'
import type { Layer, LayerFn, ShapeFn } from './Layer.js'

/**
 * The output length of a window op along one axis, computed by the compiler (TensorFlow rules):
 * `'valid'`: `⌊(H − K) / S⌋ + 1` (`never` when `K > H`); `'same'`: `⌈H / S⌉`.
 *
 * @category layers
 */
export type WindowOut<H extends number, K extends number, S extends number, P extends Padding> = P extends 'same'
  ? CeilDivide<H, S>
  : Subtract<H, K> extends infer D extends number ? ([D] extends [never] ? never : Add<FloorDivide<D, S>, 1>) : never

/** Options of {@link conv2d}. @category layers */
export interface Conv2dOptions<S extends number = 1, P extends Padding = 'valid', C extends number = number> {
  /** The stride along both spatial axes (default 1). */
  readonly stride?: S
  /** `'valid'` (no padding, default) or `'same'` (output `⌈H / stride⌉`, zero padding split as TensorFlow does). */
  readonly padding?: P
  /** The input channel count, when you want it checked (otherwise it is taken from the layer before). */
  readonly channels?: C
  /** Storage of the initial params (default `float32`). */
  readonly dtype?: DType
  /**
   * An activation fused into the layer (default: none). `'relu'` gives `max(0, conv(x, w) + b)`,
   * bit for bit `pipe(conv2d(K, F), andThen(relu))` in one layer: forward, the bias and the relu
   * are applied by the product's kernel to each block of the output as it is computed (in float32;
   * no second output array); backward, `dy` is first masked where the output is 0.
   */
  readonly activation?: 'relu'
}

/** The params of `conv2d(K, F)` on `C` channels: filters `w: [K, K, C, F]` and biases `b: [F]`. @category layers */
export interface Conv2dParams<K extends number, C extends number, F extends number> {
  readonly w: Tensor<[K, K, C, F]>
  readonly b: Tensor<[F]>
}

/** The shape function of `conv2d`: `[H, W, C] → [H′, W′, F]`. @category layers */
export interface Conv2dFn<K extends number, F extends number, S extends number, P extends Padding, Ch extends number> extends ShapeFn {
  readonly out: this['in'] extends readonly [infer H extends number, infer W extends number, infer C extends number]
    ? number extends Ch ? ConvOut<H, W, K, S, P, F, this['in']>
      : [C] extends [Ch] ? ConvOut<H, W, K, S, P, F, this['in']>
      : ShapeMismatch<`conv2d expects ${Ch} channels but gets ${ShowShape<this['in']>}`>
    : ShapeMismatch<`conv2d expects [H,W,C] but gets ${ShowShape<this['in']>}`>
  readonly params: this['in'] extends readonly [number, number, infer C extends number] ? Conv2dParams<K, C, F> : never
  readonly state: undefined
}
type ConvOut<H extends number, W extends number, K extends number, S extends number, P extends Padding, F extends number, In> =
  [WindowOut<H, K, S, P>] extends [never] ? ShapeMismatch<`conv2d: a ${K}×${K} kernel does not fit in ${ShowShape<In>}`>
  : [WindowOut<H, K, S, P>, WindowOut<W, K, S, P>, F]

/** A `conv2d` not yet bound to an input shape. @category layers */
export interface Conv2d<K extends number, F extends number, S extends number, P extends Padding, C extends number> extends LayerFn<Conv2dFn<K, F, S, P, C>> {
  readonly kind: 'conv2d'
  readonly kernel: K
  readonly filters: F
  readonly stride: S
  readonly padding: P
}

const positive = (op: string, name: string, v: number) => {
  if (!(Number.isInteger(v) && v >= 1)) throw new ValueError(op, `${name} must be a positive integer, got ${v}`)
}

/**
 * A 2-D convolution layer (cross-correlation, NHWC): `[B, H, W, C] → [B, H′, W′, F]` with `F`
 * filters of `K × K × C`, plus a bias per filter. `H′ = ⌊(H − K) / stride⌋ + 1` for `'valid'`
 * padding and `⌈H / stride⌉` for `'same'` — computed by the compiler, so `conv2d(5, 6)` on
 * `[28, 28, 1]` is `[24, 24, 6]`, and a kernel larger than the input does not compile.
 *
 * Init is Glorot uniform with fan-in `K·K·C` and fan-out `K·K·F`, biases 0. The forward pass is an
 * im2col GEMM on the WebAssembly SIMD matmul (float32; a JS reference for float64); backward gives
 * `∂w = colsᵀ·dy`, `∂b = Σ dy` and `dx = col2im(dy·wᵀ)`, the last computed only when read (a first
 * layer's `dx` never is). Float32 convolutions are cut into blocks of images that the kernel's
 * threads share (see `setKernelThreads`), with the same bits on any number of threads.
 *
 * With `{ activation: 'relu' }` the layer is `max(0, conv(x, w) + b)`, bit for bit
 * `pipe(conv2d(K, F), andThen(relu))` without a pass of its own (the product's kernel applies the
 * relu); its name is `conv2d(5×5×6, relu)` and ONNX export writes a Conv then a Relu.
 *
 * @example
 * const net = pipe(input([28, 28, 1]), andThen(conv2d(5, 6)), andThen(relu), andThen(maxPool2d(2)))
 * // Sequential<[28, 28, 1], [12, 12, 6], …>
 * const same = pipe(input([28, 28, 1]), andThen(conv2d(5, 6, { activation: 'relu' })), andThen(maxPool2d(2)))
 * @category layers
 */
export const conv2d = <const K extends number, const F extends number, const S extends number = 1, const P extends Padding = 'valid', const C extends number = number>(
  kernel: K,
  filters: F,
  options: Conv2dOptions<S, P, C> = {},
): Conv2d<K, F, S, P, C> => {
  const op = 'conv2d'
  positive(op, 'kernel', kernel)
  positive(op, 'filters', filters)
  const stride = (options.stride ?? 1) as S
  positive(op, 'stride', stride)
  const padding = (options.padding ?? 'valid') as P
  if (padding !== 'valid' && padding !== 'same') throw new ValueError(op, `padding must be 'valid' or 'same', got '${String(padding)}'`)
  const dtype = options.dtype ?? 'float32'
  const { activation } = options
  if (activation !== undefined && activation !== 'relu')
    throw new ValueError(op, `activation must be 'relu' or left out, got ${JSON.stringify(activation)}`)
  const relu = activation === 'relu'
  const name = `conv2d(${kernel}×${kernel}×${filters}${stride === 1 ? '' : `, stride ${stride}`}${padding === 'same' ? ', same' : ''}${relu ? ', relu' : ''})`
  const bind = (inShape: Shape) => {
    if (inShape.length !== 3) throw new ShapeError(name, `expects [H,W,C] but gets ${showShape(inShape)}`)
    const [h, w, c] = inShape as readonly [number, number, number]
    if (options.channels !== undefined && c !== options.channels) throw new ShapeError(name, `expects ${options.channels} channels but gets ${showShape(inShape)}`)
    const g = convGeometry(h, w, kernel, kernel, stride, stride, padding, name)
    const outShape = [g.oh, g.ow, filters]
    const bound = Math.sqrt(6 / (kernel * kernel * (c + filters)))
    type P4 = Conv2dParams<number, number, number>
    // NOTE: the bound layer keeps its window (kernel, stride, padding) for tools such as toOnnx.
    const layer: Layer<Shape, Shape, P4> & { readonly kernel: number; readonly stride: number; readonly padding: Padding; readonly activation?: 'relu' } = {
      kind: op,
      name,
      kernel,
      stride,
      padding,
      ...(relu && { activation }),
      inShape,
      outShape,
      init: (key) => ({ w: uniform(key, [kernel, kernel, c, filters], -bound, bound, dtype), b: zeros([filters], dtype) }),
      initState: () => undefined,
      apply: (params, x) => {
        if (x.shape.length !== 4 || x.shape[1] !== h || x.shape[2] !== w || x.shape[3] !== c)
          throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${h},${w},${c}] was expected`)
        const n = x.shape[0] as number
        const geo = conv2dGeometry(x.shape, params.w.shape, stride, padding)
        const { y, cols } = conv2dForward(geo, x.data, params.w.data, params.b.data, relu)
        const back = (dy: Tensor) => {
          let dz = dy
          if (relu) {
            const d = alloc(dy.dtype, dy.data.length)
            reluBackward(y, dy.data, d) // y > 0 exactly where the pre-activation is > 0
            dz = { shape: dy.shape, dtype: dy.dtype, data: d }
          }
          const { dw, db } = conv2dBackwardParams(geo, x.data, dz.data, cols)
          const dx = lazyTensor(x.shape, resultType(dz, params.w), () => conv2dBackwardInput(geo, dz.data, params.w.data))
          return [{ w: fromStorage(params.w.shape, dw), b: fromStorage(params.b.shape, db) }, dx] as const
        }
        return [fromStorage([n, g.oh, g.ow, filters], y), back] as never
      },
    }
    return layer
  }
  return { kind: op, name, kernel, filters, stride, padding, bind } as unknown as Conv2d<K, F, S, P, C>
}
