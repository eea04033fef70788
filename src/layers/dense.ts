import { assertWidth } from '../internal/assert.js'
import { lazyTensor } from '../internal/lazyTensor.js'
import { reluBackward } from '../kernels/relu.js'
import { affineThen } from '../ops/affine.js'
import { matmulNT, matmulTN } from '../ops/matmul.js'
import { sum } from '../ops/reduce.js'
import { uniform } from '../random/sample.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, resultType, zeros, type DType, type Tensor } from '../tensor/Tensor.js'
import type { Layer } from './Layer.js'

/** The params of `dense(I, O)`: weights `w: [I, O]` and biases `b: [O]`. @category layers */
export interface DenseParams<I extends number, O extends number> {
  readonly w: Tensor<[I, O]>
  readonly b: Tensor<[O]>
}

/** Options of {@link dense}. */
export interface DenseOptions {
  /** Storage of the initial params (default `float32`). */
  readonly dtype?: DType
  /**
   * An activation fused into the layer (default: none, the affine map). `'relu'` gives
   * `max(0, x·W + b)`, bit for bit `pipe(dense(I, O), andThen(relu))` in one layer: forward, the
   * bias and the relu are applied by the product's kernel to each block of the result as it is
   * finished (in float32; no second `[B, O]` array either way); backward, the relu derivative masks
   * `dy` once for `∂W`, `∂b` and `dx`.
   */
  readonly activation?: 'relu'
}

/**
 * A fully connected (affine) layer `y = x·W + b`: `[B, I] → [B, O]`, a `Layer<[I], [O], DenseParams<I, O>>`.
 * After an image-shaped layer, `flatten` first (the compiler says so otherwise).
 *
 * Init is Glorot uniform: `W ~ U[−β, β]` with `β = √6 / √(I + O)`, biases 0 (Glorot & Bengio, 2010).
 * Backward: `∂W = xᵀ·dy`, `∂b = Σ_rows dy`, `dx = dy·Wᵀ` (no transpose is materialised).
 * With `{ activation: 'relu' }`, `y = max(0, x·W + b)` and `dy` is first masked: `dz = 1{y > 0} ⊙ dy`
 * (`y > 0` exactly where `x·W + b > 0`), then `∂W = xᵀ·dz`, `∂b = Σ_rows dz`, `dx = dz·Wᵀ`. Its
 * name is `dense(I→O, relu)` and ONNX export writes a Gemm then a Relu.
 *
 * NOTE: `dx` is computed when its `data` is first read. The first layer's `dx` is never read in
 * training, which skips a third of that layer's backward flops.
 *
 * @throws ShapeError for a width that is not a positive integer; ValueError for an unknown activation.
 * @example
 * const layer = dense(784, 256)
 * const p = layer.init(key(0))               // DenseParams<784, 256>
 * const [y] = layer.apply(p, zeros([32, 784])) // Tensor<[32, 256]>
 * const hidden = dense(784, 256, { activation: 'relu' }) // = pipe(dense(784, 256), andThen(relu)), bit for bit
 * @category layers
 */
export const dense = <const I extends number, const O extends number>(
  inputs: I,
  outputs: O,
  options: DenseOptions = {},
): Layer<[I], [O], DenseParams<I, O>> => {
  assertWidth('dense', 'inputs', inputs)
  assertWidth('dense', 'outputs', outputs)
  const { activation } = options
  if (activation !== undefined && activation !== 'relu')
    throw new ValueError('dense', `activation must be 'relu' or left out, got ${JSON.stringify(activation)}`)
  const relu = activation === 'relu'
  const name = relu ? `dense(${inputs}→${outputs}, relu)` : `dense(${inputs}→${outputs})`
  const bound = Math.sqrt(6 / (inputs + outputs))
  const dtype = options.dtype ?? 'float32'
  return {
    kind: 'dense',
    name,
    ...(relu && { activation }),
    inShape: [inputs],
    outShape: [outputs],
    init: (key) => ({ w: uniform(key, [inputs, outputs], -bound, bound, dtype), b: zeros([outputs], dtype) }),
    initState: () => undefined,
    apply: <B extends number>(params: DenseParams<I, O>, x: Tensor<[B, I]>) => {
      if (x.shape.length !== 2 || x.shape[1] !== inputs)
        throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${inputs}] was expected`)
      if (params.w.shape[0] !== inputs || params.w.shape[1] !== outputs || params.b.shape[0] !== outputs)
        throw new ShapeError(name, `params have w ${showShape(params.w.shape)} and b ${showShape(params.b.shape)} but w [${inputs},${outputs}] and b [${outputs}] were expected`)
      const y = affineThen(x, params.w, params.b, relu)
      const back = (dy: Tensor<[B, O]>) => {
        let dz = dy
        if (relu) {
          const d = alloc(dy.dtype, dy.data.length)
          reluBackward(y.data, dy.data, d) // y > 0 exactly where the pre-activation is > 0
          dz = { shape: dy.shape, dtype: dy.dtype, data: d }
        }
        const dx = lazyTensor([dz.shape[0], inputs] as [B, I], resultType(dz, params.w), () => matmulNT(dz, params.w).data)
        return [{ w: matmulTN(x, dz), b: sum(dz, 0) }, dx] as const
      }
      return [y, back] as const
    },
  } as Layer<[I], [O], DenseParams<I, O>>
}
