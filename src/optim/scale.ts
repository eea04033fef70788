import type { GradientTransformation } from './GradientTransformation.js'
import { leafwise } from './leafwise.js'

/**
 * Multiplies every update by a constant: `u ← c·u`. Stateless.
 *
 * @example
 * scale(-0.1) // plain SGD's last step with α = 0.1
 * @category optim
 */
export const scale = (c: number): GradientTransformation<null> => ({
  init: () => null,
  update: (updates, state) => [
    leafwise(
      [updates],
      ([u], o) => {
        for (let i = 0; i < o.length; i++) o[i] = c * u![i]!
      },
      'scale',
    ),
    state,
  ],
})
