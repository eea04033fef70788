import { assertWidth } from '../internal/assert.js'
import { lazyTensor } from '../internal/lazyTensor.js'
import { linear, sigmoid } from '../layers/activation.js'
import { dense, type DenseParams } from '../layers/dense.js'
import { dropoutMask } from '../layers/dropout.js'
import type { Context, Layer } from '../layers/Layer.js'
import { binaryCrossEntropy } from '../losses/binaryCrossEntropy.js'
import type { TargetLoss } from '../losses/Loss.js'
import { squaredError } from '../losses/squaredError.js'
import { addBias } from '../ops/addBias.js'
import { add, mul } from '../ops/arithmetic.js'
import { matmul, matmulNT, matmulTN } from '../ops/matmul.js'
import { sum } from '../ops/reduce.js'
import { split, type Key } from '../random/Key.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { resultType, zeros, type DType, type Tensor } from '../tensor/Tensor.js'

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
 * Init: Glorot-uniform weights, zero biases (those of `dense(I, H)` and, untied, `dense(H, I)`).
 *
 * Built from layers: the encoder is `dense(I, H)` then `sigmoid`, the untied decoder `dense(H, I)` on
 * `{ w: W*, b: c }`, the output `sigmoid` or `linear`, the noise `dropoutMask`; the backward pass
 * chains their `back`s. Tied, the decoder is `dense(H, I)` on `{ w: Wᵀ, b: c }` (written out so as
 * not to materialise `Wᵀ`, see the NOTE), and `W`'s gradient is the sum of the encoder's and the decoder's.
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
  const checkX = (arg: string, x: Tensor, width: number) => {
    if (x.shape.length !== 2 || x.shape[1] !== width) throw new ShapeError(name, `${arg} has shape ${showShape(x.shape)} but [B,${width}] was expected`)
  }
  const encoder = dense(inputs, hidden, { dtype })
  const decoder = dense(hidden, inputs, { dtype })
  const encoderParams = (params: P): DenseParams<I, H> => ({ w: params.w, b: params.b })
  /** `h = sigm(b + W x)`: `dense(I, H)` then `sigmoid`, and the two backs chained. */
  const encode = <B extends number>(params: P, x: Tensor<[B, I]>) => {
    const [a, denseBack] = encoder.apply(encoderParams(params), x)
    const [h, sigmoidBack] = sigmoid.apply({}, a)
    return [h, (dh: Tensor<[B, H]>) => denseBack(sigmoidBack(dh)[1])] as const
  }
  // NOTE: hand-fused: 8.1 ms vs 9.2 ms per step at batch 64, 784-256 (tied, trainStep with sgd,
  // float32; interleaved rounds, median per-round ratio 0.88; the same bits) against `dense(H, I)` on
  // `{ w: transpose(w), b: c }` with `transpose(∂Wᵀ)` added to the encoder's `∂W`: the difference is
  // those two strided [I, H] copies. This is that dense layer with the transposes folded into the
  // matmul layouts: `â = h·Wᵀ + c`, `∂W = dyᵀ·h` (= `transpose(hᵀ·dy)`),
  // `∂c = Σ_rows dy`, `dh = dy·W`. Tests check it against `dense` (untied, and pipe on `transpose(w)`).
  const tiedDecoder = <B extends number>(w: Tensor<[I, H]>, c: Tensor<[I]>, h: Tensor<[B, H]>) => {
    const back = (dy: Tensor<[B, I]>) => [{ w: matmulTN(dy, h), b: sum(dy, 0) }, matmul(dy, w)] as const
    return [addBias(matmulNT(h, w), c), back] as const
  }
  /** `â = c + W* h` and its back: the gradient for the decoder's weight (`W` tied, `W*` untied) and `c`, and `dh`. */
  const decode = <B extends number>(params: P, h: Tensor<[B, H]>) =>
    tied ? tiedDecoder(params.w, params.c, h) : decoder.apply({ w: (params as U).wStar, b: params.c }, h)
  const init = (key: Key): P => {
    const [kw, ks] = split(key)
    const enc = { ...encoder.init(kw!), c: zeros([inputs], dtype) }
    return (tied ? enc : { ...enc, wStar: decoder.init(ks!).w }) as P
  }
  const apply = <B extends number>(params: P, x: Tensor<[B, I]>, ctx: Context<undefined> = {}) => {
    checkX('x', x, inputs)
    let xt = x, m: Tensor<[B, I]> | undefined
    if (ctx.training === true && corruption) {
      if (ctx.key === undefined) throw new ValueError(name, 'denoising in training mode needs ctx.key')
      m = dropoutMask(ctx.key, x.shape, p, x.dtype) as Tensor<[B, I]>
      xt = mul(x, m)
    }
    const [h, encoderBack] = encode(params, xt)
    const [a, decoderBack] = decode(params, h)
    const back = (dy: Tensor<[B, I]>) => {
      const [dDec, dh] = decoderBack(dy)
      const [dEnc, dxt] = encoderBack(dh)
      const grads = tied
        ? { w: add(dEnc.w, dDec.w as Tensor<[I, H]>), b: dEnc.b, c: dDec.b }
        : { ...dEnc, c: dDec.b, wStar: dDec.w as Tensor<[H, I]> }
      // NOTE: `dxt` is lazy (see `dense`) and training never reads `dx`; masking keeps it so.
      const dx = m === undefined ? dxt : lazyTensor(x.shape, resultType(dxt, m), () => mul(dxt, m).data)
      return [grads as P, dx] as const
    }
    return [a, back] as const
  }
  const outputLayer = output === 'sigmoid' ? sigmoid : linear
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
      return outputLayer.apply({}, decode(params, h)[0])[0]
    },
    encoderParams,
  }
}
