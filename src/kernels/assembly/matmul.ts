// AssemblyScript source of the float32 matmul kernel (compiled only by asc,
// see build.mjs; excluded from the main tsconfig).
//
// Computes C[M,N] = op(A) · op(B) for float32 row-major matrices living in
// linear memory, with op chosen by the layout code:
//   0 'nn': A stored [M,K], B stored [K,N]
//   1 'tn': A stored [K,M] (Aᵀ·B),  B stored [K,N]
//   2 'nt': A stored [M,K],          B stored [N,K] (A·Bᵀ)
//
// Structure (GotoBLAS/BLIS style):
//   for jc over N in NC blocks
//     for pc over K in KC blocks:   pack op(B)[pc:+kc, jc:+nc] into 8-wide strips
//       for ic over M in MC blocks: ('tn', N ≥ 128) pack op(A) into 4-row strips
//         for each 8-wide B strip, for each 4 rows of A: 4×8 micro-kernel
// Packing absorbs the layout: transposes are never materialised, only
// kc×nc / mc×kc tiles are copied (O(K·N + M·K) work vs O(M·K·N) flops);
// 'nt' transposes B tiles 4×4 in registers. Otherwise A is read in place
// through 4 row pointers and a per-p step. Edges are zero-padded in packed
// B / aliased to row 0 in A, so the kernels always compute full register
// blocks; edge tiles go through a scratch tile (4×4 kernel if ≤ 4 columns).
// Why 4×8: V8 gives wasm 15 xmm registers and hoists all loads of an
// iteration; 8 accumulators + 2 B + 4 A fit, while 6×8 or a 2× unrolled
// 4×8 spill and ran 25-30% slower. No FMA: relaxed-simd is off by default
// in Node 20 / older browsers, so each step is f32x4.mul + f32x4.add.

// The convolution helpers live in conv.ts and convBlock.ts and share this module's memory.
export { im2col, col2im } from './conv';
export { convBlock } from './convBlock';

/** Rows of C per micro-tile. */
const MR: i32 = 4;
/** Columns of C per micro-tile (two f32x4 vectors). */
const NR: i32 = 8;
/** K block: one packed B strip (KC·NR·4 = 8 KiB) stays in L1. */
const KC: i32 = 256;
/** M block (multiple of MR): packed Aᵀ block MC·KC·4 = 128 KiB sits in L2. */
const MC: i32 = 128;
/** N block (multiple of NR): packed B block KC·NC·4 = 1 MiB. */
const NC: i32 = 1024;

/** 'tn' packs Aᵀ only when N ≥ this (measured crossover ~64-128). */
const PACK_AT_MIN_N: i32 = 128;

const PACK_A_BYTES: i32 = MC * KC * 4;
const PACK_B_BYTES: i32 = KC * NC * 4;
const TILE_BYTES: i32 = MR * NR * 4;

/** Bytes of scratch space `matmul` needs at its `scratch` pointer. */
export function scratchBytes(): i32 {
  return PACK_A_BYTES + PACK_B_BYTES + TILE_BYTES;
}

/** First free byte after static data (callers place buffers from here). */
export function heapBase(): usize {
  return __heap_base;
}

/**
 * The block C[i0:i1, j0:j1] of C = op(A)·op(B) (the whole product for 0, m, 0, n). Pointers are
 * byte offsets (4-byte aligned); `scratch` must hold `scratchBytes()` bytes not overlapping A, B,
 * C or another thread's scratch. Threads computing disjoint blocks of one C at once (each with its
 * own scratch) give the same bits as one call: every element is summed over p in the same order
 * whatever block it lies in.
 */
export function matmul(layout: i32, a: usize, b: usize, c: usize,
                       m: i32, k: i32, n: i32, scratch: usize,
                       i0: i32, i1: i32, j0: i32, j1: i32, bias: usize, relu: i32): void {
  if (i1 <= i0 || j1 <= j0) return;
  if (k <= 0) {
    for (let i = i0; i < i1; i++) memory.fill(c + ((<usize>i * <usize>n + <usize>j0) << 2), 0, <usize>(j1 - j0) << 2);
  } else {
    product(layout, a, b, c, m, k, n, scratch, i0, i1, j0, j1);
  }
  if (bias != 0 || relu != 0) epilogue(c, n, i0, i1, j0, j1, bias, relu);
}

/**
 * The epilogue of a dense layer on the block C[i0:i1, j0:j1], while it is in cache: C[i, j] +=
 * bias[j] (float32 adds, unless `bias` is 0), then relu (unless `relu` is 0) as a mask: C[i, j]
 * is kept where it is > 0 and becomes +0 elsewhere (NaN included), the bits src/kernels/relu.ts
 * gives.
 */
