import type { GradientTransformation } from './GradientTransformation.js'
import { scaleLeaves } from './leafwise.js'

/**
 * Multiplies every update by a constant: `u ← c·u`. Stateless.
 *
 * @example
 * scale(-0.1) // plain SGD's last step with α = 0.1
 * @category optim
 */
export const scale = (c: number): GradientTransformation<null> => ({
  init: () => null,
  update: (updates, state) => [scaleLeaves(updates, c, 'scale'), state],
})
