import { zerosLike } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { StateFn, Transformation } from './GradientTransformation.js'
import { leafwiseN } from './leafwise.js'

/** State of {@link scaleByRms} for params `P`: the running average of squared gradients `γ`. @category optim */
export interface ScaleByRmsState<P = unknown> {
  readonly nu: P
}

/** `P ↦ ScaleByRmsState<P>`. */
export interface ScaleByRmsStateFn extends StateFn {
  readonly state: ScaleByRmsState<this['params']>
}

/**
 * RMSProp: `γ_t = β γ_{t−1} + (1 − β) ∇_t²`, update `∇_t / √(γ_t + ε)` (Tieleman & Hinton, 2012).
 * `γ` keeps the dtype of the params it was initialised from.
 *
 * @category optim
 */
export const scaleByRms = (decay = 0.9, eps = 1e-8): Transformation<ScaleByRmsStateFn> => ({
  init: (params) => ({ nu: mapTree(params, zerosLike) }),
  update: (updates, state) => {
    // One pass per leaf for γ_t and the update; the update reads γ_t back as stored (its dtype).
    const [out, nu] = leafwiseN<typeof updates, 2>(
      [updates, state.nu],
      [0, 1],
      ([g, v], [o, vo]) => {
        for (let i = 0; i < o!.length; i++) {
          vo![i] = decay * v![i]! + (1 - decay) * g![i]! * g![i]!
          o![i] = g![i]! / Math.sqrt(vo![i]! + eps)
        }
      },
      'scaleByRms',
    )
    return [out, { nu }]
  },
})
