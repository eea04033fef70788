import type { Sequential } from '../compose/sequential.js'
import type { Shape } from '../shape/Shape.js'
import { regressionSet } from '../data/Dataset.js'
import { sigmoid } from '../layers/activation.js'
import type { DenseParams } from '../layers/dense.js'
import { autoencoder, type TiedAutoencoderParams } from '../models/autoencoder.js'
import { rbm, type RbmParams } from '../models/rbm.js'
import { squaredError } from '../losses/squaredError.js'
import { affine } from '../ops/affine.js'
import type { GradientTransformation } from '../optim/GradientTransformation.js'
import { fold, type Key } from '../random/Key.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import type { Tensor } from '../tensor/Tensor.js'
import { fit, initTrain, type EpochRecord } from './fit.js'

/** One line of a pre-training history: layer `layer` (1-based) after epoch `epoch` (1-based). @category train */
export interface PretrainRecord {
  readonly layer: number
  readonly epoch: number
  /**
   * The module's reconstruction error on the layer's whole training set `h⁽ˡ⁻¹⁾(x)` after this
   * epoch, deterministic (no noise), mean per example: the autoencoder's own loss `ae.loss` (the
   * cross-entropy `−Σ_k x_k log x̂_k + (1 − x_k) log(1 − x̂_k)`) or the RBM's mean-field
   * `‖x − p(x | h = p(h | x))‖²`.
   */
  readonly reconstructionError: number
}

/** What {@link pretrain} reports when a layer is done: the trained module's params and its history. @category train */
export type PretrainedLayer =
  | { readonly module: 'autoencoder'; readonly layer: number; readonly index: number; readonly params: TiedAutoencoderParams<number, number>; readonly history: readonly PretrainRecord[] }
  | { readonly module: 'rbm'; readonly layer: number; readonly index: number; readonly params: RbmParams<number, number>; readonly history: readonly PretrainRecord[] }

/** The configuration of {@link pretrain}: static, never touched by tree utilities. @category train */
export interface PretrainConfig<S> {
  /** The greedy module: a tied autoencoder (sigmoid output, cross-entropy) or an RBM trained by CD-k. */
  readonly module: 'autoencoder' | 'rbm'
  /** Epochs per layer. */
  readonly epochs: number
  /** The optimizer of every module (a fresh state per layer). */
  readonly optimizer: GradientTransformation<S>
  readonly batchSize: number
  /** The seed: the same key gives bit-identical params. */
  readonly key: Key
  /** Autoencoder only: denoising with masking noise of this probability (Vincent et al., 2008); default 0. */
  readonly corruption?: number
  /** RBM only: Gibbs steps of contrastive divergence (CD-k); default 1. */
  readonly k?: number
  /** Called after every epoch of every layer, e.g. to print the reconstruction error. */
  readonly onEpoch?: (record: PretrainRecord) => void
  /** Called when a layer is done, with the module's params (e.g. to draw its filters). */
  readonly onLayer?: (layer: PretrainedLayer) => void
}

const checkCount = (name: string, v: number, min: number) => {
  if (!Number.isInteger(v) || v < min) throw new ValueError('pretrain', `${name} must be an integer ≥ ${min}, got ${v}`)
}

/** Trains one greedy module on `h: [N, V]` for `config.epochs`; reports it through the callbacks and gives its encoder. */
const trainModule = <S>(config: PretrainConfig<S>, layer: number, index: number, h: Tensor<[number, number]>, like: DenseParams<number, number>) => {
  const v = h.shape[1]
  const [hidden, dtype] = [like.w.shape[1], like.w.dtype]
  const [initKey, trainKey] = [fold(fold(config.key, 1), layer), fold(fold(config.key, 2), layer)]
  const history: PretrainRecord[] = []
  const data = regressionSet(h, h)
  const record = (epoch: number, reconstructionError: number) => {
    const r = { layer, epoch, reconstructionError }
    history.push(r)
    config.onEpoch?.(r)
  }
  if (config.module === 'autoencoder') {
    const p = config.corruption ?? 0
    const ae = autoencoder(v, hidden, { dtype, ...(p > 0 && { corruption: { kind: 'masking', p } }) })
    // NOTE: the layer's own training set is the validation set, so `validationLoss` is the
    // reconstruction error on all of it in eval mode (no corruption).
    const fitConfig = {
      net: ae, loss: ae.loss, optimizer: config.optimizer, batchSize: config.batchSize, epochs: config.epochs, key: trainKey,
      onEpoch: (r: EpochRecord) => record(r.epoch, r.validationLoss),
    }
    const params: TiedAutoencoderParams<number, number> = fit(fitConfig, data, data, initTrain(fitConfig, ae.init(initKey))).params
    config.onLayer?.({ module: 'autoencoder', layer, index, params, history })
    return ae.encoderParams(params)
  }
  // The RBM goes through the same epoch fold as everything else: `fit` on the RBM as a layer whose
  // backward pass is CD-k, with the reconstruction's squared error as the loss it reports.
  const m = rbm(v, hidden, { inputs: 'probabilities', dtype })
  const net = m.layer(config.k ?? 1)
  const rbmConfig = {
    net, loss: squaredError, optimizer: config.optimizer, batchSize: config.batchSize, epochs: config.epochs, key: trainKey,
    onEpoch: (r: EpochRecord) => record(r.epoch, 2 * r.validationLoss),
  }
  const params = fit(rbmConfig, data, data, initTrain(rbmConfig, m.init(initKey))).params
  config.onLayer?.({ module: 'rbm', layer, index, params, history })
  return m.encoderParams(params)
}

