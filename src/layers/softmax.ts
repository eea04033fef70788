import { alloc, type Storage, type Tensor } from '../tensor/Tensor.js'
import type { Shape } from '../shape/Shape.js'
import type { Activation } from './activation.js'
import { shapePreserving } from './shapePreserving.js'

/**
 * Writes the row-wise softmax of `a` (`rows × cols`, row-major) into `out`.
 * NOTE: subtracts each row's maximum first, so a logit of 1000 does not overflow.
 */
export const softmaxRows = (a: Storage, out: Storage, cols: number): void => {
  for (let r = 0; r < a.length; r += cols) {
    let m = -Infinity
    for (let j = 0; j < cols; j++) if (a[r + j]! > m) m = a[r + j]!
    let s = 0
    for (let j = 0; j < cols; j++) s += out[r + j] = Math.exp(a[r + j]! - m)
    for (let j = 0; j < cols; j++) out[r + j] = out[r + j]! / s
  }
}

/**
 * Softmax over the last axis: `f(a)_c = e^{a_c} / Σ_c' e^{a_c'}` (`[B, ...S, C] → [B, ...S, C]`), the output layer
 * of a classifier. Backward uses the Jacobian `diag(f) − f fᵀ`: `dx = f ⊙ (dy − ⟨dy, f⟩)`.
 * For training, prefer the fused, stable {@link softmaxCrossEntropy} on the logits.
 *
 * @category layers
 */
export const softmax: Activation = shapePreserving({
  kind: 'activation' as const,
  name: 'softmax',
  init: () => ({}),
  initState: () => undefined,
  apply: <B extends number, S extends Shape>(_: unknown, x: Tensor<[B, ...S]>) => {
    const cols = x.shape[x.shape.length - 1] ?? 1
    const f = alloc(x.dtype, x.data.length)
    softmaxRows(x.data, f, cols)
    const back = (dy: Tensor<[B, ...S]>) => {
      const dx = alloc(dy.dtype, f.length), d = dy.data
      for (let r = 0; r < f.length; r += cols) {
        let dot = 0
        for (let j = 0; j < cols; j++) dot += d[r + j]! * f[r + j]!
        for (let j = 0; j < cols; j++) dx[r + j] = f[r + j]! * (d[r + j]! - dot)
      }
      return [{}, { shape: x.shape, dtype: dy.dtype, data: dx } as Tensor<[B, ...S]>] as const
    }
    return [{ shape: x.shape, dtype: x.dtype, data: f } as Tensor<[B, ...S]>, back] as const
  },
})
