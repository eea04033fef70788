import type { TrainState } from './TrainState.js'

/**
 * Where training first went non-finite, in the order a step computes:
 * - `output`: a layer's forward output (so the loss could not be computed);
 * - `loss`: the loss itself, every layer's output being finite;
 * - `gradient`: a gradient, the loss being finite;
 * - `update`: the optimizer's update, the gradients being finite (e.g. a schedule gave a
 *   non-finite rate);
 * - `params`: `θ + u` overflowed, the update being finite;
 * - `validation`: the network's output on the validation set, after the epoch's last step.
 *
 * @category train
 */
export type DivergenceSite = 'output' | 'loss' | 'gradient' | 'update' | 'params' | 'validation'

/** What {@link DivergenceError} reports besides the state. */
export interface DivergenceReport {
  /** The epoch (from 1), the minibatch within it (from 1) and the global step where it happened. */
  readonly epoch: number
  readonly step: number
  readonly globalStep: number
  readonly site: DivergenceSite
  /**
   * The culprit layer's name, e.g. `dense(16→3)`: for `output`/`validation` the first layer whose
   * output is non-finite; for `gradient`/`update`/`params` the layer owning the non-finite leaf
   * nearest the output (backpropagation meets it first). `undefined` for `loss`.
   */
  readonly layer: string | undefined
  /** Its index in a sequential network's `layers` (`undefined` for a single layer or `loss`). */
  readonly layerIndex: number | undefined
  /** The params path of the non-finite leaf, e.g. `[2].w` (for `gradient`, `update`, `params`). */
  readonly path: string | undefined
  /** The minibatch's loss, when it was computed. */
  readonly loss: number | undefined
  /** The `reduceOnPlateau` factor in force (1 without one). */
  readonly rateFactor: number
}

/**
 * Thrown by `fit` (and rejected by `fitAsync`) when a loss, an output, a gradient, an update or
 * the params become non-finite. Nothing is lost: `lastGood` is the state at the end of the last
 * epoch completed before the failure (or the state training started from), a complete
 * `TrainState` to resume from with a smaller learning rate. The steps of the failing epoch are
 * dropped: the params just before an overflow are finite but usually far off already (a loss
 * spike precedes it). The message names the epoch, the step, the site and the layer.
 *
 * @example
 * try { state = fit(config, train, validation) }
 * catch (e) { if (e instanceof DivergenceError) state = fit({ ...config, optimizer: adam(1e-4) }, train, validation, e.lastGood) }
 * @category train
 */
export class DivergenceError<P = unknown, S = unknown, St = unknown> extends Error implements DivergenceReport {
  override readonly name = 'DivergenceError'
  readonly epoch: number
  readonly step: number
  readonly globalStep: number
  readonly site: DivergenceSite
  readonly layer: string | undefined
  readonly layerIndex: number | undefined
  readonly path: string | undefined
  readonly loss: number | undefined
  readonly rateFactor: number
  constructor(
    report: DivergenceReport,
    readonly lastGood: TrainState<P, S, St>,
    options?: { readonly cause?: unknown },
  ) {
    super(describe(report, lastGood.epoch, lastGood.step), options)
    ;({
      epoch: this.epoch, step: this.step, globalStep: this.globalStep, site: this.site, layer: this.layer,
      layerIndex: this.layerIndex, path: this.path, loss: this.loss, rateFactor: this.rateFactor,
    } = report)
  }
}

const SITES: Record<DivergenceSite, string> = {
  output: 'the output of',
  loss: 'the loss',
  gradient: 'the gradient of',
  update: 'the optimizer update (the gradient being finite) of',
  params: 'the updated params (θ + u overflowed) of',
  validation: 'the validation output of',
}

const describe = (r: DivergenceReport, goodEpoch: number, goodStep: number): string => {
  const layer = r.layer === undefined ? '' : r.layerIndex === undefined ? ` ${r.layer}` : ` net.layers[${r.layerIndex}] (${r.layer})`
  const path = r.path === undefined ? '' : ` at params${r.path}`
  const where = r.site === 'validation' ? `after epoch ${r.epoch}` : `in epoch ${r.epoch}, minibatch ${r.step} (step ${r.globalStep})`
  const loss = r.loss === undefined ? '' : `, minibatch loss ${r.loss}`
  const good = `${goodEpoch} epoch${goodEpoch === 1 ? '' : 's'}${goodStep > 0 ? ` and ${goodStep} minibatches` : ''}`
  return `fit: training diverged ${where}: ${SITES[r.site]}${layer}${path} is not finite (rate factor ${r.rateFactor}${loss}); ` +
    `lastGood holds the state after ${good}: resume from it with a smaller learning rate`
}
