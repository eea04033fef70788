import { assertWidth } from '../internal/assert.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, full, type DType, type Tensor } from '../tensor/Tensor.js'
import type { Shape, ShapeMismatch, ShowShape } from '../shape/Shape.js'
import type { Context, Forward, LayerFn, ShapeFn } from './Layer.js'
import { shapePreserving } from './shapePreserving.js'

/** The params of `batchNorm(W)`: scale `gamma: [W]` (γ) and shift `beta: [W]` (β). @category layers */
export interface BatchNormParams<W extends number> {
  readonly gamma: Tensor<[W]>
  readonly beta: Tensor<[W]>
}

/**
 * The state of `batchNorm(W)`: the statistics used in eval mode, `mean: [W]` (E[x]) and
 * `variance: [W]` (Var[x], the UNBIASED estimate, as in the paper's Algorithm 2). @category layers
 */
export interface BatchNormState<W extends number> {
  readonly mean: Tensor<[W]>
  readonly variance: Tensor<[W]>
}

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Weight of the old running average: `s ← momentum·s + (1 − momentum)·batch` (default 0.9; the Keras/Flax convention, PyTorch's momentum is 1 − this). */
  readonly momentum?: number
  /** ε added to the variance before the square root (default 1e-5). */
  readonly eps?: number
  /** Storage of the initial params and state (default `float32`). */
  readonly dtype?: DType
}

/** The shape function of `batchNorm(W)`: any shape whose last axis (the channels) is `W`. @category layers */
export interface BatchNormFn<W extends number> extends ShapeFn {
  readonly out: this['in'] extends readonly [...number[], W] ? this['in'] : ShapeMismatch<`batchNorm(${W}) expects [...,${W}] but gets ${ShowShape<this['in']>}`>
  readonly params: BatchNormParams<W>
  readonly state: BatchNormState<W>
}

/**
 * A batch-norm layer, per channel (the last axis) on any shape: `[B, ...S, W] → [B, ...S, W]`; a
 * layer that {@link exactBatchNormStatistics} can recognise. @category layers
 */
export interface BatchNorm<W extends number> extends LayerFn<BatchNormFn<W>> {
  readonly kind: 'batchNorm'
  readonly width: W
  readonly eps: number
  readonly momentum: number
  readonly init: () => BatchNormParams<W>
  readonly initState: () => BatchNormState<W>
  readonly apply: <B extends number, S extends readonly [...number[], W]>(
    params: BatchNormParams<W>,
    x: Tensor<[B, ...S]>,
    ctx?: Context<BatchNormState<W>>,
  ) => Forward<B, S, S, BatchNormParams<W>, BatchNormState<W>>
}

/**
 * The statistics eval mode should use for a whole set `x: [N, W]`: the per-unit mean and the
 * unbiased variance `Σ (x − μ)² / (N − 1)` (accumulated in float64, stored as `dtype`).
 */
export const batchStatistics = <W extends number>(x: Tensor<[number, W]>, dtype: DType = x.dtype): BatchNormState<W> => {
  const [n, w] = x.shape
  const d = x.data, mu = new Float64Array(w), v = new Float64Array(w)
  for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < w; j++, k++) mu[j] = mu[j]! + d[k]!
  for (let j = 0; j < w; j++) mu[j] = mu[j]! / n
  for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < w; j++, k++) v[j] = v[j]! + (d[k]! - mu[j]!) ** 2
  for (let j = 0; j < w; j++) v[j] = v[j]! / (n - 1)
  const m = alloc(dtype, w), s = alloc(dtype, w)
  m.set(mu)
  s.set(v)
  return { mean: { shape: [w], dtype, data: m }, variance: { shape: [w], dtype, data: s } }
}

