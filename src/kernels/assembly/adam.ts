// Adam's fused step on float32 storage (see src/optim/fused.ts, whose float32 loop this is, two
// elements at a time): float64 arithmetic in f64x2 lanes, the same expressions in the same order,
// rounded to float32 (demote) where the JS loop rounds, so the results are its results bit for bit.
// Kept in a module of its own: the matmul module must stay below browsers' 4 KB limit for
// synchronous compilation, and this one is about 0.5 KB.

/** First free byte of linear memory (for the JS side's layout). */
export function heapBase(): usize {
  return __heap_base;
}

@inline function f64x2From(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}
@inline function toF32(x: v128): v128 {
  return f32x4.demote_f64x2_zero(x);
}

/**
 * n elements of g, p, m, v in; po = p + f32(c·f32(m̂/(√v̂ + ε))), mo = m_t, vo = v_t out, with
 * m_t = b1·m + a1·g, v_t = b2·v + a2·g·g, m̂ = m_t·s1, v̂ = v_t·s2.
 */
export function adamF32(n: i32, g: usize, p: usize, m: usize, v: usize, po: usize, mo: usize, vo: usize,
  B1: f64, B2: f64, A1: f64, A2: f64, S1: f64, S2: f64, E: f64, C: f64): void {
  const b1 = f64x2.splat(B1), b2 = f64x2.splat(B2), a1 = f64x2.splat(A1), a2 = f64x2.splat(A2);
  const s1 = f64x2.splat(S1), s2 = f64x2.splat(S2), e = f64x2.splat(E), c = f64x2.splat(C);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const gi = f64x2From(g + o);
    const mi = f64x2.add(f64x2.mul(b1, f64x2From(m + o)), f64x2.mul(a1, gi));
    const vi = f64x2.add(f64x2.mul(b2, f64x2From(v + o)), f64x2.mul(f64x2.mul(a2, gi), gi));
    v128.store64_lane(mo + o, toF32(mi), 0);
    v128.store64_lane(vo + o, toF32(vi), 0);
    const u = f64x2.promote_low_f32x4(toF32(f64x2.div(f64x2.mul(mi, s1), f64x2.add(f64x2.sqrt(f64x2.mul(vi, s2)), e))));
    const cu = f64x2.promote_low_f32x4(toF32(f64x2.mul(c, u)));
    v128.store64_lane(po + o, toF32(f64x2.add(f64x2From(p + o), cu)), 0);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = <f64>load<f32>(g + o);
    const mi = B1 * <f64>load<f32>(m + o) + A1 * gi;
    const vi = B2 * <f64>load<f32>(v + o) + A2 * gi * gi;
    store<f32>(mo + o, <f32>mi);
    store<f32>(vo + o, <f32>vi);
    const u = <f64><f32>((mi * S1) / (Math.sqrt(vi * S2) + E));
    store<f32>(po + o, <f32>(<f64>load<f32>(p + o) + <f64><f32>(C * u)));
  }
}
