/**
 * Pure, splittable pseudo-random keys (in the style of JAX's `PRNGKey`).
 *
 * A key is an immutable pair of 32-bit words. Nothing is ever drawn from hidden state: a function
 * that needs randomness takes a key, and a caller that needs two independent streams `split`s it.
 * Values are a counter-based hash of (key, index), so the same key always gives the same bits, on
 * every platform.
 *
 * @category random
 */
export interface Key {
  readonly k0: number
  readonly k1: number
}

/** Chris Wellons' "lowbias32" integer hash: a bijection on u32 with low bias. */
const mix32 = (x: number): number => {
  x ^= x >>> 16
  x = Math.imul(x, 0x7feb352d)
  x ^= x >>> 15
  x = Math.imul(x, 0x846ca68b)
  x ^= x >>> 16
  return x >>> 0
}

/** The i-th 32-bit word of the stream named by `key` (a counter-based generator). */
export const bits = (key: Key, i: number): number =>
  mix32((key.k0 ^ mix32((key.k1 + Math.imul(i, 0x9e3779b9)) >>> 0)) >>> 0)

/**
 * A key from an integer seed.
 *
 * @example
 * const k = key(42)
 * @category random
 */
export const key = (seed: number): Key => {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`key: seed must be a safe integer, got ${seed}`)
  const lo = seed >>> 0
  const hi = Math.floor(seed / 0x100000000) >>> 0
  return { k0: mix32(lo ^ 0x243f6a88), k1: mix32(hi ^ 0x85a308d3) }
}

/**
 * `n` independent keys derived from `k` (default 2). Splitting is deterministic.
 *
 * @example
 * const [kInit, kShuffle] = split(key(0))
 * @category random
 */
export const split = (k: Key, n = 2): Key[] => {
  const out: Key[] = []
  for (let i = 0; i < n; i++) out.push(fold(k, i))
  return out
}

/** A key derived from `k` and a label (e.g. an epoch number); same as `split(k, i+1)[i]`. */
export const fold = (k: Key, i: number): Key => ({ k0: bits(k, 2 * i) ^ 0x5bd1e995, k1: bits(k, 2 * i + 1) })
