import { zerosLike, type Tensor } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { StateFn, Transformation } from './GradientTransformation.js'
import { leafwiseN } from './leafwise.js'

/** State of {@link scaleByAdagrad} for params `P`: the sum of squared gradients `γ`. @category optim */
export interface ScaleByAdagradState<P = unknown> {
  readonly sumOfSquares: P
}

/** `P ↦ ScaleByAdagradState<P>`. */
export interface ScaleByAdagradStateFn extends StateFn {
  readonly state: ScaleByAdagradState<this['params']>
}

/**
 * Adagrad: `γ_t = γ_{t−1} + ∇_t²`, update `∇_t / √(γ_t + ε)` (Duchi et al., 2011). `γ` keeps the
 * dtype of the params it was initialised from.
 *
 * @category optim
 */
export const scaleByAdagrad = (eps = 1e-8, initialAccumulator = 0): Transformation<ScaleByAdagradStateFn> => ({
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
      [0, 1],
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
