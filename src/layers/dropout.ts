import type { Key } from '../random/Key.js'
import { bernoulli } from '../random/sample.js'
import type { Shape, Writable } from '../shape/Shape.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, type DType, type Tensor } from '../tensor/Tensor.js'
import type { Activation } from './activation.js'
import type { Context, NoParams } from './Layer.js'
import { shapePreserving } from './shapePreserving.js'

const checkP = (op: string, p: number): void => {
  if (!(p >= 0 && p < 1)) throw new ValueError(op, `p must be in [0, 1), got ${p}`)
}

/**
 * The keep mask of {@link dropout}: `m_i ~ Bernoulli(1 − p)`, 1 (keep) or 0 (drop), drawn from `key`.
 * `dropout(p)` in training mode with `ctx.key = key` multiplies a `[B, W]` input by exactly
 * `dropoutMask(key, [B, W], p) / (1 − p)`, so a test can fix the mask by fixing the key.
 *
 * @throws ValueError when `p` is outside [0, 1).
 * @example
 * dropoutMask(key(0), [2, 3], 0.5) // Tensor<[2, 3]> of 0s and 1s
 * @category layers
 */
export const dropoutMask = <const S extends Shape>(key: Key, shape: S, p: number, dtype: DType = 'float32'): Tensor<Writable<S>> => {
  checkP('dropoutMask', p)
  return bernoulli(key, shape, 1 - p, dtype)
}

/**
 * Dropout (Srivastava, Hinton, Krizhevsky, Sutskever & Salakhutdinov, 2014): in training mode each
 * unit is kept with probability `1 − p` and otherwise set to 0. Any width: `[B, W] → [B, W]`, no
 * params, so it fits `andThen(dropout(0.5))` anywhere an activation does.
 *
 * We use INVERTED dropout: training multiplies by `m / (1 − p)` with `m ~ Bernoulli(1 − p)` (the
 * mask of {@link dropoutMask} for `ctx.key`), and eval mode (the default) is the identity. Since
 * `E[m / (1 − p)] = 1`, a linear layer after dropout gives at test time exactly the expectation
 * over masks of its training output — the paper's rule of scaling the weights by `1 − p` at test
 * time, moved to training time so the eval network needs no rescaling.
 * Backward multiplies `dy` by the same `m / (1 − p)` (identity in eval mode).
 *
 * @param p the probability of dropping a unit, in [0, 1) (default 0.5).
 * @throws ValueError when `p` is outside [0, 1), or in training mode without `ctx.key`.
 * @example
 * const net = pipe(dense(784, 256), andThen(relu), andThen(dropout(0.5)), andThen(dense(256, 10)))
 * net.apply(params, x, { training: true, key: key(1) }) // a fresh mask per key
 * @category layers
 */
export const dropout = (p = 0.5): Activation => {
  checkP('dropout', p)
  const name = `dropout(${p})`
  return shapePreserving({
    kind: 'activation' as const,
    name,
    init: () => ({}),
    initState: () => undefined,
    apply: <B extends number, S extends Shape>(_: NoParams, x: Tensor<[B, ...S]>, ctx: Context<undefined> = {}) => {
      if (ctx.training !== true) return [x, (dy: Tensor<[B, ...S]>) => [{}, dy] as const] as const
      if (ctx.key === undefined) throw new ValueError('dropout', 'training mode needs ctx.key')
      const m = dropoutMask(ctx.key, x.shape, p, x.dtype).data
      const s = 1 / (1 - p)
      // NOTE: the mask is scaled in place once; it is ours (just allocated), not the caller's.
      for (let i = 0; i < m.length; i++) m[i] = m[i]! * s
      const y = alloc(x.dtype, m.length), xd = x.data
      for (let i = 0; i < m.length; i++) y[i] = xd[i]! * m[i]!
      const back = (dy: Tensor<[B, ...S]>) => {
        const dx = alloc(dy.dtype, m.length), d = dy.data
        for (let i = 0; i < m.length; i++) dx[i] = d[i]! * m[i]!
        return [{}, { shape: dy.shape, dtype: dy.dtype, data: dx } as Tensor<[B, ...S]>] as const
      }
      return [{ shape: x.shape, dtype: x.dtype, data: y } as Tensor<[B, ...S]>, back] as const
    },
  })
}
