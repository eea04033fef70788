import type { Loss, TargetOf } from '../losses/Loss.js'
import type { Shape } from '../shape/Shape.js'
import { ValueError } from '../shape/ValueError.js'
import { fitSteps } from './fitSteps.js'
import { initTrain, type FitConfig, type TrainState } from './TrainState.js'
import type { Batch } from './trainStep.js'

/**
 * What `fitAsync` reads of an `AbortSignal` (`controller.signal` fits). Declared here so the
 * library's types need neither the DOM nor Node's type definitions.
 */
export interface StopSignal {
  readonly aborted: boolean
}

/** Options of {@link fitAsync}. @category train */
export interface FitAsyncOptions<P, S, St> {
  /** Stops training when aborted (an `AbortSignal`); the promise then resolves to the state reached. */
  readonly signal?: StopSignal
  /** Training steps between turns of the event loop (1 by default: yield after every step). */
  readonly yieldEvery?: number
  /** The state to resume from (as `fit`'s `from`). */
  readonly from?: TrainState<P, S, St>
}

/**
 * One turn of the event loop, browser-safe: a MessageChannel message where there is one (no 4 ms
 * timer clamp), else `setTimeout(0)`. Timers, input and abort events run in between.
 */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    if (typeof MessageChannel !== 'function') {
      setTimeout(resolve, 0)
      return
    }
    const { port1, port2 } = new MessageChannel()
    port1.onmessage = () => {
      port1.close()
      resolve()
    }
    port2.postMessage(null)
  })

/**
 * {@link fit} that lets the event loop run: it drives `fitSteps`, yielding to the event loop every
 * `yieldEvery` steps, so a page stays responsive and an `AbortSignal` can stop it. Unstopped, it
 * resolves to exactly `fit`'s state. Aborted, it resolves (never rejects) to the state reached —
 * all work kept: the params after the last step done, with the position within the epoch, so
 * `fit(config, train, validation, state)` (or `fitAsync` with `from: state`) continues
 * bit-identically to a run that was never stopped.
 *
 * @throws (rejects with) what `fit` throws: ValueError for a bad configuration, DivergenceError.
 * @example
 * const controller = new AbortController()
 * stopButton.onclick = () => controller.abort()
 * const state = await fitAsync(config, train, validation, { signal: controller.signal })
 * @category train
 */
export const fitAsync = async <In extends Shape, Out extends Shape, P, St, L extends Loss, S>(
  config: FitConfig<In, Out, P, St, L, S>,
  train: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  validation: Batch<number, NoInfer<In>, TargetOf<L, number, NoInfer<Out>>>,
  options: FitAsyncOptions<NoInfer<P>, NoInfer<S>, NoInfer<St>> = {},
): Promise<TrainState<P, S, St>> => {
  const { signal, yieldEvery = 1 } = options
  if (!(Number.isInteger(yieldEvery) && yieldEvery >= 1)) throw new ValueError('fitAsync', `yieldEvery must be a positive integer, got ${yieldEvery}`)
  let state = options.from ?? initTrain(config)
  const steps = fitSteps(config, train, validation, state)
  let sinceTurn = 0
  while (signal?.aborted !== true) {
    const r = steps.next()
    if (r.done === true) return r.value
    state = r.value.state
    if (r.value.kind === 'batch' && ++sinceTurn >= yieldEvery) {
      sinceTurn = 0
      await nextTurn()
    }
  }
  return state
}
