import type { Layer } from '../layers/Layer.js'
import type { Loss, TargetOf } from '../losses/Loss.js'
import { argmax } from '../ops/argmax.js'
import { sliceRows } from '../ops/sliceRows.js'
import { isLabels, labelsFromStorage, type Labels } from '../tensor/Labels.js'
import type { Shape } from '../shape/Shape.js'
import type { Tensor } from '../tensor/Tensor.js'
import type { Batch } from './trainStep.js'
import { validateSet } from '../data/validate.js'

/** Loss and (for labels) classification error of a network on a data set. @category train */
export interface Evaluation {
  /** Mean loss per example. */
  readonly loss: number
  /** Fraction of examples whose argmax is not the label; `NaN` when targets are not labels. */
  readonly error: number
}

const sliceTargets = <Y>(y: Y, start: number, end: number): Y => {
  if (isLabels(y)) return labelsFromStorage(y.data.subarray(start, end), y.numClasses) as Y
  return sliceRows(y as Tensor<[number, ...number[]]>, start, end) as Y
}

/** The rows of `[n, …]` outputs holding a non-finite value (a diverged network), as a mask. */
const nonFiniteRows = (yHat: Tensor, n: number): Uint8Array | undefined => {
  const d = yHat.data
  const width = n === 0 ? 0 : d.length / n
  let bad: Uint8Array | undefined
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) (bad ??= new Uint8Array(n))[Math.floor(i / width)] = 1
  return bad
}

/**
 * Evaluates in eval mode (no dropout, batch norm on its stored statistics), in chunks of
 * `chunk` rows so memory stays bounded on large sets.
 *
 * The data is checked first (`validateSet`): shapes and class counts against the network, finite
 * values, equal row counts, at least one row; float data is converted to the params' dtype.
 * Non-finite outputs (a diverged network) do not throw: they make `loss` NaN, and for labels each
 * row with a non-finite output counts as misclassified (its argmax means nothing).
 *
 * @category train
 */
export const evaluate = <In extends Shape, Out extends Shape, P, St, L extends Loss>(
  net: Layer<In, Out, P, St>,
  loss: L,
  params: P,
  data: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  netState?: St,
  chunk = 1024,
): Evaluation => {
  // NOTE: bad data (NaN inputs, which relu would quietly turn into 0; rows of x and y that differ;
  // labels of another class count) is refused here, naming the row, never scored.
  return scoreChecked(net, loss, params, validateSet('evaluate', 'data', data, net, params), netState, chunk)
}

/**
 * `evaluate` on data already checked by `validateFitData` (internal: `fitSteps` checks its
 * validation set once, before the first epoch, not again at every epoch's end).
 */
export const scoreChecked = <In extends Shape, Out extends Shape, P, St, L extends Loss>(
  net: Layer<In, Out, P, St>,
  loss: L,
  params: P,
  data: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  netState?: St,
  chunk = 1024,
): Evaluation => {
  const n = data.x.shape[0]
  let total = 0
  let wrong = 0
  const labels = isLabels(data.y)
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk)
    const x = sliceRows(data.x, s, e)
    const y = sliceTargets(data.y, s, e)
    const [yHat] = net.apply(params, x, netState === undefined ? {} : { state: netState })
    const bad = nonFiniteRows(yHat, e - s)
    // NOTE: the losses refuse non-finite outputs; the mean loss of a diverged network is NaN.
    total = bad === undefined ? total + (loss as (a: unknown, b: unknown) => readonly [number, unknown])(yHat, y)[0] * (e - s) : NaN
    if (labels) {
      const predicted = argmax(yHat as unknown as Tensor<[number, number]>).data
      const t = (y as Labels).data
      for (let i = 0; i < predicted.length; i++) if (bad?.[i] === 1 || predicted[i] !== t[i]) wrong++
    }
  }
  return { loss: n === 0 ? NaN : total / n, error: labels && n > 0 ? wrong / n : NaN }
}
