import { pipe } from 'fp-ts/lib/function.js'
import { isLeft } from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  adam, andThen, astype, decodeCheckpoint, dense, encodeCheckpoint, fit, initTrain, key, leaves, momentum, relu, rmsprop, softmaxCrossEntropy,
  type GradientTransformation, type TrainState,
} from '../../src/index.js'
import { validateFitData } from '../../src/data/validate.js'
import { blobs } from '../util/blobs.js'

// A float32 model trained on float64 data: the gradients are float64, but the optimizer state keeps
// the params' dtype, so a checkpoint of the run matches `initTrain(config)` and resumes exactly.
const net = pipe(dense(4, 8), andThen(relu), andThen(dense(8, 3)))
const f32 = { train: blobs(2, 200, 90, 4, 3, 1.5), validation: blobs(2, 201, 30, 4, 3, 1.5) }
const f64 = {
  train: { x: astype(f32.train.x, 'float64'), y: f32.train.y },
  validation: { x: astype(f32.validation.x, 'float64'), y: f32.validation.y },
}

describe('a float32 model fitted on float64 data', () => {
  const optimizers: [string, GradientTransformation<any>][] = [['adam', adam(0.01)], ['momentum', momentum(0.05)], ['rmsprop', rmsprop(0.01)]]
  for (const [name, optimizer] of optimizers)
    it(`${name}: its checkpoint loads against initTrain(config) and resumes bit-identically`, () => {
      const config = { net, loss: softmaxCrossEntropy, optimizer, batchSize: 16, epochs: 4, key: key(5) }
      let text = ''
      const full = fit({ ...config, onEpoch: (r, s) => (r.epoch === 2 ? (text = encodeCheckpoint(s)) : undefined) }, f64.train, f64.validation)
      for (const { path, tensor } of leaves(full.opt)) expect(`${path} ${tensor.dtype}`).toBe(`${path} float32`)
      const loaded = decodeCheckpoint(text, initTrain(config))
      if (isLeft(loaded)) throw new Error(loaded.left.message)
      const resumed: TrainState<unknown, unknown, unknown> = fit(config, f64.train, f64.validation, loaded.right)
      expect(resumed).toEqual(full)
      expect(leaves(full.params).every(({ tensor }) => tensor.dtype === 'float32')).toBe(true)
    })

  it('converted to the model dtype by validateFitData, it trains exactly as float32 data does', () => {
    const config = { net, loss: softmaxCrossEntropy, optimizer: adam(0.01), batchSize: 16, epochs: 2, key: key(6) }
    const start = initTrain(config)
    const v = validateFitData(config, f64.train, f64.validation, start.params)
    expect([v.dtype, v.train.x.dtype, v.validation.x.dtype, v.minLast]).toEqual(['float32', 'float32', 'float32', 1])
    expect(fit(config, v.train, v.validation, start)).toEqual(fit(config, f32.train, f32.validation, start))
  })
})
