/**
 * MNIST: a 784-256-128-10 relu MLP on the real handwritten digits shipped by the `mnist` package.
 *
 * All 10,000 digits are split once, from a fixed seed, into 7,000 for training, 1,000 for
 * validation and the rest for test. Inputs are centred with the training split's statistics only.
 * Training is Adam with L2 weight decay and dropout on minibatches, with the plateau rule (halve the
 * rate when validation error stops improving, a `reduceOnPlateau` step at the end of the optimizer
 * chain) and early stopping on validation error; only the selected (best-validation) params are
 * tested. On a terminal, a progress bar (cli-progress, driven by `onBatch`) shows each epoch's
 * minibatches with the rate and ETA, then gives way to the epoch's line.
 *
 * Run: `npm start`
 */
import { epochBar } from './progress.js'
import { pipe } from 'fp-ts/lib/function.js'
import {
  andThen, chain, dense, dropout, evaluate, fit, fitNormalizer, key, l2, normalize, reduceOnPlateau, relu, scaleByAdam, scaleByLearningRate,
  softmaxCrossEntropy, splitData, type EpochRecord,
} from '../src/index.js'
import { loadMnist } from '../src/node/index.js'

/** The network of this example: 784-256-128-10 with relu and dropout on the hidden layers. */
export const mlp = pipe(
  dense(784, 256), andThen(relu), andThen(dropout(0.3)),
  andThen(dense(256, 128)), andThen(relu), andThen(dropout(0.3)),
  andThen(dense(128, 10)),
)

export interface MnistOptions {
  readonly seed?: number
  readonly epochs?: number
  readonly log?: (line: string) => void
  /** Show a progress bar over each epoch's minibatches (only when stdout is a terminal). */
  readonly progress?: boolean
}

/** Trains and tests; returns the test accuracy, the final training state and the split sizes. */
export const runMnist = ({ seed = 2026, epochs = 30, log = () => {}, progress = false }: MnistOptions = {}) => {
  const all = loadMnist()
  const k = key(seed)
  const { train, validation, test } = splitData(k, all, { train: 7000, validation: 1000 })
  // Statistics from the training split only. Pixel values are in [0, 1]: the std floor of 1 makes
  // this a centring, so a rare stroke near the border is not blown up to a huge z-score.
  const norm = normalize(fitNormalizer(train.x, { minStd: 1 }))
  const [trainN, validationN, testN] = [train, validation, test].map((d) => ({ x: norm(d.x), y: d.y }))
  log(`digits: ${all.x.shape[0]} (train ${train.x.shape[0]}, validation ${validation.x.shape[0]}, test ${test.x.shape[0]})`)

  const started = Date.now()
  const bar = epochBar(progress)
  const state = fit(
    {
      net: mlp,
      loss: softmaxCrossEntropy,
      optimizer: chain(l2(1e-4), scaleByAdam(), scaleByLearningRate(1e-3), reduceOnPlateau({ patience: 3, factor: 0.5 })),
      batchSize: 64,
      epochs,
      key: k,
      patience: 8,
      ...(bar !== undefined && { onBatch: bar.onBatch }),
      onEpoch: (r: EpochRecord) => {
        bar?.stop()
        log(
          `epoch ${String(r.epoch).padStart(2)}  train loss ${r.trainLoss.toFixed(4)}  validation loss ${r.validationLoss.toFixed(4)}` +
            `  error ${(100 * r.validationError).toFixed(2)}%  rate ×${r.rateFactor}  ${((Date.now() - started) / 1000).toFixed(1)} s`,
        )
      },
    },
    trainN!,
    validationN!,
  )
  const accuracy = 1 - evaluate(mlp, softmaxCrossEntropy, state.best.params, testN!).error
  log(`best epoch ${state.best.epoch} (validation error ${(100 * state.best.score).toFixed(2)}%)`)
  log(`test accuracy ${(100 * accuracy).toFixed(2)}% on ${test.x.shape[0]} held-out digits`)
  return { accuracy, state, sizes: { train: train.x.shape[0], validation: validation.x.shape[0], test: test.x.shape[0] } }
}

if (import.meta.url === `file://${process.argv[1]}`) runMnist({ log: console.log, progress: true })
