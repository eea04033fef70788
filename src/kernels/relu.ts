import type { Storage } from '../tensor/Tensor.js'

// Branch-free relu loops. `a > 0 ? a : 0` mispredicts on real activations (about half positive, in
// no order), so for float32 the test is done on the bits: with `b` the int32 bits of `a`,
// `((−b) & (b − 0x7f800001)) >> 31` is all ones exactly when `0 < b ≤ 0x7f800000`, i.e. when `a > 0`
// (positive subnormals, normals and +∞), and zero for ±0, negatives and every NaN. ANDing the bits
// of `a` (forward) or of `dy` (backward) with it gives the same results as the branchy loops for
// every input, NaN included (a NaN `a` gives +0, like `NaN > 0 ? … : 0`). The one difference: a
// NaN in `dy` where `a > 0` keeps its exact bits here, while the float64 round trip of the branchy
// loop may quiet a signalling NaN. Float64 storage keeps the branchy loops (the JS reference).
// NOTE: `| 0` keeps the subtractions in int32 (no overflow checks, no deopt on b = −2³¹). The loops
// are unrolled by four (about a fifth faster in V8, which does not vectorise them); element `i`
// still gets exactly `f(a[i])`, so the order changes nothing.

const bits = (s: Float32Array) => new Int32Array(s.buffer, s.byteOffset, s.length)

/** All ones when the float32 with bits `b` is `> 0`, else zero (see above). */
const positive = (b: number): number => (((0 - b) | 0) & ((b - 0x7f800001) | 0)) >> 31

/** `g = max(0, a)` elementwise (`g` has `a`'s length; `g` may be `a`, for storage the caller owns). */
export const reluForward = (a: Storage, g: Storage): void => {
  if (a instanceof Float32Array && g instanceof Float32Array) {
    const ab = bits(a), gb = bits(g), n = ab.length
    let i = 0
    for (; i + 4 <= n; i += 4) {
      const b0 = ab[i]!, b1 = ab[i + 1]!, b2 = ab[i + 2]!, b3 = ab[i + 3]!
      gb[i] = b0 & positive(b0)
      gb[i + 1] = b1 & positive(b1)
      gb[i + 2] = b2 & positive(b2)
      gb[i + 3] = b3 & positive(b3)
    }
    for (; i < n; i++) gb[i] = ab[i]! & positive(ab[i]!)
  } else for (let i = 0; i < a.length; i++) g[i] = a[i]! > 0 ? a[i]! : 0
}

/** `dx = 1{a > 0} ⊙ dy` elementwise. */
export const reluBackward = (a: Storage, dy: Storage, dx: Storage): void => {
  if (a instanceof Float32Array && dy instanceof Float32Array && dx instanceof Float32Array) {
    const ab = bits(a), yb = bits(dy), xb = bits(dx), n = ab.length
    let i = 0
    for (; i + 4 <= n; i += 4) {
      xb[i] = yb[i]! & positive(ab[i]!)
      xb[i + 1] = yb[i + 1]! & positive(ab[i + 1]!)
      xb[i + 2] = yb[i + 2]! & positive(ab[i + 2]!)
      xb[i + 3] = yb[i + 3]! & positive(ab[i + 3]!)
    }
    for (; i < n; i++) xb[i] = yb[i]! & positive(ab[i]!)
  } else for (let i = 0; i < a.length; i++) dx[i] = a[i]! > 0 ? dy[i]! : 0
}
