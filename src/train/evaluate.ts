import type { Layer } from '../layers/Layer.js'
import type { Loss, TargetOf } from '../losses/Loss.js'
import { argmax } from '../ops/argmax.js'
import { sliceRows } from '../ops/sliceRows.js'
import { isLabels, labelsFromStorage, type Labels } from '../tensor/Labels.js'
import type { Shape } from '../shape/Shape.js'
import type { Tensor } from '../tensor/Tensor.js'
import type { Batch } from './trainStep.js'

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

/**
 * Evaluates in eval mode (no dropout, batch norm on its stored statistics), in chunks of
 * `chunk` rows so memory stays bounded on large sets.
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
  const n = data.x.shape[0]
  let total = 0
  let wrong = 0
  const labels = isLabels(data.y)
  for (let s = 0; s < n; s += chunk) {
    const e = Math.min(n, s + chunk)
    const x = sliceRows(data.x, s, e)
    const y = sliceTargets(data.y, s, e)
    const [yHat] = net.apply(params, x, netState === undefined ? {} : { state: netState })
    total += (loss as (a: unknown, b: unknown) => readonly [number, unknown])(yHat, y)[0] * (e - s)
    if (labels) {
      const predicted = argmax(yHat as unknown as Tensor<[number, number]>).data
      const t = (y as Labels).data
      for (let i = 0; i < predicted.length; i++) if (predicted[i] !== t[i]) wrong++
    }
  }
  return { loss: n === 0 ? NaN : total / n, error: labels && n > 0 ? wrong / n : NaN }
}