function epilogue(c: usize, n: i32, i0: i32, i1: i32, j0: i32, j1: i32, bias: usize, relu: i32): void {
  const zero = f32x4.splat(0);
  for (let i = i0; i < i1; i++) {
    const row = c + (<usize>i * <usize>n << 2);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      let v = v128.load(row + o);
      if (bias != 0) v = f32x4.add(v, v128.load(bias + o));
      if (relu != 0) v = v128.and(v, f32x4.gt(v, zero));
      v128.store(row + o, v);
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(row + o);
      if (bias != 0) v += load<f32>(bias + o);
      if (relu != 0 && !(v > 0)) v = 0;
      store<f32>(row + o, v);
    }
  }
}

/** The product part of {@link matmul} for k > 0. */
function product(layout: i32, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, scratch: usize,
                 i0: i32, i1: i32, j0: i32, j1: i32): void {
  const packA = scratch;
  const packB = scratch + <usize>PACK_A_BYTES;
  const tile = packB + <usize>PACK_B_BYTES;
  const ldc = <usize>n << 2;
  // A is read in place (4 row pointers + a step), except that Aᵀ is packed
  // when N is wide enough to amortise it: in place, each p of Aᵀ would touch
  // a new cache line M floats away.
  const packed = layout == 1 && n >= PACK_AT_MIN_N;
  const aRs: usize = layout == 1 ? 4 : <usize>k << 2;      // bytes between rows i, i+1
  const aStep: usize = layout == 1 ? <usize>m << 2 : 4;    // bytes between p, p+1

  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const accumulate = pc > 0;
      packBBlock(layout, b, k, n, pc, kc, jc, nc, packB);
      for (let ic = i0; ic < i1; ic += MC) {
        const mc = min(MC, i1 - ic);
        if (packed) packABlock(a, m, ic, mc, pc, kc, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packB + (<usize>jr * <usize>kc << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = c + ((<usize>(ic + ir) * <usize>n + <usize>(jc + jr)) << 2);
            // A rows: packed strip, or in place with rows past the M edge
            // aliasing row 0 (their results are discarded by storeEdge).
            let a0 = packA + (<usize>ir * <usize>kc << 2), rs: usize = 4, step: usize = 16;
            if (!packed) { a0 = a + <usize>(ic + ir) * aRs + <usize>pc * aStep; rs = aRs; step = aStep; }
            const a1 = mr > 1 ? a0 + rs : a0, a2 = mr > 2 ? a0 + 2 * rs : a0;
            const a3 = mr > 3 ? a0 + 3 * rs : a0;
            // Full tiles go straight to C; edge tiles via the scratch tile.
            const full = mr == MR && nr == NR;
            const dst = full ? cp : tile, ld = full ? ldc : <usize>NR << 2;
            if (nr > 4) kernel4x8(kc, a0, a1, a2, a3, step, pb, dst, ld, full && accumulate);
            else kernel4x4(kc, a0, a1, a2, a3, step, pb, dst, ld);
            if (!full) storeEdge(tile, cp, ldc, mr, nr, accumulate);
          }
        }
      }
    }
  }
}

/** Copy the valid mr×nr corner of a scratch tile into C (adding if asked). */
function storeEdge(tile: usize, cp: usize, ldc: usize, mr: i32, nr: i32, add: bool): void {
  for (let r = 0; r < mr; r++) {
    const src = tile + (<usize>(r * NR) << 2);
    const dst = cp + <usize>r * ldc;
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      let v = load<f32>(src + o);
      if (add) v += load<f32>(dst + o);
      store<f32>(dst + o, v);
    }
  }
}

/**
 * Pack Aᵀ[ic:+mc, pc:+kc] (A stored [K,M]) into ceil(mc/MR) strips holding,
 * for each p, op(A)(i..i+3, p) — already contiguous in A, so one vector copy
 * per p — zero-padded past the M edge.
 */
function packABlock(a: usize, m: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const strip = <usize>(MR * kc) << 2, rs = <usize>m << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    let s = a + ((<usize>pc * <usize>m + <usize>(ic + ir)) << 2);
    const end = dst + strip;
    if (mr == MR) {
      for (let d = dst; d < end; d += 16) { v128.store(d, v128.load(s)); s += rs; }
    } else {
      for (let d = dst; d < end; d += 16) {
        v128.store(d, f32x4.splat(0));
        for (let r = 0; r < mr; r++) store<f32>(d + (<usize>r << 2), load<f32>(s + (<usize>r << 2)));
        s += rs;
      }
    }
    dst = end;
  }
}

/**
 * Pack op(B)[pc:+kc, jc:+nc] into ceil(nc/NR) strips holding, for each p,
 * the NR values op(B)(p, j..j+7) contiguously (zero-padded past the N edge).
 * 'nt' (B stored [N,K]) transposes rows; otherwise rows are copied.
 */
