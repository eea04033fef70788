import { assertWidth } from '../internal/assert.js'
import { sigmoid } from '../layers/activation.js'
import type { DenseParams } from '../layers/dense.js'
import { dropoutMask } from '../layers/dropout.js'
import type { Context, Layer } from '../layers/Layer.js'
import { binaryCrossEntropy } from '../losses/binaryCrossEntropy.js'
import type { TargetLoss } from '../losses/Loss.js'
import { squaredError } from '../losses/squaredError.js'
import { addBias } from '../ops/addBias.js'
import { affine } from '../ops/affine.js'
import { add, mul } from '../ops/arithmetic.js'
import { matmul, matmulNT, matmulTN } from '../ops/matmul.js'
import { sum } from '../ops/reduce.js'
import { split, type Key } from '../random/Key.js'
import { uniform } from '../random/sample.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { zeros, type DType, type Tensor } from '../tensor/Tensor.js'

/** Params of a tied autoencoder: `w: [I, H]` (the course's Wᵀ), hidden bias `b: [H]`, output bias `c: [I]`. @category models */
export interface TiedAutoencoderParams<I extends number, H extends number> {
  readonly w: Tensor<[I, H]>
  readonly b: Tensor<[H]>
  readonly c: Tensor<[I]>
}

/** Params of an untied autoencoder: the tied ones plus the decoder's own weights `wStar: [H, I]` (W*ᵀ). @category models */
export interface UntiedAutoencoderParams<I extends number, H extends number> extends TiedAutoencoderParams<I, H> {
  readonly wStar: Tensor<[H, I]>
}

/** The params of an autoencoder: tied unless `Tied` is `false`. @category models */
export type AutoencoderParams<I extends number, H extends number, Tied extends boolean = true> = Tied extends false
  ? UntiedAutoencoderParams<I, H>
  : TiedAutoencoderParams<I, H>

/** Options of {@link autoencoder}. */
export interface AutoencoderOptions<Tied extends boolean = true> {
  /** `W* = Wᵀ` (default `true`) or a separate decoder matrix `wStar`. */
  readonly tied?: Tied
  /** The output non-linearity `o`: `'sigmoid'` for inputs in [0, 1] (default) or `'linear'` for real inputs. */
  readonly output?: 'sigmoid' | 'linear'
  /** Denoising: masking noise sets each input to 0 with probability `p` in training mode (Vincent et al., 2008). */
  readonly corruption?: { readonly kind: 'masking'; readonly p: number }
  /** Storage of the initial params (default `float32`). */
  readonly dtype?: DType
}

/**
 * An autoencoder as a `Layer<[I], [I], P>` whose `apply` gives the output PRE-activation `â = c + W*·h(x̃)`,
 * plus the pieces that pre-training a deep network needs. @category models
 */
export interface Autoencoder<I extends number, H extends number, P extends TiedAutoencoderParams<I, H>> extends Layer<[I], [I], P> {
  readonly kind: 'autoencoder'
  readonly inputs: I
  readonly hidden: H
  readonly output: 'sigmoid' | 'linear'
  /** The loss that matches `output` on `apply`'s result: `binaryCrossEntropy` (on logits) or `squaredError`. */
  readonly loss: TargetLoss
  /** The hidden code `h(x) = sigm(b + W x)`: `[B, I] → [B, H]` (never corrupted). */
  readonly encode: <B extends number>(params: P, x: Tensor<[B, I]>) => Tensor<[B, H]>
  /** The reconstruction from a code, `x̂ = o(c + W* h)`: `[B, H] → [B, I]` (probabilities for a sigmoid output). */
  readonly decode: <B extends number>(params: P, h: Tensor<[B, H]>) => Tensor<[B, I]>
  /** The encoder as the params of `dense(I, H)` (to be followed by `sigmoid`), for greedy pre-training. */
  readonly encoderParams: (params: P) => DenseParams<I, H>
}

