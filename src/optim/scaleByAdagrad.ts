import { zerosLike, type Tensor } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { leafwiseN } from './leafwise.js'

/** State of {@link scaleByAdagrad}: the sum of squared gradients `γ`. */
export interface ScaleByAdagradState {
  readonly sumOfSquares: unknown
}

/**
 * Adagrad: `γ_t = γ_{t−1} + ∇_t²`, update `∇_t / √(γ_t + ε)` (Duchi et al., 2011).
 *
 * @category optim
 */
export const scaleByAdagrad = (eps = 1e-8, initialAccumulator = 0): GradientTransformation<ScaleByAdagradState> => ({
  init: (params) => ({
    sumOfSquares: mapTree(params, (t: Tensor) => {
      const z = zerosLike(t)
      z.data.fill(initialAccumulator) // z was just allocated
      return z
    }),
  }),
  update: (updates, state) => {
    // One pass per leaf for γ_t and the update; the update reads γ_t back as stored (its dtype).
    const [out, g2] = leafwiseN<typeof updates, 2>(
      [updates, state.sumOfSquares],
      2,
      ([g, s], [o, so]) => {
        for (let i = 0; i < o!.length; i++) {
          so![i] = s![i]! + g![i]! * g![i]!
          o![i] = g![i]! / Math.sqrt(so![i]! + eps)
        }
      },
      'scaleByAdagrad',
    )
    return [out, { sumOfSquares: g2 }]
  },
})