function packBBlock(layout: i32, b: usize, k: i32, n: i32, pc: i32, kc: i32,
                    jc: i32, nc: i32, dst: usize): void {
  const strip = <usize>(NR * kc) << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    if (layout == 2) {
      packRowsT(b + ((<usize>(jc + jr) * <usize>k + <usize>pc) << 2), <usize>k << 2, nr, NR, kc, dst);
    } else {
      const rs = <usize>n << 2;
      let s = b + ((<usize>pc * <usize>n + <usize>(jc + jr)) << 2);
      const end = dst + strip;
      if (nr == NR) {
        for (let d = dst; d < end; d += 32) {
          v128.store(d, v128.load(s), 0);
          v128.store(d, v128.load(s, 16), 16);
          s += rs;
        }
      } else {
        memory.fill(dst, 0, strip);
        for (let d = dst; d < end; d += 32) {
          for (let j = 0; j < nr; j++) store<f32>(d + (<usize>j << 2), load<f32>(s + (<usize>j << 2)));
          s += rs;
        }
      }
    }
    dst += strip;
  }
}

/**
 * Transposing pack: `rows` (≤ width) rows of kc floats, `ld` bytes apart,
 * become kc groups of `width` floats (missing rows zero). Full groups of 4
 * rows × 4 columns go through an f32x4 4×4 transpose.
 */
function packRowsT(src: usize, ld: usize, rows: i32, width: i32, kc: i32, dst: usize): void {
  const step = <usize>width << 2;
  if (rows < width) memory.fill(dst, 0, step * <usize>kc);
  let g = 0;
  for (; g + 4 <= rows; g += 4) {
    const s0 = src + <usize>g * ld, s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
    let d = dst + (<usize>g << 2);
    let o: usize = 0;
    const end4 = <usize>(kc & ~3) << 2;
    for (; o < end4; o += 16) {
      const v0 = v128.load(s0 + o), v1 = v128.load(s1 + o);
      const v2 = v128.load(s2 + o), v3 = v128.load(s3 + o);
      const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5), t1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(v2, v3, 0, 4, 1, 5), t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
      v128.store(d, i32x4.shuffle(t0, t2, 0, 1, 4, 5)); d += step;
      v128.store(d, i32x4.shuffle(t0, t2, 2, 3, 6, 7)); d += step;
      v128.store(d, i32x4.shuffle(t1, t3, 0, 1, 4, 5)); d += step;
      v128.store(d, i32x4.shuffle(t1, t3, 2, 3, 6, 7)); d += step;
    }
    const endAll = <usize>kc << 2;
    for (; o < endAll; o += 4) {
      store<f32>(d, load<f32>(s0 + o)); store<f32>(d, load<f32>(s1 + o), 4);
      store<f32>(d, load<f32>(s2 + o), 8); store<f32>(d, load<f32>(s3 + o), 12);
      d += step;
    }
  }
  for (; g < rows; g++) {
    const s = src + <usize>g * ld;
    let d = dst + (<usize>g << 2);
    for (let p = 0; p < kc; p++) { store<f32>(d, load<f32>(s + (<usize>p << 2))); d += step; }
  }
}

/**
 * 4×8 register-blocked micro-kernel, 8 f32x4 accumulators:
 *   C[r, 0:8] (+)= Σ_p A_r[p] · Bstrip[p, 0:8]   for r = 0..3
 * A row r is read at a_r, a_r + aStep, ... (in place, or a packed Aᵀ strip);
 * Bstrip holds 8 floats per p. C rows are ldc bytes apart. Inlined into
 * matmul's loop: measured ~15% faster than a call per tile.
 */
@inline
function kernel4x8(kc: i32, a0: usize, a1: usize, a2: usize, a3: usize, aStep: usize,
                    pb: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep; pb += 32;
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c, 0)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc, 0)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc, 0)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc, 0)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00, 0); v128.store(c, c01, 16); c += ldc;
  v128.store(c, c10, 0); v128.store(c, c11, 16); c += ldc;
  v128.store(c, c20, 0); v128.store(c, c21, 16); c += ldc;
  v128.store(c, c30, 0); v128.store(c, c31, 16);
}

/** 4×4 variant of kernel4x8 for N edges of ≤ 4 columns (uses half the B strip). */
@inline
function kernel4x4(kc: i32, a0: usize, a1: usize, a2: usize, a3: usize, aStep: usize,
                   pb: usize, c: usize, ldc: usize): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  const end = pb + (<usize>kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb);
    c0 = f32x4.add(c0, f32x4.mul(v128.load32_splat(a0), b0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load32_splat(a1), b0));
    c2 = f32x4.add(c2, f32x4.mul(v128.load32_splat(a2), b0));
    c3 = f32x4.add(c3, f32x4.mul(v128.load32_splat(a3), b0));
    a0 += aStep; a1 += aStep; a2 += aStep; a3 += aStep; pb += 32;
  }
  v128.store(c, c0); v128.store(c + ldc, c1); v128.store(c + 2 * ldc, c2); v128.store(c + 3 * ldc, c3);
}
