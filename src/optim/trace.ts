import { zerosLike, type Tensor } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { leafwise } from './leafwise.js'

/** State of {@link trace}: the running average `ḡ` (same structure as the params). */
export interface TraceState {
  readonly trace: unknown
}

/**
 * Momentum: the exponential average `ḡ_t = ∇_t + β ḡ_{t−1}` (with `ḡ_0 = 0`); the update is `ḡ_t`.
 * With `nesterov`, the update is `∇_t + β ḡ_t`. (Polyak 1964; Sutskever et al. 2013.)
 *
 * @category optim
 */
export const trace = (beta = 0.9, nesterov = false): GradientTransformation<TraceState> => ({
  init: (params) => ({ trace: mapTree(params, (t: Tensor) => zerosLike(t)) }),
  update: (updates, state) => {
    /** `∇_t + β m`, leaf by leaf. */
    const plusBeta = (m: unknown) =>
      leafwise<typeof updates>(
        [updates, m],
        ([g, mm], o) => {
          for (let i = 0; i < o.length; i++) o[i] = g![i]! + beta * mm![i]!
        },
        'trace',
      )
    const t = plusBeta(state.trace)
    // NOTE: Nesterov's update is the same recurrence applied once more, to ḡ_t.
    return [nesterov ? plusBeta(t) : t, { trace: t }]
  },
})
