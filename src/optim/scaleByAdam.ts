import { zerosLike, type Tensor } from '../tensor/Tensor.js'
import { mapTree } from '../tree/tree.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { leafwise } from './leafwise.js'

/** State of {@link scaleByAdam}: step count and first and second moment estimates. */
export interface ScaleByAdamState {
  readonly count: number
  readonly mu: unknown
  readonly nu: unknown
}

/**
 * Adam's rescaling (Kingma & Ba, 2015), bias-corrected:
 * `m_t = β₁ m_{t−1} + (1 − β₁) ∇_t`, `v_t = β₂ v_{t−1} + (1 − β₂) ∇_t²`,
 * `m̂ = m_t / (1 − β₁ᵗ)`, `v̂ = v_t / (1 − β₂ᵗ)`, update `m̂ / (√v̂ + ε)`.
 *
 * @category optim
 */
export const scaleByAdam = (b1 = 0.9, b2 = 0.999, eps = 1e-8): GradientTransformation<ScaleByAdamState> => ({
  init: (params) => ({ count: 0, mu: mapTree(params, (t: Tensor) => zerosLike(t)), nu: mapTree(params, (t: Tensor) => zerosLike(t)) }),
  update: (updates, state) => {
    const count = state.count + 1
    const c1 = 1 - b1 ** count
    const c2 = 1 - b2 ** count
    const mu = leafwise<typeof updates>(
      [updates, state.mu],
      ([g, m], o) => {
        for (let i = 0; i < o.length; i++) o[i] = b1 * m![i]! + (1 - b1) * g![i]!
      },
      'scaleByAdam',
    )
    const nu = leafwise<typeof updates>(
      [updates, state.nu],
      ([g, v], o) => {
        for (let i = 0; i < o.length; i++) o[i] = b2 * v![i]! + (1 - b2) * g![i]! * g![i]!
      },
      'scaleByAdam',
    )
    const out = leafwise<typeof updates>(
      [mu, nu],
      ([m, v], o) => {
        for (let i = 0; i < o.length; i++) o[i] = m![i]! / c1 / (Math.sqrt(v![i]! / c2) + eps)
      },
      'scaleByAdam',
    )
    return [out, { count, mu, nu }]
  },
})
