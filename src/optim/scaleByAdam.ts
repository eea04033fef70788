import { zerosLike } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { StateFn, Transformation } from './GradientTransformation.js'
import { leafwiseN } from './leafwise.js'

/**
 * State of {@link scaleByAdam} for params `P`: the step count `t` and the first and second moment
 * estimates `m` (`mu`) and `v` (`nu`), trees of the params' structure, shapes and dtypes.
 *
 * @category optim
 */
export interface ScaleByAdamState<P = unknown> {
  readonly count: number
  readonly mu: P
  readonly nu: P
}

/** `P ↦ ScaleByAdamState<P>`. */
export interface ScaleByAdamStateFn extends StateFn {
  readonly state: ScaleByAdamState<this['params']>
}

/**
 * Adam's rescaling (Kingma & Ba, 2015), bias-corrected:
 * `m_t = β₁ m_{t−1} + (1 − β₁) ∇_t`, `v_t = β₂ v_{t−1} + (1 − β₂) ∇_t²`,
 * `m̂ = m_t / (1 − β₁ᵗ)`, `v̂ = v_t / (1 − β₂ᵗ)`, update `m̂ / (√v̂ + ε)`.
 *
 * The moments keep the dtype of the params they were initialised from; the update has the
 * gradients' dtype.
 *
 * @example
 * const t = scaleByAdam()
 * const s = t.init(params)                      // ScaleByAdamState<typeof params>
 * const [updates, next] = t.update(grads, s, params)
 * @category optim
 */
export const scaleByAdam = (b1 = 0.9, b2 = 0.999, eps = 1e-8): Transformation<ScaleByAdamStateFn> => ({
  init: (params) => ({ count: 0, mu: mapTree(params, zerosLike), nu: mapTree(params, zerosLike) }),
  update: (updates, state) => {
    const count = state.count + 1
    const c1 = 1 - b1 ** count
    const c2 = 1 - b2 ** count
    // One pass per leaf for m, v and the update (three outputs, one read of ∇, m, v).
    const a1 = 1 - b1, a2 = 1 - b2, s1 = 1 / c1, s2 = 1 / c2
    const [out, mu, nu] = leafwiseN<typeof updates, 3>(
      [updates, state.mu, state.nu],
      [0, 1, 2],
      ([g, m, v], [o, mo, vo]) => {
        // NOTE: closed-over numbers copied to locals so the JIT keeps them in registers.
        const [B1, B2, A1, A2, S1, S2, E, n] = [b1, b2, a1, a2, s1, s2, eps, o!.length]
        for (let i = 0; i < n; i++) {
          const gi = g![i]!
          const mi = B1 * m![i]! + A1 * gi
          const vi = B2 * v![i]! + A2 * gi * gi
          mo![i] = mi
          vo![i] = vi
          o![i] = (mi * S1) / (Math.sqrt(vi * S2) + E)
        }
      },
      'scaleByAdam',
    )
    return [out, { count, mu, nu }]
  },
})
