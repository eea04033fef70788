import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  adam, andThen, chain, dense, DivergenceError, evaluate, fit, fitAsync, key, reduceOnPlateau, relu, sgd, softmaxCrossEntropy, take, tensor, ValueError,
} from '../../src/index.js'
import { blobs } from '../util/blobs.js'

const net = pipe(dense(4, 16), andThen(relu), andThen(dense(16, 3)))
const train = blobs(1, 100, 300, 4, 3, 1.5) // 10 minibatches of 32 per epoch
const validation = blobs(1, 101, 120, 4, 3, 1.5)
const config = { net, loss: softmaxCrossEntropy, optimizer: sgd(0.05), batchSize: 32, epochs: 6, key: key(3) }

/** The DivergenceError `f` throws (fails the test when it throws something else, or nothing). */
const divergence = (f: () => unknown): DivergenceError<any, any, any> => { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    f()
  } catch (e) {
    if (e instanceof DivergenceError) return e
    throw e
  }
  throw new Error('expected a DivergenceError, but training finished')
}

describe('divergence is reported, not lost', () => {
  it('a huge learning rate: the error names the epoch, the minibatch and the layer whose output overflowed', () => {
    const e = divergence(() => fit({ ...config, optimizer: sgd(1e8) }, train, validation))
    expect([e.epoch, e.step, e.globalStep, e.site, e.layer, e.layerIndex, e.rateFactor]).toEqual([1, 4, 4, 'output', 'dense(16→3)', 2, 1])
    expect(e.message).toBe(
      'fit: training diverged in epoch 1, minibatch 4 (step 4): the output of net.layers[2] (dense(16→3)) is not finite (rate factor 1); ' +
        'lastGood holds the state after 0 epochs: resume from it with a smaller learning rate',
    )
    expect(e.cause).toBeInstanceOf(ValueError) // the loss's refusal of non-finite logits, kept as the cause
    expect(e.lastGood.epoch).toBe(0)
  })

  it('the rate jumps after two epochs: lastGood is the state after epoch 2, and resuming with a small rate trains on exactly', () => {
    // Steps 0–19 (epochs 1 and 2) at α = 0.05, then α = 1e8.
    const e = divergence(() => fit({ ...config, optimizer: sgd((t) => (t < 20 ? 0.05 : 1e8)) }, train, validation))
    expect([e.epoch, e.site, e.layer]).toEqual([3, 'output', 'dense(16→3)'])
    expect(e.step).toBeGreaterThan(1)
    const good = e.lastGood
    expect([good.epoch, good.step, good.history.length]).toEqual([2, 0, 2])
    const resumed = fit(config, train, validation, good)
    // The same two epochs at α = 0.05 then four more: what a run at α = 0.05 throughout gives, bit for bit.
    expect(resumed).toEqual(fit(config, train, validation))
    const losses = resumed.history.map((h) => h.trainLoss)
    expect(losses[5]!).toBeLessThan(losses[1]!)
    expect(evaluate(net, softmaxCrossEntropy, resumed.params, validation).error).toBeLessThan(evaluate(net, softmaxCrossEntropy, good.params, validation).error + 1e-12)
  })

  it('a schedule that gives a non-finite rate: the update is named, with the minibatch loss and the plateau factor', () => {
    const optimizer = chain(sgd((t) => (t < 14 ? 0.05 : NaN)), reduceOnPlateau({ patience: 1 }))
    const e = divergence(() => fit({ ...config, optimizer }, train, validation))
    expect([e.epoch, e.step, e.globalStep, e.site, e.path, e.layer]).toEqual([2, 5, 15, 'update', '[2].b', 'dense(16→3)'])
    expect(e.loss).toBeGreaterThan(0)
    expect(e.rateFactor).toBe(e.lastGood.history[0]!.rateFactor)
    expect(e.message).toMatch(/^fit: training diverged in epoch 2, minibatch 5 \(step 15\): the optimizer update \(the gradient being finite\) of net\.layers\[2\] \(dense\(16→3\)\) at params\[2\]\.b is not finite \(rate factor 1, minibatch loss [0-9.]+\); lastGood holds the state after 1 epoch:/)
  })

  it('validation outputs that overflow after an epoch are reported with the first layer that overflowed', () => {
    const huge = { x: tensor([2, 4], new Float32Array(8).fill(3e38)), y: blobs(1, 101, 2, 4, 3, 1.5).y }
    const e = divergence(() => fit(config, train, huge))
    expect([e.epoch, e.step, e.site, e.layer, e.layerIndex]).toEqual([1, 10, 'validation', 'dense(4→16)', 0])
    expect(e.message).toContain('after epoch 1: the validation output of net.layers[0] (dense(4→16)) is not finite')
  })

  it('fitAsync rejects with the same error', async () => {
    await expect(fitAsync({ ...config, optimizer: sgd(1e8) }, train, validation)).rejects.toThrow(
      'fit: training diverged in epoch 1, minibatch 4 (step 4): the output of net.layers[2] (dense(16→3))',
    )
  })

  it('non-finite training data is a ValueError naming the dataset row, before any step, not a divergence', () => {
    const x = new Float32Array(train.x.data)
    x[4 * 150 + 2] = NaN
    let steps = 0
    expect(() => fit({ ...config, optimizer: adam(1e-3), onBatch: () => steps++ }, { x: tensor([300, 4], x), y: train.y }, validation)).toThrow(
      /^fit: train x has NaN at row 150, column 2/,
    )
    expect(steps).toBe(0)
  })
})

describe('evaluate on a diverged network', () => {
  it('does not throw: the loss is NaN and a row with a non-finite output counts as an error', () => {
    const params = net.init(key(0))
    const x = new Float32Array(validation.x.data)
    x.fill(3e38, 4 * 7, 4 * 8) // row 7 overflows
    const r = evaluate(net, softmaxCrossEntropy, params, { x: tensor([120, 4], x), y: validation.y })
    expect(r.loss).toBeNaN()
    const rest = evaluate(net, softmaxCrossEntropy, params, take(validation, Int32Array.from({ length: 119 }, (_, i) => (i < 7 ? i : i + 1))))
    expect(r.error).toBeCloseTo((rest.error * 119 + 1) / 120, 12)
  })
})
