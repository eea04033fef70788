import { zerosLike } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { StateFn, Transformation } from './GradientTransformation.js'
import { leafwiseN } from './leafwise.js'

/** State of {@link trace} for params `P`: the running average `ḡ` (same structure as the params). @category optim */
export interface TraceState<P = unknown> {
  readonly trace: P
}

/** `P ↦ TraceState<P>`. */
export interface TraceStateFn extends StateFn {
  readonly state: TraceState<this['params']>
}

/**
 * Momentum: the exponential average `ḡ_t = ∇_t + β ḡ_{t−1}` (with `ḡ_0 = 0`); the update is `ḡ_t`.
 * With `nesterov`, the update is `∇_t + β ḡ_t`. (Polyak 1964; Sutskever et al. 2013.) `ḡ` keeps the
 * dtype of the params it was initialised from; the update has the gradients' dtype.
 *
 * @category optim
 */
export const trace = (beta = 0.9, nesterov = false): Transformation<TraceStateFn> => ({
  init: (params) => ({ trace: mapTree(params, zerosLike) }),
  update: (updates, state) => {
    const [out, t] = leafwiseN<typeof updates, 2>(
      [updates, state.trace],
      [0, 1],
      ([g, m], [o, to]) => {
        for (let i = 0; i < o!.length; i++) {
          to![i] = g![i]! + beta * m![i]!
          // NOTE: Nesterov's update is the same recurrence applied once more, to ḡ_t as stored.
          o![i] = nesterov ? g![i]! + beta * to![i]! : to![i]!
        }
      },
      'trace',
    )
    return [out, { trace: t }]
  },
})
