import type { Tensor } from '../tensor/Tensor.js'

/**
 * Which leaves regularisation touches: weight matrices (rank ≥ 2), never biases, batch-norm γ/β
 * or other vectors. A custom mask can be passed where a model needs another rule.
 */
export type Mask = (t: Tensor, path: string) => boolean

/** The default {@link Mask}: tensors of rank ≥ 2. */
export const weightsOnly: Mask = (t) => t.shape.length >= 2
