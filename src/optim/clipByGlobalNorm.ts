import { leaves } from '../tree/tree.js'
import { ValueError } from '../shape/ValueError.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { scaleLeaves } from './leafwise.js'

/** The global L2 norm `√(Σ_leaves Σ u²)` of a tree. @category optim */
export const globalNorm = (tree: unknown): number => {
  let s = 0
  for (const { tensor } of leaves(tree)) for (const v of tensor.data) s += v * v
  return Math.sqrt(s)
}

/**
 * Rescales the updates so that their global norm is at most `maxNorm` (Pascanu et al., 2013).
 *
 * @category optim
 */
export const clipByGlobalNorm = (maxNorm: number): GradientTransformation<null> => {
  if (!(maxNorm > 0)) throw new ValueError('clipByGlobalNorm', `maxNorm must be positive, got ${maxNorm}`)
  return {
    init: () => null,
    update: (updates, state) => {
      const norm = globalNorm(updates)
      if (norm <= maxNorm) return [updates, state]
      return [scaleLeaves(updates, maxNorm / norm, 'clipByGlobalNorm'), state]
    },
  }
}
