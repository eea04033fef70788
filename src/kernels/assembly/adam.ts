// The named optimizers' fused steps on float32 storage (see src/optim/fused.ts, whose float32 loops
// these are, two elements at a time): float64 arithmetic in f64x2 lanes, the same expressions in the
// same order, rounded to float32 (demote) where the JS loops round (a float32 store, `Math.fround`),
// and a stored float32 read back where the JS loop reads it back, so the results are its results bit
// for bit. Kept in a module of its own: the matmul module must stay below browsers' 4 KB limit for
// synchronous compilation, and this one is about 2.1 KB (with max pooling, from pool.ts, and the
// float32 add that sums a convolution's partials, which the matmul module has no room for). The JS
// side (src/kernels/wasmAdam.ts) calls the optimizers on blocks of a few thousand elements at a time.

// Max pooling lives in pool.ts and shares this module and its memory.
export { maxPool2dF32 } from './pool';

/** dst[0:n) += src[0:n) in float32 (a convolution's filter-gradient partials, summed in order). */
export function addF32(n: i32, dst: usize, src: usize): void {
  const end = dst + (<usize>n << 2), n4 = dst + (<usize>(n & ~3) << 2);
  let d = dst, s = src;
  for (; d < n4; d += 16, s += 16) v128.store(d, f32x4.add(v128.load(d), v128.load(s)));
  for (; d < end; d += 4, s += 4) store<f32>(d, load<f32>(d) + load<f32>(s));
}

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

/** `fround(p + fround(c·u))` for two float64 lanes: the step every fused optimizer ends with. */
@inline function applyStep(p: usize, c: v128, u: v128): v128 {
  return toF32(f64x2.add(f64x2From(p), f64x2.promote_low_f32x4(toF32(f64x2.mul(c, u)))));
}

/** sgd: po = p + f32(c·g). */
export function sgdF32(n: i32, g: usize, p: usize, po: usize, C: f64): void {
  const c = f64x2.splat(C);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    v128.store64_lane(po + o, applyStep(p + o, c, f64x2From(g + o)), 0);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(po + o, <f32>(<f64>load<f32>(p + o) + <f64><f32>(C * <f64>load<f32>(g + o))));
  }
}

/**
 * momentum: to = f32(g + β·m); po = p + f32(c·o) with o = f32(g + β·to) (Nesterov's, `nesterov`
 * not 0) or o = to.
 */
export function momentumF32(n: i32, g: usize, p: usize, m: usize, po: usize, to: usize, BETA: f64, nesterov: i32, C: f64): void {
  const beta = f64x2.splat(BETA), c = f64x2.splat(C);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const gi = f64x2From(g + o);
    const t = toF32(f64x2.add(gi, f64x2.mul(beta, f64x2From(m + o))));
    v128.store64_lane(to + o, t, 0);
    const tr = f64x2.promote_low_f32x4(t);
    const u = nesterov ? f64x2.promote_low_f32x4(toF32(f64x2.add(gi, f64x2.mul(beta, tr)))) : tr;
    v128.store64_lane(po + o, applyStep(p + o, c, u), 0);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = <f64>load<f32>(g + o);
    const t = <f32>(gi + BETA * <f64>load<f32>(m + o));
    store<f32>(to + o, t);
    const u = nesterov ? <f64><f32>(gi + BETA * <f64>t) : <f64>t;
    store<f32>(po + o, <f32>(<f64>load<f32>(p + o) + <f64><f32>(C * u)));
  }
}

/**
 * rmsprop (`adagrad` 0) and adagrad (not 0): vo = f32(γ·v + a·g·g) (rmsprop, γ = decay, a = 1 − γ)
 * or f32(v + g·g) (adagrad); po = p + f32(c·f32(g / √(vo + ε))).
 */
export function rmsF32(n: i32, g: usize, p: usize, v: usize, po: usize, vo: usize, adagrad: i32, DECAY: f64, A: f64, E: f64, C: f64): void {
  const decay = f64x2.splat(DECAY), a = f64x2.splat(A), e = f64x2.splat(E), c = f64x2.splat(C);
  const rms = adagrad == 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o = <usize>i << 2;
    const gi = f64x2From(g + o), vi = f64x2From(v + o);
    const s = toF32(rms
      ? f64x2.add(f64x2.mul(decay, vi), f64x2.mul(f64x2.mul(a, gi), gi))
      : f64x2.add(vi, f64x2.mul(gi, gi)));
    v128.store64_lane(vo + o, s, 0);
    const u = f64x2.promote_low_f32x4(toF32(f64x2.div(gi, f64x2.sqrt(f64x2.add(f64x2.promote_low_f32x4(s), e)))));
    v128.store64_lane(po + o, applyStep(p + o, c, u), 0);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = <f64>load<f32>(g + o), vi = <f64>load<f32>(v + o);
    const s = <f32>(rms ? DECAY * vi + A * gi * gi : vi + gi * gi);
    store<f32>(vo + o, s);
    const u = <f64><f32>(gi / Math.sqrt(<f64>s + E));
    store<f32>(po + o, <f32>(<f64>load<f32>(p + o) + <f64><f32>(C * u)));
  }
}
