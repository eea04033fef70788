/**
 * Deep networks on MNIST, trained four ways: plain; with dropout; with batch normalisation; and
 * pre-trained greedily, layer by layer (autoencoders or RBMs), then fine-tuned.
 *
 * All digits of the `mnist` package are split once, from a fixed seed, into 7,000 for training,
 * 1,000 for validation and the rest (2,000) for test. Inputs stay grey levels in [0, 1] (not
 * standardised): the pre-training modules are Bernoulli models of their inputs, and every run sees
 * the same inputs. Every network is 784-W-W-W-10 with sigmoid hidden units (the course's setting).
 * W = 256 by default rather than the course's 500, so that the whole example runs in about five
 * minutes on two cores (DEEP_HIDDEN=500 for the full size, roughly twice as long). Each is trained
 * by `fit` with Adam (α = 10⁻³), minibatches of 64, at most 30 epochs, early stopping with
 * patience 4 and the plateau rule; dropout drops hidden units with p = 0.2 (0.5 converges too
 * slowly for this epoch budget). The batch-norm network is tested with the exact
 * training-set statistics (`exactBatchNormStatistics`, the final phase of the paper's Algorithm 2).
 *
 * Writes to examples/out/: a learning curve per run (SVG) and the first pre-trained layer's
 * filters as 28×28 tiles (PNG). Run: `npm run example:deep` (set DEEP_MODULE=rbm for RBMs).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { pipe } from 'fp-ts/lib/function.js'
import {
  adam, andThen, batchNorm, chain, dense, dropout, evaluate, exactBatchNormStatistics, fit, fold, initTrain, key, pretrain, reduceOnPlateau, sigmoid,
  softmaxCrossEntropy, splitData, type Dataset, type EpochRecord, type Layer, type PretrainRecord, type TrainState,
} from '../src/index.js'
import { loadMnist } from '../src/node/index.js'
import { filterTilesPng, learningCurveSvg } from './figures.js'

export interface DeepOptions {
  readonly seed?: number
  readonly sizes?: { readonly train: number; readonly validation: number }
  /** Width W of each of the three hidden layers. */
  readonly hidden?: number
  /** Maximum epochs of each `fit` (early stopping usually ends sooner). */
  readonly epochs?: number
  /** Pre-training epochs per layer, and the greedy module. */
  readonly pretrainEpochs?: number
  readonly module?: 'autoencoder' | 'rbm'
  /** Dropout probability of the hidden units. */
  readonly dropout?: number
  readonly outDir?: string
  readonly log?: (line: string) => void
}

/** One row of the results table; every number is measured in this run. */
export interface DeepRow {
  readonly name: string
  readonly bestEpoch: number
  readonly epochs: number
  readonly validationError: number
  readonly testError: number
  readonly seconds: number
}

/** The four networks: the same 784-W-W-W-10 sigmoid stack, plain, with dropout, with batch norm. */
export const networks = (w: number, p: number) => ({
  plain: pipe(dense(784, w), andThen(sigmoid), andThen(dense(w, w)), andThen(sigmoid), andThen(dense(w, w)), andThen(sigmoid), andThen(dense(w, 10))),
  dropout: pipe(
    dense(784, w), andThen(sigmoid), andThen(dropout(p)), andThen(dense(w, w)), andThen(sigmoid), andThen(dropout(p)),
    andThen(dense(w, w)), andThen(sigmoid), andThen(dropout(p)), andThen(dense(w, 10)),
  ),
  batchNorm: pipe(
    dense(784, w), andThen(batchNorm(w)), andThen(sigmoid), andThen(dense(w, w)), andThen(batchNorm(w)), andThen(sigmoid),
    andThen(dense(w, w)), andThen(batchNorm(w)), andThen(sigmoid), andThen(dense(w, 10)),
  ),
})

const pct = (v: number) => `${(100 * v).toFixed(2)}%`

