import type { Storage, Tensor } from '../tensor/Tensor.js'
import { alloc } from '../tensor/Tensor.js'
import { zipTree } from '../tree/tree.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { weightsOnly, type Mask } from './weightsOnly.js'

/**
 * Adds the gradient of a penalty Ω(W) to the updates of the masked leaves; the others pass through.
 * `grad(w, u, out)` writes `u + ∂Ω/∂w` into `out`.
 */
const penalty = (op: string, grad: (w: Storage, u: Storage, out: Storage) => void, mask: Mask): GradientTransformation<null> => ({
  init: () => null,
  update: (updates, state, params) => [
    zipTree(
      [updates, params] as const,
      (ts, path) => {
        const [u, w] = ts as readonly [Tensor, Tensor]
        if (!mask(w, path)) return u
        const out = alloc(u.dtype, u.data.length)
        grad(w.data, u.data, out)
        return { shape: u.shape, dtype: u.dtype, data: out }
      },
      '',
      op,
    ) as typeof updates,
    state,
  ],
})

/**
 * L2 regularisation `Ω = λ Σ_W ‖W‖²`: adds `2λW` to the weights' gradients (weight decay), never to
 * biases (see {@link weightsOnly}).
 *
 * @category optim
 */
export const l2 = (lambda: number, mask: Mask = weightsOnly): GradientTransformation<null> =>
  penalty(
    'l2',
    (w, u, o) => {
      for (let i = 0; i < o.length; i++) o[i] = u[i]! + 2 * lambda * w[i]!
    },
    mask,
  )

/**
 * L1 regularisation `Ω = λ Σ_W Σ|W_ij|`: adds `λ·sign(W)` to the weights' gradients, never to biases.
 *
 * @category optim
 */
export const l1 = (lambda: number, mask: Mask = weightsOnly): GradientTransformation<null> =>
  penalty(
    'l1',
    (w, u, o) => {
      for (let i = 0; i < o.length; i++) o[i] = u[i]! + lambda * Math.sign(w[i]!)
    },
    mask,
  )
