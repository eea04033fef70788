import type { Shape, Writable } from '../shape/Shape.js'
import { alloc, numel, type DType, type Tensor } from '../tensor/Tensor.js'
import { bits, type Key } from './Key.js'

const TWO_NEG_32 = 2 ** -32

/** The i-th uniform number in [0, 1) of the stream `key` (32 bits of precision). */
export const uniformAt = (key: Key, i: number): number => bits(key, i) * TWO_NEG_32

/**
 * A tensor of independent U[low, high) samples.
 *
 * @example
 * uniform(key(0), [2, 3], -1, 1) // Tensor<[2, 3]>
 * @category random
 */
export const uniform = <const S extends Shape>(key: Key, shape: S, low = 0, high = 1, dtype: DType = 'float32'): Tensor<Writable<S>> => {
  const data = alloc(dtype, numel(shape))
  const w = high - low
  for (let i = 0; i < data.length; i++) data[i] = low + w * uniformAt(key, i)
  return { shape: [...shape] as unknown as Writable<S>, dtype, data }
}

/**
 * A tensor of independent N(mean, std²) samples (Box–Muller).
 *
 * @category random
 */
export const normal = <const S extends Shape>(key: Key, shape: S, mean = 0, std = 1, dtype: DType = 'float32'): Tensor<Writable<S>> => {
  const data = alloc(dtype, numel(shape))
  for (let i = 0; i < data.length; i += 2) {
    const u1 = 1 - uniformAt(key, i) // (0, 1]
    const u2 = uniformAt(key, i + 1)
    const r = Math.sqrt(-2 * Math.log(u1))
    data[i] = mean + std * r * Math.cos(2 * Math.PI * u2)
    if (i + 1 < data.length) data[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2)
  }
  return { shape: [...shape] as unknown as Writable<S>, dtype, data }
}

/**
 * A random permutation of 0..n-1 (Fisher–Yates driven by `key`).
 *
 * @category random
 */
export const permutation = (key: Key, n: number): Int32Array => {
  const p = new Int32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(uniformAt(key, i) * (i + 1))
    const t = p[i]!
    p[i] = p[j]!
    p[j] = t
  }
  return p
}

/**
 * A 0/1 mask where each entry is 1 with probability `keep`.
 *
 * @category random
 */
export const bernoulli = <const S extends Shape>(key: Key, shape: S, keep: number, dtype: DType = 'float32'): Tensor<Writable<S>> => {
  const data = alloc(dtype, numel(shape))
  for (let i = 0; i < data.length; i++) data[i] = uniformAt(key, i) < keep ? 1 : 0
  return { shape: [...shape] as unknown as Writable<S>, dtype, data }
}
