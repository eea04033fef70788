import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  adam, andThen, conv2d, dense, evaluate, fit, flatten, fold, initTrain, input, key, normal, pretrain, relu, ShapeError, sigmoid, softmaxCrossEntropy, splitData, take, ValueError,
  type PretrainConfig, type PretrainedLayer, type PretrainRecord, type Tensor,
} from '../../src/index.js'
import { loadMnist } from '../../src/node/index.js'

const all = loadMnist()
const { train, validation } = splitData(key(7), all, { train: 500, validation: 500, test: 0 })
const binary = { ...train.x, data: train.x.data.map((v) => (v > 0.5 ? 1 : 0)) } as Tensor<[number, 784]>
const net = pipe(dense(784, 64), andThen(sigmoid), andThen(dense(64, 32)), andThen(sigmoid), andThen(dense(32, 10)))
const base = { epochs: 4, optimizer: adam(1e-2), batchSize: 25, key: key(1) } satisfies Partial<PretrainConfig<any>>

const run = (module: 'autoencoder' | 'rbm', x: Tensor<[number, 784]>, extra: Partial<PretrainConfig<any>> = {}) => {
  const records: PretrainRecord[] = []
  const layers: PretrainedLayer[] = []
  const params = pretrain(net, x, { ...base, module, ...extra, onEpoch: (r) => records.push(r), onLayer: (l) => layers.push(l) })
  return { params, records, layers }
}
const errors = (records: readonly PretrainRecord[], layer: number) => records.filter((r) => r.layer === layer).map((r) => r.reconstructionError)
const decreasing = (v: readonly number[]) => v.every((e, i) => i === 0 || e < v[i - 1]!)

describe('pretrain', () => {
  const ae = run('autoencoder', train.x)
  const rb = run('rbm', binary)

  it('gives params of the network, with every shape in place', () => {
    for (const { params } of [ae, rb]) {
      expect(params.length).toBe(5)
      expect([params[0].w.shape, params[0].b.shape, params[2].w.shape, params[4].w.shape]).toEqual([[784, 64], [64], [64, 32], [32, 10]])
      expect([params[1], params[3]]).toEqual([{}, {}])
    }
  })

  it('initialises each hidden layer with its module’s encoder and leaves the output layer random', () => {
    for (const { params, layers } of [ae, rb]) {
      expect(layers.map((l) => [l.layer, l.index])).toEqual([[1, 0], [2, 2]])
      expect(params[0].w).toEqual(layers[0]!.params.w)
      expect(params[0].b).toEqual(layers[0]!.params.b)
      expect(params[2]).toEqual({ w: layers[1]!.params.w, b: layers[1]!.params.b })
      expect(params[4]).toEqual(net.init(fold(base.key, 0))[4])
    }
    expect(ae.layers[0]!.module).toBe('autoencoder')
    expect(rb.layers[0]!.params.c.shape).toEqual([784])
  })

  it('reports a reconstruction error that falls epoch by epoch, for every layer (autoencoder, MNIST)', () => {
    expect(ae.records.map((r) => [r.layer, r.epoch])).toEqual([[1, 1], [1, 2], [1, 3], [1, 4], [2, 1], [2, 2], [2, 3], [2, 4]])
    expect(decreasing(errors(ae.records, 1))).toBe(true)
    expect(decreasing(errors(ae.records, 2))).toBe(true)
    // 784 Bernoulli cross-entropies: well below the 543 nats of x̂ = 0.5 everywhere.
    expect(errors(ae.records, 1)[3]).toBeLessThan(200)
  })

  it('reports a reconstruction error that falls epoch by epoch (RBM with CD-1, binarised MNIST)', () => {
    expect(decreasing(errors(rb.records, 1))).toBe(true)
    expect(decreasing(errors(rb.records, 2))).toBe(true)
    expect(errors(rb.records, 1)[3]).toBeLessThan(0.8 * errors(rb.records, 1)[0]!)
  })

  it('is deterministic: the same key gives bit-identical params, another key others', () => {
    expect(run('autoencoder', train.x).params).toEqual(ae.params)
    expect(run('rbm', binary).params).toEqual(rb.params)
    expect(run('rbm', binary, { key: key(2) }).params[0].w.data).not.toEqual(rb.params[0].w.data)
  })

  it('denoising and CD-k change the result and still reduce the error', () => {
    const dae = run('autoencoder', train.x, { corruption: 0.25, epochs: 2 })
    expect(dae.params[0].w.data).not.toEqual(ae.params[0].w.data)
    expect(decreasing(errors(dae.records, 1))).toBe(true)
    const cd3 = run('rbm', binary, { k: 3, epochs: 2 })
    expect(decreasing(errors(cd3.records, 1))).toBe(true)
  })

  it('then fine-tunes end to end with fit, far better than chance (90% error)', () => {
    const config = { net, loss: softmaxCrossEntropy, optimizer: adam(1e-2), batchSize: 25, epochs: 6, key: key(3) }
    for (const { params } of [ae, rb]) {
      const state = fit(config, train, validation, initTrain(config, params))
      expect(evaluate(net, softmaxCrossEntropy, state.best.params, validation).error).toBeLessThan(0.3)
    }
  })

  it('accepts other activations (the modules keep sigmoid hidden units)', () => {
    const reluNet = pipe(dense(784, 16), andThen(relu), andThen(dense(16, 10)))
    const p = pretrain(reluNet, take({ x: train.x, y: train.y }, Int32Array.from({ length: 50 }, (_, i) => i)).x, { ...base, module: 'autoencoder', epochs: 1 })
    expect(p[0].w.shape).toEqual([784, 16])
  })

  it('names the culprit for a wrong width or bad configuration', () => {
    const bad = { shape: [3, 783], dtype: 'float32', data: new Float32Array(3 * 783) } as unknown as Tensor<[number, 784]>
    expect(() => pretrain(net, bad, { ...base, module: 'rbm' })).toThrow(ShapeError)
    expect(() => pretrain(net, bad, { ...base, module: 'rbm' })).toThrow(/pretrain.*\[3,783\].*\[N,784\]/)
    expect(() => pretrain(net, train.x, { ...base, module: 'rbm', batchSize: 0 })).toThrow(ValueError)
    expect(() => pretrain(net, train.x, { ...base, module: 'autoencoder', corruption: 1 })).toThrow(/corruption/)
    // The RBM checks its inputs: grey levels above 1 are rejected by the module.
    const big = { ...train.x, data: train.x.data.map((v) => 2 * v) } as Tensor<[number, 784]>
    expect(() => pretrain(net, big, { ...base, module: 'rbm' })).toThrow(ValueError)
  })
})

describe('pretrain on networks it cannot pre-train', () => {
  it('refuses a convolutional network, naming the layer', () => {
    const cnn = pipe(input([8, 8, 1]), andThen(conv2d(3, 2)), andThen(relu), andThen(flatten), andThen(dense(72, 3)))
    expect(() => pretrain(cnn as never, normal(key(0), [4, 64]) as never, { module: 'rbm', epochs: 1, optimizer: adam(1e-3), batchSize: 2, key: key(1) }))
      .toThrow('pretrain: greedy pre-training trains dense layers only; conv2d(3×3×2) (layer 2) has no pre-training module')
  })
})
