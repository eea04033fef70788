/**
 * What the worker runs, free of any messaging: the two-spirals data, a 2-64-64-2 relu MLP and
 * Adam, trained one epoch per call so the caller can report progress between epochs.
 */
import { pipe } from 'fp-ts/lib/function.js'
import { adam, andThen, dense, evaluate, fit, initTrain, key, relu, softmaxCrossEntropy, split, tensor, type Key } from '../../src/index.js'
import { defaultRun, GRID, LIMIT, type RunOptions } from './protocol.js'
import { spirals } from './spirals.js'

const net = pipe(dense(2, 64), andThen(relu), andThen(dense(64, 64)), andThen(relu), andThen(dense(64, 2)))

/** Grid points, row-major from the top-left corner (y decreasing down the rows, as on a canvas). */
const gridPoints = (() => {
  const xs = new Float32Array(2 * GRID * GRID)
  for (let row = 0; row < GRID; row++)
    for (let col = 0; col < GRID; col++) {
      const i = row * GRID + col
      xs[2 * i] = -LIMIT + (2 * LIMIT * (col + 0.5)) / GRID
      xs[2 * i + 1] = LIMIT - (2 * LIMIT * (row + 0.5)) / GRID
    }
  return tensor([GRID * GRID, 2], xs)
})()

/**
 * Sets up a run: the three data sets from `split(key(seed), 4)` (train, validation, test, and the
 * training key), the initial state, `next` (one more epoch, resuming bit-identically), the test
 * accuracy of the early-stopping choice, and the class-1 probability on the drawing grid.
 */
export const prepareRun = (options: RunOptions = defaultRun) => {
  const [kTrain, kValidation, kTest, kFit] = split(key(options.seed), 4) as [Key, Key, Key, Key]
  const train = spirals(kTrain, options.trainSize)
  const validation = spirals(kValidation, options.validationSize)
  const test = spirals(kTest, options.testSize)
  const config = {
    net, loss: softmaxCrossEntropy, optimizer: adam(options.learningRate), batchSize: options.batchSize,
    epochs: options.epochs, key: kFit,
  }
  // Types are inferred from values throughout: no hand-written Layer or TrainState arguments.
  const start = initTrain(config)
  type Params = typeof start.params
  return {
    test,
    start,
    /** One epoch more: `fit` up to `state.epoch + 1` epochs, resuming from `state`. */
    next: (state: typeof start) => fit({ ...config, epochs: state.epoch + 1 }, train, validation, state),
    testAccuracy: (params: Params) => 1 - evaluate(net, softmaxCrossEntropy, params, test).error,
    /** P(class 1) on the `GRID × GRID` grid, row-major. */
    boundary: (params: Params): Float32Array => {
      const logits = net.apply(params, gridPoints)[0].data
      const p = new Float32Array(GRID * GRID)
      for (let i = 0; i < p.length; i++) p[i] = 1 / (1 + Math.exp(logits[2 * i]! - logits[2 * i + 1]!))
      return p
    },
  }
}
