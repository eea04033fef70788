/**
 * Model selection on MNIST: random search over the hidden width, the learning rate and the L2
 * weight, each trial trained with early stopping and scored by its validation error. Only the
 * selected configuration is evaluated on the test split.
 *
 * Run: `npm run example:select`
 */
import { pipe } from 'fp-ts/lib/function.js'
import {
  andThen, chain, choice, dense, evaluate, fit, fitNormalizer, fold, key, l2, logUniform, normalize, randomSearch, relu,
  scaleByAdam, scaleByLearningRate, softmaxCrossEntropy, splitData, take,
} from '../src/index.js'
import { loadMnist } from '../src/node/index.js'

export interface SelectOptions {
  readonly seed?: number
  readonly trials?: number
  readonly epochs?: number
  /** Use only this many digits (all by default); the split keeps the 7 : 1 : 2 proportions. */
  readonly digits?: number
  readonly log?: (line: string) => void
}

const netFor = (hidden: number) => pipe(dense(784, hidden), andThen(relu), andThen(dense(hidden, 10)))

/** Runs the search; returns every trial's validation error and the chosen one's test error. */
export const runSelect = ({ seed = 7, trials = 6, epochs = 8, digits, log = () => {} }: SelectOptions = {}) => {
  const k = key(seed)
  const loaded = loadMnist()
  const n = digits ?? loaded.x.shape[0]
  const all = digits === undefined ? loaded : take(loaded, Int32Array.from({ length: n }, (_, i) => Math.floor((i * loaded.x.shape[0]) / n)))
  const { train, validation, test } = splitData(fold(k, 0), all, { train: Math.round(0.7 * n), validation: Math.round(0.1 * n) })
  const norm = normalize(fitNormalizer(train.x, { minStd: 1 }))
  const [trainN, validationN, testN] = [train, validation, test].map((d) => ({ x: norm(d.x), y: d.y }))

  const search = randomSearch(
    fold(k, 1),
    { hidden: choice([64, 128, 256]), rate: logUniform(3e-4, 3e-3), weightDecay: logUniform(1e-6, 1e-3) },
    trials,
    (h) => {
      const net = netFor(h.hidden)
      const optimizer = chain(l2(h.weightDecay), scaleByAdam(), scaleByLearningRate(h.rate))
      const state = fit({ net, loss: softmaxCrossEntropy, optimizer, batchSize: 64, epochs, key: fold(k, 2), patience: 3 }, trainN!, validationN!)
      log(`hidden ${String(h.hidden).padStart(3)}  rate ${h.rate.toExponential(2)}  L2 ${h.weightDecay.toExponential(2)}  ` +
        `validation error ${(100 * state.best.score).toFixed(2)}% (epoch ${state.best.epoch})`)
      return { result: state, score: state.best.score }
    },
  )
  const { hyper, result } = search.best
  // The test split is touched once, for the selected configuration only.
  const testError = evaluate(netFor(hyper.hidden), softmaxCrossEntropy, result.best.params, testN!).error
  log(`selected: hidden ${hyper.hidden}, rate ${hyper.rate.toExponential(2)}, L2 ${hyper.weightDecay.toExponential(2)}`)
  log(`its test error: ${(100 * testError).toFixed(2)}% on ${test.x.shape[0]} digits`)
  return { search, testError }
}

if (import.meta.url === `file://${process.argv[1]}`) runSelect({ log: console.log })