/**
 * Greedy layer-wise unsupervised pre-training (Hinton, Osindero & Teh, 2006; Bengio, Lamblin,
 * Popovici & Larochelle, 2007), as in the course's pseudocode: for `l = 1 … L` (every dense layer
 * but the last), build the training set `h⁽ˡ⁻¹⁾(x)` (with `h⁽⁰⁾(x) = x`), train a greedy module on
 * it — an autoencoder (denoising with `corruption`) through {@link fit} with targets `y = x` and
 * the autoencoder's own loss, or an RBM through the same {@link fit}, as a layer whose backward pass
 * is CD-k (`rbm(…).layer(k)`) — and initialise dense layer `l` with the module's hidden layer `w` and `b`.
 * The last dense layer (the output) and any other params keep the random init of `net.init`. Then
 * fine-tune the whole network with `fit(config, train, validation, initTrain(config, params))`.
 *
 * Activations: the course's formulation has sigmoid hidden units, and each module's hidden layer
 * is `h⁽ˡ⁾(x) = sigm(b + W h⁽ˡ⁻¹⁾(x))`, which is what the next module trains on WHATEVER
 * activation the network uses. With `sigmoid` after each dense layer the network computes exactly
 * those features; with `tanh` or `relu` the copied weights are a heuristic start (a module trained
 * with sigmoid units), which we allow. Layers without params (activations, dropout) are ignored.
 * Inputs must be in [0, 1]: the autoencoder's cross-entropy and the RBM's units are Bernoulli
 * means (mean-field `h⁽ˡ⁾`, as in Hinton & Salakhutdinov, 2006, is the next layer's data).
 *
 * Pure and deterministic: layer `l`'s module is initialised from `fold(fold(key, 1), l)` and
 * trained from `fold(fold(key, 2), l)`; the rest of the params come from `net.init(fold(key, 0))`.
 *
 * - `net`: a sequential network `[B, I] → [B, O]`; `x: [N, I]` the unlabelled training inputs.
 * - returns: params of `net` (`ParamsOf<typeof net>`).
 *
 * @throws ShapeError when `x` is not `[N, I]`; ValueError for a bad epoch count, batch size,
 * `corruption` or `k`, or inputs outside [0, 1] (from the module).
 * @example
 * const net = pipe(dense(784, 500), andThen(sigmoid), andThen(dense(500, 500)), andThen(sigmoid), andThen(dense(500, 10)))
 * const params = pretrain(net, train.x, { module: 'rbm', epochs: 5, optimizer: adam(1e-3), batchSize: 64, key: key(1) })
 * const tuned = fit(config, train, validation, initTrain(config, params)).best.params
 * @category train
 */
export const pretrain = <I extends number, O extends Shape, Ps extends readonly unknown[], Ss extends readonly unknown[], S>(
  net: Sequential<[I], O, Ps, Ss>,
  x: Tensor<[number, NoInfer<I>]>,
  config: PretrainConfig<S>,
): Ps => {
  const params = [...net.init(fold(config.key, 0))] as unknown[]
  // NOTE: the course's greedy modules (sigmoid autoencoders, Bernoulli RBMs) train dense layers on
  // features in [0, 1]; a layer with params of another kind (a convolution) has no module. Batch
  // norm keeps its init, as every layer without a module does.
  const other = net.layers.findIndex((l, i) => l.kind !== 'dense' && l.kind !== 'batchNorm' && Object.keys(params[i] ?? {}).length > 0)
  if (other >= 0)
    throw new ValueError('pretrain', `greedy pre-training trains dense layers only; ${net.layers[other]!.name} (layer ${other + 1}) has no pre-training module`)
  if (net.inShape.length !== 1)
    throw new ShapeError('pretrain', `the network takes ${showShape(net.inShape)} but greedy pre-training needs vectors (start with dense layers, or flatten the data)`)
  const input = net.inShape[0]
  if (x.shape.length !== 2 || x.shape[1] !== input)
    throw new ShapeError('pretrain', `x has shape ${showShape(x.shape)} but [N,${input}] was expected for ${net.layers[0]?.name ?? 'the network'}`)
  checkCount('epochs', config.epochs, 0)
  checkCount('batchSize', config.batchSize, 1)
  checkCount('k', config.k ?? 1, 1)
  const p = config.corruption ?? 0
  if (!(p >= 0 && p < 1)) throw new ValueError('pretrain', `corruption must be in [0, 1), got ${p}`)
  const denseAt = net.layers.flatMap((l, i) => (l.kind === 'dense' ? [i] : []))
  let h: Tensor<[number, number]> = x
  denseAt.slice(0, -1).forEach((index, l) => {
    const encoder = trainModule(config, l + 1, index, h, params[index] as DenseParams<number, number>)
    params[index] = encoder
    h = sigmoid.apply({}, affine(h, encoder.w, encoder.b))[0]
  })
  return params as unknown as Ps
}
