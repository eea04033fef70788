// Deterministic float32 test data from a linear congruential generator (no key needed, same values
// on every run and platform).

/** `len` values in [−scale, scale). */
export function lcgUniform(len: number, seed: number, scale = 1): Float32Array {
  const out = new Float32Array(len)
  let s = seed >>> 0
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = (s / 2 ** 31 - 1) * scale
  }
  return out
}

/** `len` values of either sign (or, if `positive`, their magnitudes) spread over 12 decades around `scale`. */
export function lcgWide(len: number, seed: number, scale: number, positive = false): Float32Array {
  const out = new Float32Array(len)
  let s = seed >>> 0
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const x = (s / 2 ** 32 - 0.5) * scale * 10 ** ((s % 13) - 6)
    out[i] = positive ? Math.abs(x) : x
  }
  return out
}
