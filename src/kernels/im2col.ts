import type { FloatArray } from './matmulRef.js';
import { allocLike, type Window2d } from './convGeometry.js';

// im2col and its adjoint col2im for NHWC inputs, in JS: the float64 path and
// the float32 fallback without wasm (wasm has its own copy, assembly/conv.ts).
//
// Row r = (b, oy, ox) of the column matrix holds the window of output pixel
// (oy, ox) in the order (ky, kx, c) — the row order of w[KH,KW,C,F] reshaped
// to [KH·KW·C, F]. In NHWC, the kx·C values of one window row are contiguous
// in x, so each (pixel, ky) is ONE run copy of up to KW·C floats, clipped
// against the left/right padding; rows in the top/bottom padding are skipped.
// Padded entries stay 0 because the output is freshly allocated.

/**
 * Runs at least this long are copied with subarray/set, shorter ones by an
 * unrolled loop (a view costs an allocation; measured crossover in V8: set is
 * 2.7× slower at 16 floats, 1.25× faster at 64, 2.8× faster at 256).
 */
const SET_MIN = 64;

/**
 * im2col: cols[N·OH·OW, KH·KW·C] from x[N,H,W,C] (NHWC, row-major), zero for
 * padded positions. Returns a new array of x's type.
 *
 * @example
 * const g = conv2dGeometry([1, 3, 3, 1], [2, 2, 1, 1]);
 * im2col(g, x) // [4, 4]: one row per output pixel, one column per (ky, kx, c)
 * @category kernels
 */
export function im2col<T extends FloatArray>(g: Window2d, x: T): T {
  const { n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft } = g;
  const kcols = kh * kw * c, wc = w * c, hwc = h * wc;
  const cols = allocLike(x, n * oh * ow * kcols);
  let dst = 0; // start of the current row of cols
  for (let b = 0; b < n; b++) {
    const xb = b * hwc;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const ky0 = iy0 < 0 ? -iy0 : 0, ky1 = Math.min(kh, h - iy0);
      for (let ox = 0; ox < ow; ox++, dst += kcols) {
        const ix0 = ox * sw - padLeft;
        const kx0 = ix0 < 0 ? -ix0 : 0, kx1 = Math.min(kw, w - ix0);
        const len = (kx1 - kx0) * c;
        if (len <= 0) continue;
        let s = xb + (iy0 + ky0) * wc + (ix0 + kx0) * c;
        let d = dst + (ky0 * kw + kx0) * c;
        const dStep = kw * c;
        if (len >= SET_MIN) {
          for (let ky = ky0; ky < ky1; ky++, s += wc, d += dStep) cols.set(x.subarray(s, s + len), d);
        } else {
          // NOTE: unrolled by 4 — runs are short (KW·C, e.g. 5 for C = 1), and
          // this halved the time of LeNet's conv2 im2col in V8.
          const len4 = len & ~3;
          for (let ky = ky0; ky < ky1; ky++, s += wc, d += dStep) {
            let t = 0;
            for (; t < len4; t += 4) {
              cols[d + t] = x[s + t]!; cols[d + t + 1] = x[s + t + 1]!;
              cols[d + t + 2] = x[s + t + 2]!; cols[d + t + 3] = x[s + t + 3]!;
            }
            for (; t < len; t++) cols[d + t] = x[s + t]!;
          }
        }
      }
    }
  }
  return cols;
}

/**
 * col2im, the adjoint of {@link im2col}: dx[N,H,W,C] = Σ over the rows of
 * dcols[N·OH·OW, KH·KW·C] scattered back to the input positions they were
 * read from (overlapping windows add; padded positions are dropped).
 * Returns a new array of dcols' type.
 *
 * NOTE: this is im2col in reverse — same loops, `+=` instead of a copy.
 * @category kernels
 */
export function col2im<T extends FloatArray>(g: Window2d, dcols: T): T {
  const { n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft } = g;
  const kcols = kh * kw * c, wc = w * c, hwc = h * wc;
  const dx = allocLike(dcols, n * hwc);
  let src = 0;
  for (let b = 0; b < n; b++) {
    const xb = b * hwc;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const ky0 = iy0 < 0 ? -iy0 : 0, ky1 = Math.min(kh, h - iy0);
      for (let ox = 0; ox < ow; ox++, src += kcols) {
        const ix0 = ox * sw - padLeft;
        const kx0 = ix0 < 0 ? -ix0 : 0, kx1 = Math.min(kw, w - ix0);
        const len = (kx1 - kx0) * c;
        if (len <= 0) continue;
        let d = xb + (iy0 + ky0) * wc + (ix0 + kx0) * c;
        let s = src + (ky0 * kw + kx0) * c;
        const sStep = kw * c;
        const len4 = len & ~3;
        for (let ky = ky0; ky < ky1; ky++, d += wc, s += sStep) {
          let t = 0;
          for (; t < len4; t += 4) {
            dx[d + t] = dx[d + t]! + dcols[s + t]!; dx[d + t + 1] = dx[d + t + 1]! + dcols[s + t + 1]!;
            dx[d + t + 2] = dx[d + t + 2]! + dcols[s + t + 2]!; dx[d + t + 3] = dx[d + t + 3]! + dcols[s + t + 3]!;
          }
          for (; t < len; t++) dx[d + t] = dx[d + t]! + dcols[s + t]!;
        }
      }
    }
  }
  return dx;
}
