import { batchStatistics } from '../layers/batchNorm.js'
import { sameShape, type Shape } from '../shape/Shape.js'
import type { AnyLayer, Context } from '../layers/Layer.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import type { Tensor } from '../tensor/Tensor.js'
import type { Sequential } from './sequential.js'

const isBatchNorm = (l: AnyLayer): boolean => l.kind === 'batchNorm'

/**
 * The exact eval-mode statistics of every batch-norm layer of a network, for a whole training set
 * `x: [N, I]`: the final phase of training with batch normalisation (Ioffe & Szegedy, 2015,
 * Algorithm 2, steps 8–12), done exactly instead of by running averages.
 *
 * The set is propagated layer by layer in eval mode. At each `batchNorm` layer the per-unit mean
 * `E[x] = Σ x / N` and unbiased variance `Var[x] = Σ (x − E[x])² / (N − 1)` of its input are
 * computed and put in the state; the layer is then applied in eval mode WITH those statistics, so
 * the next batch-norm layer sees exactly what it will see at test time. (`N − 1` because
 * Algorithm 2's `m/(m − 1)·E_B[σ²_B]`, averaged over all minibatches of the set, equals it; the
 * layers' running averages estimate the same quantity.)
 *
 * Returns the network's state tuple: batch-norm entries replaced by the exact statistics (stored in
 * the dtype of the state they replace), other entries taken from `state`. Nothing is mutated.
 * Layers after the last batch-norm layer are not run.
 *
 * @param state the state to start from (default `net.initState()`).
 * @throws ShapeError for a wrong input width; ValueError for fewer than 2 examples.
 * @example
 * const net = pipe(dense(784, 256), andThen(batchNorm(256)), andThen(relu), andThen(dense(256, 10)))
 * const state = exactBatchNormStatistics(net, params, trainX)
 * net.apply(params, testX, { state }) // eval mode with the training-set statistics
 * @category compose
 */
export const exactBatchNormStatistics = <In extends Shape, Out extends Shape, Ps extends readonly unknown[], Ss extends readonly unknown[]>(
  net: Sequential<In, Out, Ps, Ss>,
  params: Ps,
  x: Tensor<[number, ...NoInfer<In>]>,
  state: Ss = net.initState(),
): Ss => {
  const op = 'exactBatchNormStatistics'
  const first = net.layers[0]
  if (x.shape.length !== net.inShape.length + 1 || !sameShape(x.shape.slice(1), net.inShape))
    throw new ShapeError(op, `x has shape ${showShape(x.shape)} but [N,${net.inShape.join(',')}] was expected for ${first?.name ?? 'the network'}`)
  if (x.shape[0] < 2) throw new ValueError(op, `x has shape ${showShape(x.shape)}; a variance needs at least 2 examples`)
  const out = [...state] as unknown[]
  let last = net.layers.length - 1
  while (last >= 0 && !isBatchNorm(net.layers[last]!)) last--
  let h: Tensor = x
  for (let i = 0; i <= last; i++) {
    const layer: AnyLayer = net.layers[i]!
    if (isBatchNorm(layer)) {
      const old = (out[i] as { mean?: Tensor } | undefined)?.mean
      const w = layer.outShape[layer.outShape.length - 1]!
      // NOTE: per channel: an image batch [N, H, W, C] is N·H·W rows of C.
      out[i] = batchStatistics({ shape: [h.data.length / w, w], dtype: h.dtype, data: h.data }, old?.dtype ?? layer.initState().mean.dtype)
    }
    const ctx: Context = out[i] === undefined ? {} : { state: out[i] }
    h = layer.apply(params[i], h, ctx)[0]
  }
  return out as unknown as Ss
}
