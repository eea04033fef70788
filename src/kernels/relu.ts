import type { Storage } from '../tensor/Tensor.js'

// Branch-free relu loops. `a > 0 ? a : 0` mispredicts on real activations (about half positive, in
// no order), so for float32 the test is done on the bits: with `b` the int32 bits of `a`,
// `((−b) & (b − 0x7f800001)) >> 31` is all ones exactly when `0 < b ≤ 0x7f800000`, i.e. when `a > 0`
// (positive subnormals, normals and +∞), and zero for ±0, negatives and every NaN. ANDing the bits
// of `a` (forward) or of `dy` (backward) with it gives the same results as the branchy loops for
// every input, NaN included (a NaN `a` gives +0, like `NaN > 0 ? … : 0`). The one difference: a
// NaN in `dy` where `a > 0` keeps its exact bits here, while the float64 round trip of the branchy
// loop may quiet a signalling NaN. Float64 storage keeps the branchy loops (the JS reference).
// NOTE: `| 0` keeps the subtractions in int32 (no overflow checks, no deopt on b = −2³¹).

const bits = (s: Float32Array) => new Int32Array(s.buffer, s.byteOffset, s.length)

/** `g = max(0, a)` elementwise (`g` has `a`'s length). */
export const reluForward = (a: Storage, g: Storage): void => {
  if (a instanceof Float32Array && g instanceof Float32Array) {
    const ab = bits(a), gb = bits(g)
    for (let i = 0; i < ab.length; i++) {
      const b = ab[i]!
      gb[i] = b & ((((0 - b) | 0) & ((b - 0x7f800001) | 0)) >> 31)
    }
  } else for (let i = 0; i < a.length; i++) g[i] = a[i]! > 0 ? a[i]! : 0
}

/** `dx = 1{a > 0} ⊙ dy` elementwise. */
export const reluBackward = (a: Storage, dy: Storage, dx: Storage): void => {
  if (a instanceof Float32Array && dy instanceof Float32Array && dx instanceof Float32Array) {
    const ab = bits(a), yb = bits(dy), xb = bits(dx)
    for (let i = 0; i < ab.length; i++) {
      const b = ab[i]!
      xb[i] = yb[i]! & ((((0 - b) | 0) & ((b - 0x7f800001) | 0)) >> 31)
    }
  } else for (let i = 0; i < a.length; i++) dx[i] = a[i]! > 0 ? dy[i]! : 0
}
