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
//     for pc over K in KC blocks:   pack B[pc:+kc, jc:+nc] into NR-wide strips
//       for ic over M in MC blocks: pack A[ic:+mc, pc:+kc] into MR-tall strips
//         for each NR strip of B, for each MR strip of A: 6×8 micro-kernel
// Packing absorbs the layout (transposes are never materialised: only
// kc×nc / mc×kc tiles are copied) and zero-pads the edges, so the
// micro-kernel is always a full MR×NR f32x4 register block; partial edge
// tiles go through a small scratch tile.

/** Rows of C per micro-tile (packed-A strip height). */
const MR: i32 = 4;
/** Columns of C per micro-tile (two f32x4 vectors). */
const NR: i32 = 8;
/** K block: one packed B strip (KC·NR·4 = 8 KiB) stays in L1. */
const KC: i32 = 256;
/** M block (multiple of MR): packed A block MC·KC·4 = 144 KiB sits in L2. */
const MC: i32 = 128;
/** N block (multiple of NR): packed B block KC·NC·4 = 1 MiB. */
const NC: i32 = 1024;

const PACK_A_BYTES: i32 = MC * KC * 16;
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
 * C = op(A)·op(B). Pointers are byte offsets (4-byte aligned); `scratch`
 * must hold `scratchBytes()` bytes not overlapping A, B or C.
 */
export function matmul(layout: i32, a: usize, b: usize, c: usize,
                       m: i32, k: i32, n: i32, scratch: usize): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) { memory.fill(c, 0, <usize>m * <usize>n * 4); return; }
  // Element strides of op(A)(i,p) and op(B)(p,j) in the stored arrays.
  let aRow = k, aCol = 1;            // A stored [M,K]
  if (layout == 1) { aRow = 1; aCol = m; } // A stored [K,M]
  let bRow = n, bCol = 1;            // B stored [K,N]
  if (layout == 2) { bRow = 1; bCol = k; } // B stored [N,K]
  const packA = scratch;
  const packB = scratch + <usize>PACK_A_BYTES;
  const tile = packB + <usize>PACK_B_BYTES;
  const ldc = <usize>n << 2;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const accumulate = pc > 0;
      packBBlock(b, bRow, bCol, pc, kc, jc, nc, packB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packABlock(a, aRow, aCol, ic, mc, pc, kc, packA);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packB + (<usize>jr * <usize>kc << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = packA + (<usize>ir * <usize>kc << 4);
            const cp = c + ((<usize>(ic + ir) * <usize>n + <usize>(jc + jr)) << 2);
            if (mr == MR && nr == NR) {
              kernel4x8(kc, pa, pb, cp, ldc, accumulate);
            } else {
              kernel4x8(kc, pa, pb, tile, <usize>NR << 2, false);
              storeEdge(tile, cp, ldc, mr, nr, accumulate);
            }
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
 * Pack op(A)[ic:+mc, pc:+kc] as ceil(mc/MR) strips; strip s holds, for each
 * p, the MR values op(A)(ic+s·MR+r, pc+p) contiguously (zero-padded rows).
 */
function packABlock(a: usize, aRow: i32, aCol: i32, ic: i32, mc: i32,
                    pc: i32, kc: i32, dst: usize): void {
  const rs = <usize>aRow << 2, cs = <usize>aCol << 2;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const base = a + ((<usize>(ic + ir) * <usize>aRow + <usize>pc * <usize>aCol) << 2);
    if (mr < MR) memory.fill(dst, 0, <usize>(MR * kc) << 4);
    for (let r = 0; r < mr; r++) {
      let s = base + <usize>r * rs;
      let d = dst + (<usize>r << 4);
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load32_splat(s));
        s += cs; d += <usize>MR << 4;
      }
    }
    dst += <usize>(MR * kc) << 4;
  }
}

