import { pipe } from 'fp-ts/lib/function.js'
import { isLeft } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  adam, andThen, chain, decodeCheckpoint, dense, dropout, encodeCheckpoint, fit, fitAsync, fitSteps, initTrain, key, reduceOnPlateau, relu,
  softmaxCrossEntropy, ValueError, type BatchRecord, type EpochRecord, type FitEvent, type TrainState,
} from '../../src/index.js'
import { blobs } from '../util/blobs.js'

// Dropout and a plateau rule, so that the state carries dropout keys and an observing optimizer.
const net = pipe(dense(4, 16), andThen(relu), andThen(dropout(0.2)), andThen(dense(16, 3)))
const train = blobs(1, 100, 300, 4, 3, 1.5) // 300 examples: 10 minibatches of 32 (the last of 12)
const validation = blobs(1, 101, 120, 4, 3, 1.5)
const config = {
  net, loss: softmaxCrossEntropy, optimizer: chain(adam(0.01), reduceOnPlateau({ patience: 1 })), batchSize: 32, epochs: 4, key: key(3),
}
type State = TrainState<any, any, any> // eslint-disable-line @typescript-eslint/no-explicit-any

describe('onBatch', () => {
  it('hears every step with its epoch, step, global step, loss and examples seen; the epoch loss is their mean', () => {
    const batches: BatchRecord[] = []
    const epochs: EpochRecord[] = []
    fit({ ...config, epochs: 2, onBatch: (r) => batches.push(r), onEpoch: (r) => epochs.push(r) }, train, validation)
    expect(batches.map((b) => [b.epoch, b.step, b.globalStep])).toEqual(
      Array.from({ length: 20 }, (_, i) => [Math.floor(i / 10) + 1, (i % 10) + 1, i + 1]),
    )
    expect(batches.every((b) => b.stepsPerEpoch === 10)).toBe(true)
    expect(batches.slice(8, 12).map((b) => b.examplesSeen)).toEqual([288, 300, 332, 364])
    const first = batches.slice(0, 10)
    const mean = first.reduce((s, b, i) => s + b.loss * (i === 9 ? 12 : 32), 0) / 300
    expect(epochs[0]!.trainLoss).toBe(mean)
  })
})

describe('fitSteps', () => {
  it('yields a batch event per step and an epoch event per epoch, and returns exactly fit’s state', () => {
    const events: FitEvent<unknown, unknown, unknown>[] = []
    const steps = fitSteps(config, train, validation)
    let r = steps.next()
    while (r.done !== true) {
      events.push(r.value as FitEvent<unknown, unknown, unknown>)
      r = steps.next()
    }
    expect(events.map((e) => (e.kind === 'batch' ? 'b' : 'E')).join('')).toBe(`${'b'.repeat(10)}E`.repeat(4))
    const full = fit(config, train, validation)
    expect(r.value).toEqual(full)
    expect(events[events.length - 1]!.state).toBe(r.value)
    expect(events.filter((e) => e.kind === 'epoch').map((e) => e.record)).toEqual(full.history)
  })
  it('refuses a bad configuration when called, before any step', () => {
    expect(() => fitSteps({ ...config, batchSize: 0 }, train, validation)).toThrow(new ValueError('fit', 'batchSize must be a positive integer, got 0'))
    expect(() => fitSteps(config, train, validation, { ...initTrain(config), step: 11 })).toThrow(
      'fit: from.step is 11 but an epoch has 10 minibatches: the state comes from other training data or another batch size',
    )
  })
})

describe('stopping within an epoch and resuming', () => {
  it('any state yielded mid-epoch resumes bit-identically, also through a checkpoint', () => {
    const full = fit(config, train, validation)
    let mid: State | undefined
    fit({ ...config, onBatch: (r, s) => (r.globalStep === 17 ? (mid = s) : undefined) }, train, validation)
    expect([mid!.epoch, mid!.step, mid!.examples]).toEqual([1, 7, 224])
    expect(fit(config, train, validation, mid)).toEqual(full)
    const loaded = decodeCheckpoint(encodeCheckpoint(mid), initTrain(config))
    if (isLeft(loaded)) throw new Error(loaded.left.message)
    expect(fit(config, train, validation, loaded.right)).toEqual(full)
  })
})

describe('fitAsync', () => {
  it('unstopped, equals fit bit for bit (params data, optimizer state, history)', async () => {
    const full = fit(config, train, validation)
    expect(await fitAsync(config, train, validation)).toEqual(full)
    expect(await fitAsync(config, train, validation, { yieldEvery: 7 })).toEqual(full)
  })
  it('gives the event loop a turn every yieldEvery steps, and only then', async () => {
    let done = 0
    let firedAt = -1
    setTimeout(() => (firedAt = done), 0)
    await fitAsync({ ...config, onBatch: () => done++ }, train, validation, { yieldEvery: 5 })
    // The timer ran during training, at one of the turns (after a multiple of 5 steps).
    expect(firedAt).toBeGreaterThan(0)
    expect(firedAt).toBeLessThan(40)
    expect(firedAt % 5).toBe(0)
  })
  it('stopped by an AbortSignal mid-epoch, resolves to the state reached; resuming gives the uninterrupted result', async () => {
    const full = fit(config, train, validation)
    const controller = new AbortController()
    const stopped = await fitAsync(
      { ...config, onBatch: (r) => (r.globalStep === 23 ? controller.abort() : undefined) }, train, validation, { signal: controller.signal },
    )
    expect([stopped.epoch, stopped.step]).toEqual([2, 3])
    expect(stopped.history.length).toBe(2)
    expect(stopped.params).not.toEqual(full.params)
    expect(fit(config, train, validation, stopped)).toEqual(full)
    expect(await fitAsync(config, train, validation, { from: stopped })).toEqual(full)
  })
  it('stopped by a timer (another task of the event loop), keeps every step done', async () => {
    const controller = new AbortController()
    let done = 0
    setTimeout(() => controller.abort(), 5)
    const stopped = await fitAsync({ ...config, epochs: 1000, onBatch: () => done++ }, train, validation, { signal: controller.signal })
    expect(done).toBeGreaterThan(0)
    expect(stopped.epoch * 10 + stopped.step).toBe(done)
    expect(stopped.epoch).toBeLessThan(1000)
  })
  it('an aborted signal returns the starting state; a bad yieldEvery is refused', async () => {
    const start = initTrain(config)
    expect(await fitAsync(config, train, validation, { signal: AbortSignal.abort(), from: start })).toBe(start)
    await expect(fitAsync(config, train, validation, { yieldEvery: 0 })).rejects.toThrow('fitAsync: yieldEvery must be a positive integer, got 0')
  })
})