/** Trains the four ways, prints a table and writes the figures; returns the table's rows. */
export const runDeep = (options: DeepOptions = {}): readonly DeepRow[] => {
  const {
    seed = 2026, sizes = { train: 7000, validation: 1000 }, hidden = 256, epochs = 30, pretrainEpochs = 5, module = 'autoencoder',
    dropout: p = 0.2, outDir = fileURLToPath(new URL('../../examples/out/', import.meta.url)), log = () => {},
  } = options
  mkdirSync(outDir, { recursive: true })
  const k = key(seed)
  const all = loadMnist()
  const { train, validation, test } = splitData(fold(k, 0), all, sizes)
  log(`digits: train ${train.x.shape[0]}, validation ${validation.x.shape[0]}, test ${test.x.shape[0]}; network 784-${hidden}-${hidden}-${hidden}-10, sigmoid`)
  const nets = networks(hidden, p)
  const common = {
    loss: softmaxCrossEntropy, optimizer: chain(adam(1e-3), reduceOnPlateau({ patience: 2 })), batchSize: 64, epochs, key: fold(k, 1), patience: 4,
  }
  const rows: DeepRow[] = []

  /** Fits one network (from `params` if given), logs its epochs, draws its learning curve. */
  const run = <P, St>(name: string, file: string, net: Layer<[784], [10], P, St>, params?: P, extraSeconds = 0) => {
    const started = Date.now()
    const config = {
      ...common, net,
      onEpoch: (r: EpochRecord) =>
        log(`  ${name} epoch ${String(r.epoch).padStart(2)}  train loss ${r.trainLoss.toFixed(4)}  validation loss ${r.validationLoss.toFixed(4)}  error ${pct(r.validationError)}  rate ×${r.rateFactor}`),
    }
    const state: TrainState<P, unknown, St> = fit(config, train, validation, initTrain(config, params))
    writeFileSync(`${outDir}/deep-${file}.svg`, learningCurveSvg(`784-${hidden}-${hidden}-${hidden}-10 sigmoid: ${name}`, state.history, state.best.epoch))
    return { state, seconds: (Date.now() - started) / 1000 + extraSeconds }
  }
  const row = <P, St>(name: string, net: Layer<[784], [10], P, St>, r: { state: TrainState<P, unknown, St>; seconds: number }, netState?: St) => {
    const on = (d: Dataset<number, 784>) => evaluate(net, softmaxCrossEntropy, r.state.best.params, d, netState ?? r.state.best.netState).error
    const out = { name, bestEpoch: r.state.best.epoch, epochs: r.state.epoch, validationError: on(validation), testError: on(test), seconds: r.seconds }
    log(`${name}: best epoch ${out.bestEpoch} of ${out.epochs}, validation error ${pct(out.validationError)}, test error ${pct(out.testError)} (${out.seconds.toFixed(0)} s)`)
    rows.push(out)
  }

  log('plain:')
  row('plain', nets.plain, run('plain', 'plain', nets.plain))
  log(`dropout (p = ${p} on every hidden layer):`)
  row(`dropout ${p}`, nets.dropout, run('dropout', 'dropout', nets.dropout))
  log('batch norm:')
  const bn = run('batch norm', 'batchnorm', nets.batchNorm)
  row('batch norm, running averages', nets.batchNorm, bn)
  const exact = exactBatchNormStatistics(nets.batchNorm, bn.state.best.params, train.x, bn.state.best.netState)
  row('batch norm, exact statistics', nets.batchNorm, bn, exact)

  const modules = module === 'rbm' ? 'RBMs, CD-1' : 'denoising autoencoders, masking 0.25'
  log(`pre-training (${modules}, ${pretrainEpochs} epochs per layer):`)
  const started = Date.now()
  const params = pretrain(nets.plain, train.x, {
    module, epochs: pretrainEpochs, optimizer: adam(1e-3), batchSize: 64, key: fold(k, 2), ...(module === 'autoencoder' && { corruption: 0.25 }),
    onEpoch: (r: PretrainRecord) => log(`  layer ${r.layer} epoch ${r.epoch}  reconstruction error ${r.reconstructionError.toFixed(3)}`),
    onLayer: (l) => l.layer === 1 && writeFileSync(`${outDir}/deep-filters-${module}.png`, filterTilesPng(l.params.w)),
  })
  const pretrainSeconds = (Date.now() - started) / 1000
  log(`  pre-training took ${pretrainSeconds.toFixed(0)} s; fine-tuning:`)
  row(`pre-trained (${module === 'rbm' ? 'RBMs' : 'autoencoders'}) + fine-tuned`, nets.plain, run('fine-tuning', `pretrained-${module}`, nets.plain, params, pretrainSeconds))

  log('')
  log(`${'run'.padEnd(40)} ${'best epoch'.padStart(10)}  ${'validation error'.padStart(16)}  ${'test error'.padStart(10)}  ${'time'.padStart(6)}`)
  for (const r of rows)
    log(`${r.name.padEnd(40)} ${`${r.bestEpoch}/${r.epochs}`.padStart(10)}  ${pct(r.validationError).padStart(16)}  ${pct(r.testError).padStart(10)}  ${`${r.seconds.toFixed(0)} s`.padStart(6)}`)
  log(`figures in ${outDir}`)
  return rows
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = process.env
  runDeep({
    log: console.log,
    ...(env.DEEP_MODULE === 'rbm' && { module: 'rbm' as const }),
    ...(env.DEEP_HIDDEN !== undefined && { hidden: Number(env.DEEP_HIDDEN) }),
    ...(env.DEEP_EPOCHS !== undefined && { epochs: Number(env.DEEP_EPOCHS) }),
  })
}