/**
 * Pack op(B)[pc:+kc, jc:+nc] as ceil(nc/NR) strips; strip s holds, for each
 * p, the NR values op(B)(pc+p, jc+s·NR+j) contiguously (zero-padded cols).
 */
function packBBlock(b: usize, bRow: i32, bCol: i32, pc: i32, kc: i32,
                    jc: i32, nc: i32, dst: usize): void {
  const rs = <usize>bRow << 2, cs = <usize>bCol << 2;
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    const base = b + ((<usize>pc * <usize>bRow + <usize>(jc + jr) * <usize>bCol) << 2);
    if (nr == NR && bCol == 1) {
      // Rows of the strip are contiguous: two vector copies per p.
      let s = base, d = dst;
      for (let p = 0; p < kc; p++) {
        v128.store(d, v128.load(s), 0);
        v128.store(d, v128.load(s, 16), 16);
        s += rs; d += <usize>NR << 2;
      }
    } else {
      if (nr < NR) memory.fill(dst, 0, <usize>(NR * kc) << 2);
      // Column-by-column: reads are contiguous when B is stored [N,K].
      for (let j = 0; j < nr; j++) {
        let s = base + <usize>j * cs;
        let d = dst + (<usize>j << 2);
        for (let p = 0; p < kc; p++) {
          store<f32>(d, load<f32>(s));
          s += rs; d += <usize>NR << 2;
        }
      }
    }
    dst += <usize>(NR * kc) << 2;
  }
}

/**
 * 6×8 register-blocked micro-kernel: C[6,8] (+)= Apanel[kc,6]ᵀ-ish · Bstrip[kc,8]
 * where pa holds 6 floats per p and pb 8 floats per p. 12 f32x4 accumulators.
 */
function kernel6x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa, 0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 4);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 8);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 12);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 16);
    c40 = f32x4.add(c40, f32x4.mul(a, b0)); c41 = f32x4.add(c41, f32x4.mul(a, b1));
    a = v128.load32_splat(pa, 20);
    c50 = f32x4.add(c50, f32x4.mul(a, b0)); c51 = f32x4.add(c51, f32x4.mul(a, b1));
    pa += 24; pb += 32;
  }
  if (add) {
    c00 = f32x4.add(c00, v128.load(c, 0)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ldc, 0)); c11 = f32x4.add(c11, v128.load(c + ldc, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ldc, 0)); c21 = f32x4.add(c21, v128.load(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ldc, 0)); c31 = f32x4.add(c31, v128.load(c + 3 * ldc, 16));
    c40 = f32x4.add(c40, v128.load(c + 4 * ldc, 0)); c41 = f32x4.add(c41, v128.load(c + 4 * ldc, 16));
    c50 = f32x4.add(c50, v128.load(c + 5 * ldc, 0)); c51 = f32x4.add(c51, v128.load(c + 5 * ldc, 16));
  }
  v128.store(c, c00, 0); v128.store(c, c01, 16); c += ldc;
  v128.store(c, c10, 0); v128.store(c, c11, 16); c += ldc;
  v128.store(c, c20, 0); v128.store(c, c21, 16); c += ldc;
  v128.store(c, c30, 0); v128.store(c, c31, 16); c += ldc;
  v128.store(c, c40, 0); v128.store(c, c41, 16); c += ldc;
  v128.store(c, c50, 0); v128.store(c, c51, 16);
}

/** 4×8 register-blocked micro-kernel (8 f32x4 accumulators). */
function kernel4x8(kc: i32, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb, 0), b1 = v128.load(pb, 16);
    let a = v128.load(pa, 0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0)); c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load(pa, 16);
    c10 = f32x4.add(c10, f32x4.mul(a, b0)); c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load(pa, 32);
    c20 = f32x4.add(c20, f32x4.mul(a, b0)); c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load(pa, 48);
    c30 = f32x4.add(c30, f32x4.mul(a, b0)); c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pa += 64; pb += 32;
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