/**
 * An autoencoder (course notation; Bengio et al., 2007; Vincent et al., 2008 for denoising):
 * encoder `h(x) = sigm(b + W x)`, decoder `x̂ = o(c + W* h(x))`, with `W* = Wᵀ` when tied (the
 * default; the gradient for `W` then sums its encoder and decoder uses) or a separate `wStar`.
 * In our row-major batches `x: [B, I]` the stored `w: [I, H]` is the course's `Wᵀ`, as in `dense`.
 *
 * `apply(params, x)` returns the output pre-activation `â: [B, I]` and its backward pass:
 * - `output: 'sigmoid'`: `â` are logits, so train with `binaryCrossEntropy(â, x)` (`ae.loss`), which
 *   applies the sigmoid stably; `decode` gives `sigm(c + W* h)`.
 * - `output: 'linear'`: `â = x̂`; train with `squaredError(x̂, x)` (`ae.loss`).
 * So `valueAndGrad(ae, ae.loss)(params, x, x, ctx)` is the reconstruction loss and its gradient.
 *
 * With `corruption`, training mode (`ctx.training`) reconstructs from `x̃ = x ⊙ m`, `m_i ~ Bernoulli(1 − p)`
 * drawn from `ctx.key` (the loss still compares with the clean `x`); eval mode never corrupts.
 * Init: Glorot-uniform weights, zero biases.
 *
 * @throws ShapeError for a wrong width; ValueError for `p` outside [0, 1), or denoising in training mode without `ctx.key`.
 * @example
 * const ae = autoencoder(784, 256, { corruption: { kind: 'masking', p: 0.25 } })
 * const [loss, grads] = valueAndGrad(ae, ae.loss)(params, x, x, { training: true, key: key(1) })
 * const first = ae.encoderParams(params) // DenseParams<784, 256>
 * @category models
 */
export const autoencoder = <const I extends number, const H extends number, const Tied extends boolean = true>(
  inputs: I,
  hidden: H,
  options: AutoencoderOptions<Tied> = {},
): Autoencoder<I, H, AutoencoderParams<I, H, Tied>> => {
  type P = AutoencoderParams<I, H, Tied>
  type U = UntiedAutoencoderParams<I, H>
  assertWidth('autoencoder', 'inputs', inputs)
  assertWidth('autoencoder', 'hidden', hidden)
  const { tied = true, output = 'sigmoid', corruption, dtype = 'float32' } = options
  const p = corruption?.p ?? 0
  if (!(p >= 0 && p < 1)) throw new ValueError('autoencoder', `corruption.p must be in [0, 1), got ${p}`)
  const name = `autoencoder(${inputs}→${hidden}${tied ? '' : ', untied'}, ${output}${corruption ? `, masking ${p}` : ''})`
  const bound = Math.sqrt(6 / (inputs + hidden))
  const checkX = (arg: string, x: Tensor, width: number) => {
    if (x.shape.length !== 2 || x.shape[1] !== width) throw new ShapeError(name, `${arg} has shape ${showShape(x.shape)} but [B,${width}] was expected`)
  }
  const encode = <B extends number>(params: P, x: Tensor<[B, I]>) => sigmoid.apply({}, affine(x, params.w, params.b))
  const preOutput = <B extends number>(params: P, h: Tensor<[B, H]>): Tensor<[B, I]> =>
    addBias(tied ? matmulNT(h, params.w) : matmul(h, (params as U).wStar), params.c)
  const init = (key: Key): P => {
    const [kw, ks] = split(key)
    const enc = { w: uniform(kw!, [inputs, hidden], -bound, bound, dtype), b: zeros([hidden], dtype), c: zeros([inputs], dtype) }
    return (tied ? enc : { ...enc, wStar: uniform(ks!, [hidden, inputs], -bound, bound, dtype) }) as P
  }
  const apply = <B extends number>(params: P, x: Tensor<[B, I]>, ctx: Context<undefined> = {}) => {
    checkX('x', x, inputs)
    let xt = x, m: Tensor<[B, I]> | undefined
    if (ctx.training === true && corruption) {
      if (ctx.key === undefined) throw new ValueError(name, 'denoising in training mode needs ctx.key')
      m = dropoutMask(ctx.key, x.shape, p, x.dtype) as Tensor<[B, I]>
      xt = mul(x, m)
    }
    const [h, sigBack] = encode(params, xt)
    const a = preOutput(params, h)
    const back = (dy: Tensor<[B, I]>) => {
      const dh = tied ? matmul(dy, params.w) : matmulNT(dy, (params as U).wStar)
      const dah = sigBack(dh)[1]
      const dwEnc = matmulTN(xt, dah)
      const enc = { w: tied ? add(dwEnc, matmulTN(dy, h)) : dwEnc, b: sum(dah, 0), c: sum(dy, 0) }
      const grads = (tied ? enc : { ...enc, wStar: matmulTN(h, dy) }) as P
      const dxt = matmulNT(dah, params.w)
      return [grads, m === undefined ? dxt : mul(dxt, m)] as const
    }
    return [a, back] as const
  }
  return {
    kind: 'autoencoder',
    name,
    inShape: [inputs],
    outShape: [inputs],
    inputs,
    hidden,
    output,
    loss: output === 'sigmoid' ? binaryCrossEntropy : squaredError,
    init,
    initState: () => undefined,
    apply,
    encode: (params, x) => (checkX('x', x, inputs), encode(params, x)[0]),
    decode: (params, h) => {
      checkX('h', h, hidden)
      const a = preOutput(params, h)
      return output === 'sigmoid' ? sigmoid.apply({}, a)[0] : a
    },
    encoderParams: (params) => ({ w: params.w, b: params.b }),
  }
}
