/**
 * A LeNet-style convolutional network on the real MNIST digits, shapes checked by the compiler:
 *
 *   [28,28,1] → conv 5×5×6 → relu → max-pool 2 → conv 5×5×16 → relu → max-pool 2 → flatten (256)
 *             → dense 120 → relu → dense 84 → relu → dense 10
 *
 * The same fixed 7,000 / 1,000 / 2,000 split as the MLP example. In training, each digit is
 * shifted by up to 2 pixels in each direction (`randomShift(2)`, a fresh draw per example and
 * epoch from the training key; the identity in eval mode). Adam with the plateau rule (halve the
 * rate after 5 epochs without a better validation error) and early stopping after 15; only the
 * selected (best-validation) params are tested. Writes the first
 * layer's filters and one digit's feature maps as PNGs to examples/out/.
 *
 * Run: `npm run example:cnn`
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import {
  adam, andThen, chain, conv2d, randomShift, reduceOnPlateau, dense, evaluate, fit, flatten, input, key, maxPool2d, pipe, relu, reshape, softmaxCrossEntropy, sliceRows, splitData,
  type EpochRecord,
} from '../src/index.js'
import { loadMnist } from '../src/node/index.js'
import { filterTilesPng } from './figures.js'
import { epochBar } from './progress.js'

/** LeNet: the compiler computes every shape, down to `flatten`'s 256 = 4·4·16. */
export const lenet = pipe(
  input([28, 28, 1]),
  andThen(randomShift(2)),                                           // augmentation, training only
  andThen(conv2d(5, 6)), andThen(relu), andThen(maxPool2d(2)),      // [24, 24, 6] → [12, 12, 6]
  andThen(conv2d(5, 16)), andThen(relu), andThen(maxPool2d(2)),     // [8, 8, 16] → [4, 4, 16]
  andThen(flatten),                                                  // [256]
  andThen(dense(256, 120)), andThen(relu),
  andThen(dense(120, 84)), andThen(relu),
  andThen(dense(84, 10)),
)

export interface CnnOptions {
  readonly seed?: number
  readonly epochs?: number
  readonly log?: (line: string) => void
  /** Show a progress bar over each epoch's minibatches (only when stdout is a terminal). */
  readonly progress?: boolean
  /** Where to write the filter and feature-map pictures (none when undefined). */
  readonly outDir?: string
}

/** Trains and tests; returns the test accuracy, the final training state, the split sizes and the seconds taken. */
export const runCnn = ({ seed = 2026, epochs = 80, log = () => {}, progress = false, outDir }: CnnOptions = {}) => {
  const all = loadMnist()
  const k = key(seed)
  const { train, validation, test } = splitData(k, all, { train: 7000, validation: 1000 })
  const images = (d: typeof train) => ({ x: reshape(d.x, [d.x.shape[0], 28, 28, 1]), y: d.y })
  const [trainI, validationI, testI] = [train, validation, test].map(images)
  log(`digits: ${all.x.shape[0]} (train ${train.x.shape[0]}, validation ${validation.x.shape[0]}, test ${test.x.shape[0]}); ${lenet.name}`)

  const started = Date.now()
  const bar = epochBar(progress)
  const state = fit(
    {
      net: lenet,
      loss: softmaxCrossEntropy,
      // Adam, its rate halved whenever the validation error has not improved for 5 epochs.
      optimizer: chain(adam(1e-3), reduceOnPlateau({ patience: 5 })),
      batchSize: 32,
      epochs,
      key: k,
      patience: 15,
      ...(bar !== undefined && { onBatch: bar.onBatch }),
      onEpoch: (r: EpochRecord) => {
        bar?.stop()
        log(`epoch ${String(r.epoch).padStart(2)}  train loss ${r.trainLoss.toFixed(4)}  validation loss ${r.validationLoss.toFixed(4)}` +
            `  error ${(100 * r.validationError).toFixed(2)}%  ${((Date.now() - started) / 1000).toFixed(1)} s`)
      },
    },
    trainI!,
    validationI!,
  )
  const seconds = (Date.now() - started) / 1000
  const accuracy = 1 - evaluate(lenet, softmaxCrossEntropy, state.best.params, testI!).error
  log(`best epoch ${state.best.epoch} (validation error ${(100 * state.best.score).toFixed(2)}%), ${seconds.toFixed(1)} s`)
  log(`test accuracy ${(100 * accuracy).toFixed(2)}% on ${test.x.shape[0]} held-out digits`)
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true })
    const [, , conv1] = state.best.params
    // The 6 first-layer filters, 5×5 each: w [5,5,1,6] is [25, 6] with one column per filter.
    writeFileSync(`${outDir}/cnn-filters.png`, filterTilesPng({ shape: [25, 6], data: conv1.w.data }, 5, 1, 6, 12))
    // One test digit's 6 feature maps after conv1 + relu: [1, 24, 24, 6] is [576, 6].
    const one = reshape(sliceRows(testI!.x, 0, 1), [1, 28, 28, 1])
    const maps = relu.apply({}, conv2d(5, 6).bind([28, 28, 1]).apply(conv1, one)[0])[0]
    writeFileSync(`${outDir}/cnn-feature-maps.png`, filterTilesPng({ shape: [576, 6], data: maps.data }, 24, 1, 6, 4))
    log(`pictures in ${outDir}: cnn-filters.png, cnn-feature-maps.png`)
  }
  return { accuracy, state, seconds, sizes: { train: train.x.shape[0], validation: validation.x.shape[0], test: test.x.shape[0] } }
}

if (import.meta.url === `file://${process.argv[1]}`) runCnn({ log: console.log, progress: true, outDir: 'examples/out' })