/**
 * Batch normalisation (Ioffe & Szegedy, 2015): `y = γ ⊙ x̂ + β` with `x̂ = (x − μ) / √(σ² + ε)`, per
 * unit: `[B, W] → [B, W]`; on images `[B, H, W', C]` per channel (`batchNorm(C)`, statistics over
 * the batch and both spatial axes, as in convolutional nets), params `{ gamma, beta }` (γ = 1, β = 0 at init), state `{ mean, variance }`
 * (0 and 1 at init).
 *
 * - Training mode (`ctx.training`): μ_B and σ²_B are the batch mean and BIASED batch variance. The
 *   backward pass goes through them (Algorithm 1 and its chain rule), so with `x̂` and `σ_B`:
 *   `dx = γ / (B σ_B) · (B·dy − Σ_b dy − x̂ ⊙ Σ_b (dy ⊙ x̂))`, `dγ = Σ_b dy ⊙ x̂`, `dβ = Σ_b dy`.
 *   The forward tuple's third element is the new state (fresh tensors; nothing is mutated):
 *   `mean ← m·mean + (1 − m)·μ_B` and `variance ← m·variance + (1 − m)·(B / (B − 1))·σ²_B`, with
 *   `m = momentum`. The running variance uses the UNBIASED batch variance, as Algorithm 2 (step 10)
 *   does, so that it estimates the same quantity as {@link exactBatchNormStatistics}.
 * - Eval mode (default): the statistics of `ctx.state` (or `initState()`) make a fixed affine map per
 *   unit `y = a ⊙ x + c` with `a = γ / √(variance + ε)` and `c = β − a ⊙ mean`.
 *
 * @throws ShapeError for a wrong input width or params/state of another width; ValueError in training
 * mode for a batch of one (its variance is undefined).
 * @example
 * const net = pipe(dense(784, 256), andThen(batchNorm(256)), andThen(relu), andThen(dense(256, 10)))
 * const [y, back, state] = net.apply(params, x, { training: true, state: net.initState() })
 * @category layers
 */
