import { zerosLike, type Tensor } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { leafwiseN } from './leafwise.js'

/** State of {@link scaleByRms}: the running average of squared gradients `γ`. */
export interface ScaleByRmsState {
  readonly nu: unknown
}

/**
 * RMSProp: `γ_t = β γ_{t−1} + (1 − β) ∇_t²`, update `∇_t / √(γ_t + ε)` (Tieleman & Hinton, 2012).
 *
 * @category optim
 */
export const scaleByRms = (decay = 0.9, eps = 1e-8): GradientTransformation<ScaleByRmsState> => ({
  init: (params) => ({ nu: mapTree(params, (t: Tensor) => zerosLike(t)) }),
  update: (updates, state) => {
    // One pass per leaf for γ_t and the update; the update reads γ_t back as stored (its dtype).
    const [out, nu] = leafwiseN<typeof updates, 2>(
      [updates, state.nu],
      2,
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
