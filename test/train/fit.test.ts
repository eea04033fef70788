import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  adam, andThen, chain, decodeCheckpoint, labels, tensor, ValueError, dense, encodeCheckpoint, evaluate, fit, initTrain, gridSearch, choice, key, logUniform, momentum, randomSearch, reduceOnPlateau, relu, sgd, softmaxCrossEntropy,
  type EpochRecord, type TrainState,
} from '../../src/index.js'
import { isLeft } from 'fp-ts/lib/Either.js'
import { blobs } from '../util/blobs.js'

const net = pipe(dense(4, 16), andThen(relu), andThen(dense(16, 3)))
const train = blobs(1, 100, 300, 4, 3, 1.5)
const validation = blobs(1, 101, 120, 4, 3, 1.5)

describe('fit', () => {
  const config = { net, loss: softmaxCrossEntropy, optimizer: adam(0.01), batchSize: 32, epochs: 8, key: key(3) }
  it('learns the blobs and records a history line per epoch', () => {
    const lines: EpochRecord[] = []
    const state = fit({ ...config, onEpoch: (r) => lines.push(r) }, train, validation)
    expect(lines.map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(state.history).toEqual(lines)
    expect(lines[7]!.trainLoss).toBeLessThan(lines[0]!.trainLoss)
    expect(evaluate(net, softmaxCrossEntropy, state.params, validation).error).toBeLessThan(0.1)
  })
  it('is bit-identical for the same seed and differs for another', () => {
    const a = fit(config, train, validation)
    const b = fit(config, train, validation)
    expect(a.params).toEqual(b.params)
    const c = fit({ ...config, key: key(4) }, train, validation)
    expect(c.params[0].w.data).not.toEqual(a.params[0].w.data)
  })
  it('resuming from a mid-run state equals an uninterrupted run', () => {
    let mid: TrainState<any, any, any> | undefined
    const full = fit({ ...config, onEpoch: (r, s) => (r.epoch === 3 ? (mid = s) : undefined) }, train, validation)
    const resumed = fit(config, train, validation, mid)
    expect(resumed).toEqual(full)
  })
  it('resuming from a checkpoint file of the mid-run state equals an uninterrupted run', () => {
    let text = ''
    const full = fit({ ...config, onEpoch: (r, s) => (r.epoch === 4 ? (text = encodeCheckpoint(s)) : undefined) }, train, validation)
    const loaded = decodeCheckpoint(text, initTrain(config))
    if (isLeft(loaded)) throw new Error(loaded.left.message)
    expect(loaded.right.epoch).toBe(4)
    expect(fit(config, train, validation, loaded.right)).toEqual(full)
  })
  it('a checkpoint of another architecture is refused with a clear error', () => {
    const text = encodeCheckpoint(fit({ ...config, epochs: 1 }, train, validation))
    const other = pipe(dense(4, 8), andThen(relu), andThen(dense(8, 3)))
    const loaded = decodeCheckpoint(text, initTrain({ ...config, net: other }))
    expect(isLeft(loaded) && loaded.left.message).toMatch(/params\[0\]\.w.*\[4,16\].*\[4,8\]/)
  })
  it('early stopping returns the best epoch’s params', () => {
    // A large learning rate makes validation error wander; patience 2 stops the run.
    const noisy = blobs(7, 70, 200, 4, 3, 4)
    const held = blobs(7, 71, 200, 4, 3, 4)
    const state = fit({ ...config, optimizer: sgd(2), epochs: 40, patience: 2 }, noisy, held)
    const scores = state.history.map((h) => h.validationError)
    const bestEpoch = scores.indexOf(Math.min(...scores)) + 1
    expect(state.best.epoch).toBe(bestEpoch)
    expect(state.epoch).toBe(bestEpoch + 2) // stopped after 2 epochs of look-ahead without improvement
    expect(evaluate(net, softmaxCrossEntropy, state.best.params, held).error).toBe(state.best.score)
  })
  it('halves the learning rate when validation stops improving (plateau rule)', () => {
    const noisy = blobs(8, 80, 150, 4, 3, 4)
    const state = fit({ ...config, optimizer: chain(momentum(0.5), reduceOnPlateau({ patience: 1 })), epochs: 15 }, noisy, blobs(8, 81, 150, 4, 3, 4))
    const factors = state.history.map((h) => h.rateFactor)
    expect(factors[0]).toBe(1)
    expect(factors.some((f) => f === 0.5)).toBe(true)
    // The factor only ever halves, right after an epoch that did not improve on the best so far.
    for (let i = 1; i < factors.length; i++) {
      expect([factors[i - 1], factors[i - 1]! / 2]).toContain(factors[i])
      if (factors[i] !== factors[i - 1]) {
        const before = Math.min(...state.history.slice(0, i - 1).map((h) => h.validationError))
        expect(state.history[i - 1]!.validationError).toBeGreaterThanOrEqual(before)
      }
    }
  })
})

describe('fit refuses what it cannot do', () => {
  const config = { net, loss: softmaxCrossEntropy, optimizer: adam(0.01), batchSize: 32, epochs: 8, key: key(3) }
  const empty = { x: tensor([0, 4], []), y: labels([], 3) }
  it('an empty validation set with early stopping or a plateau rule: a ValueError up front, not the untrained params', () => {
    expect(() => fit({ ...config, patience: 2 }, train, empty)).toThrow(
      new ValueError('fit', 'the validation set is empty, so early stopping (patience 2) has no score to select by and would return the initial params'),
    )
    expect(() => fit({ ...config, optimizer: chain(adam(0.01), reduceOnPlateau({ patience: 2 })) }, train, empty)).toThrow(
      "fit: the validation set is empty, so the optimizer's plateau rule (reduceOnPlateau) has no score to observe",
    )
  })
  it('an empty validation set without them trains (state.params; nothing to select by)', () => {
    const state = fit({ ...config, epochs: 2 }, train, empty)
    expect(state.history.map((h) => h.validationLoss)).toEqual([NaN, NaN])
    expect(evaluate(net, softmaxCrossEntropy, state.params, validation).error).toBeLessThan(0.2)
  })
  it('the removed plateau option is refused rather than silently ignored', () => {
    const old = { ...config, plateau: { patience: 2 } }
    expect(() => fit(old, train, validation)).toThrow('fit: config.plateau is gone: compose the rule into the optimizer, chain(adam(1e-3), reduceOnPlateau({ patience: 2 }))')
  })
  it('a bad patience or epoch count', () => {
    expect(() => fit({ ...config, patience: 0 }, train, validation)).toThrow('fit: patience must be a positive integer, got 0')
    expect(() => fit({ ...config, epochs: 1.5 }, train, validation)).toThrow('fit: epochs must be a non-negative integer, got 1.5')
  })
})

describe('model selection', () => {
  it('grid search tries every combination and picks the lowest validation score', () => {
    const seen: string[] = []
    const result = gridSearch({ a: [1, 2, 3], b: ['x', 'y'] }, (h) => {
      seen.push(`${h.a}${h.b}`)
      return { result: h, score: Math.abs(h.a - 2) + (h.b === 'y' ? 0 : 1) }
    })
    expect(seen).toEqual(['1x', '1y', '2x', '2y', '3x', '3y'])
    expect(result.best.hyper).toEqual({ a: 2, b: 'y' })
  })
  it('random search draws seeded configurations from the samplers and selects by validation', () => {
    const run = () => randomSearch(key(1), { rate: logUniform(1e-4, 1e-1), hidden: choice([8, 16]) }, 6, (h) => ({ result: null, score: Math.abs(Math.log10(h.rate) + 2) }))
    const a = run()
    expect(a.trials.length).toBe(6)
    expect(a.trials.every((t) => t.hyper.rate >= 1e-4 && t.hyper.rate < 1e-1 && [8, 16].includes(t.hyper.hidden))).toBe(true)
    expect(a.best.score).toBe(Math.min(...a.trials.map((t) => t.score)))
    expect(run().trials).toEqual(a.trials)
  })
  it('on real training, selects the configuration with the lower validation error', () => {
    const { best, trials } = gridSearch({ rate: [1e-5, 1e-2] }, (h) => {
      const s = fit({ net, loss: softmaxCrossEntropy, optimizer: adam(h.rate), batchSize: 32, epochs: 3, key: key(0) }, train, validation)
      return { result: s, score: s.best.score }
    })
    expect(trials.length).toBe(2)
    expect(best.hyper.rate).toBe(1e-2)
  })
})
