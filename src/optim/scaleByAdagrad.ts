import { zerosLike, type Tensor } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { leafwise } from './leafwise.js'

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
    const g2 = leafwise<typeof updates>(
      [updates, state.sumOfSquares],
      ([g, s], o) => {
        for (let i = 0; i < o.length; i++) o[i] = s![i]! + g![i]! * g![i]!
      },
      'scaleByAdagrad',
    )
    const out = leafwise<typeof updates>(
      [updates, g2],
      ([g, s], o) => {
        for (let i = 0; i < o.length; i++) o[i] = g![i]! / Math.sqrt(s![i]! + eps)
      },
      'scaleByAdagrad',
    )
    return [out, { sumOfSquares: g2 }]
  },
})