export const batchNorm = <const W extends number>(width: W, options: BatchNormOptions = {}): BatchNorm<W> => {
  assertWidth('batchNorm', 'width', width)
  const { momentum = 0.9, eps = 1e-5, dtype = 'float32' } = options
  if (!(momentum >= 0 && momentum <= 1)) throw new ValueError('batchNorm', `momentum must be in [0, 1], got ${momentum}`)
  if (!(eps >= 0)) throw new ValueError('batchNorm', `eps must be non-negative, got ${eps}`)
  const name = `batchNorm(${width})`
  const vec = (v: number): Tensor<[W]> => full([width], v, dtype) as Tensor<[W]>
  const check = (arg: string, t: Tensor) => {
    if (t.shape.length !== 1 || t.shape[0] !== width) throw new ShapeError(name, `${arg} has shape ${showShape(t.shape)} but [${width}] was expected`)
  }
  const grads = (params: BatchNormParams<W>, sg: Float64Array, sb: Float64Array): BatchNormParams<W> => {
    const dg = alloc(params.gamma.dtype, width), db = alloc(params.beta.dtype, width)
    dg.set(sg)
    db.set(sb)
    return { gamma: { shape: [width], dtype: params.gamma.dtype, data: dg }, beta: { shape: [width], dtype: params.beta.dtype, data: db } }
  }
  const apply = <B extends number, S extends Shape>(params: BatchNormParams<W>, x: Tensor<[B, ...S]>, ctx: Context<BatchNormState<W>> = {}) => {
    if (x.shape.length < 2 || (x.shape as Shape)[x.shape.length - 1] !== width) throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,...,${width}] was expected`)
    check('params.gamma', params.gamma)
    check('params.beta', params.beta)
    const state = ctx.state ?? { mean: vec(0), variance: vec(1) }
    check('state.mean', state.mean)
    check('state.variance', state.variance)
    return ctx.training === true ? train(params, x, state) : evaluate(params, x, state)
  }
  const evaluate = <B extends number, S extends Shape>(params: BatchNormParams<W>, x: Tensor<[B, ...S]>, state: BatchNormState<W>) => {
    const n = x.data.length / width, g = params.gamma.data, mu = state.mean.data, v = state.variance.data
    const a = new Float64Array(width), c = new Float64Array(width), inv = new Float64Array(width)
    const xd = x.data, y = alloc(x.dtype, xd.length)
    for (let j = 0; j < width; j++) {
      const sd = Math.sqrt(v[j]! + eps)
      inv[j] = 1 / sd
      a[j] = g[j]! / sd
      c[j] = params.beta.data[j]! - a[j]! * mu[j]!
    }
    for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < width; j++, k++) y[k] = a[j]! * xd[k]! + c[j]!
    const back = (dy: Tensor<[B, ...S]>) => {
      const d = dy.data, dx = alloc(dy.dtype, d.length), sg = new Float64Array(width), sb = new Float64Array(width)
      for (let i = 0, k = 0; i < n; i++)
        for (let j = 0; j < width; j++, k++) {
          dx[k] = a[j]! * d[k]!
          sg[j] = sg[j]! + d[k]! * (xd[k]! - mu[j]!) * inv[j]!
          sb[j] = sb[j]! + d[k]!
        }
      return [grads(params, sg, sb), { shape: x.shape, dtype: dy.dtype, data: dx } as Tensor<[B, ...S]>] as const
    }
    return [{ shape: x.shape, dtype: x.dtype, data: y } as Tensor<[B, ...S]>, back] as const
  }
  const train = <B extends number, S extends Shape>(params: BatchNormParams<W>, x: Tensor<[B, ...S]>, state: BatchNormState<W>) => {
    const n = x.data.length / width
    if (n < 2) throw new ValueError(name, `training mode needs a batch of at least 2 to estimate a variance, but x has shape ${showShape(x.shape)}`)
    const batch = batchStatistics({ shape: [n, width], dtype: x.dtype, data: x.data }, 'float64')
    const mu = batch.mean.data, unbiased = batch.variance.data, xd = x.data, g = params.gamma.data
    const sigma = new Float64Array(width), xhat = new Float64Array(xd.length), y = alloc(x.dtype, xd.length)
    for (let j = 0; j < width; j++) sigma[j] = Math.sqrt((unbiased[j]! * (n - 1)) / n + eps)
    for (let i = 0, k = 0; i < n; i++)
      for (let j = 0; j < width; j++, k++) {
        xhat[k] = (xd[k]! - mu[j]!) / sigma[j]!
        y[k] = g[j]! * xhat[k]! + params.beta.data[j]!
      }
    const ema = (old: Tensor<[W]>, now: ArrayLike<number>): Tensor<[W]> => {
      const o = alloc(old.dtype, width)
      for (let j = 0; j < width; j++) o[j] = momentum * old.data[j]! + (1 - momentum) * now[j]!
      return { shape: [width], dtype: old.dtype, data: o }
    }
    const next: BatchNormState<W> = { mean: ema(state.mean, mu), variance: ema(state.variance, unbiased) }
    const back = (dy: Tensor<[B, ...S]>) => {
      const d = dy.data, sg = new Float64Array(width), sb = new Float64Array(width)
      for (let i = 0, k = 0; i < n; i++)
        for (let j = 0; j < width; j++, k++) {
          sg[j] = sg[j]! + d[k]! * xhat[k]!
          sb[j] = sb[j]! + d[k]!
        }
      // NOTE: the full formula: μ_B and σ²_B depend on every row, hence the two Σ terms.
      const dx = alloc(dy.dtype, d.length)
      for (let i = 0, k = 0; i < n; i++)
        for (let j = 0; j < width; j++, k++) dx[k] = (g[j]! / (n * sigma[j]!)) * (n * d[k]! - sb[j]! - xhat[k]! * sg[j]!)
      return [grads(params, sg, sb), { shape: x.shape, dtype: dy.dtype, data: dx } as Tensor<[B, ...S]>] as const
    }
    return [{ shape: x.shape, dtype: x.dtype, data: y } as Tensor<[B, ...S]>, back, next] as const
  }
  const fits = (inShape: Shape) => {
    if (inShape.length < 1 || inShape[inShape.length - 1] !== width)
      throw new ShapeError(name, `expects [...,${width}] but gets ${showShape(inShape)}`)
  }
  return shapePreserving(
    {
      kind: 'batchNorm' as const,
      name,
      width,
      eps,
      momentum,
      init: () => ({ gamma: vec(1), beta: vec(0) }),
      initState: () => ({ mean: vec(0), variance: vec(1) }),
      apply,
    },
    fits,
  ) as unknown as BatchNorm<W>
}
