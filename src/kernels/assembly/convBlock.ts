// One block of a float32 NHWC convolution cut along the batch (see src/kernels/wasmConv2d.ts): the
// calling thread and the kernel's workers each take whole blocks of images, each thread building
// the column matrix in its own area. Re-exported by matmul.ts.

import { matmul } from './matmul';
import { col2im, im2col } from './conv';

/**
 * Block `i` (images i·nb … min(n, (i+1)·nb) − 1) of op 0, the forward pass y = im2col(x)·w (+ bias,
 * relu as matmul's epilogue); op 1, the filter gradient's partial im2col(x)ᵀ·dy into
 * `part` + i·K·F floats (`y` is dy); op 2, the input gradient dx = col2im(dy·wᵀ) (`y` is dy, `x`
 * is dx). Thread `t` uses the column area `colsBase` + t·`colsStride` and its own `scratch`.
 * Pointers are byte offsets of the whole batch's x and y.
 */
export function convBlock(t: i32, i: i32, scratch: usize, op: i32, nb: i32, n: i32, x: usize, colsBase: usize,
                          colsStride: usize, w: usize, y: usize, bias: usize, relu: i32, part: usize,
                          h: i32, wd: i32, c: i32, kh: i32, kw: i32, sh: i32, sw: i32, oh: i32, ow: i32,
                          padTop: i32, padLeft: i32, f: i32): void {
  const b0 = i * nb, cnt = min(nb, n - b0), rows = cnt * oh * ow, k = kh * kw * c;
  const cols = colsBase + <usize>t * colsStride;
  const xb = x + (<usize>b0 * <usize>(h * wd * c) << 2), yb = y + (<usize>b0 * <usize>(oh * ow * f) << 2);
  if (op == 2) {
    matmul(2, yb, w, cols, rows, f, k, scratch, 0, rows, 0, k, 0, 0);
    col2im(cols, xb, cnt, h, wd, c, kh, kw, sh, sw, oh, ow, padTop, padLeft);
    return;
  }
  im2col(xb, cols, cnt, h, wd, c, kh, kw, sh, sw, oh, ow, padTop, padLeft);
  if (op == 0) matmul(0, cols, w, yb, rows, k, f, scratch, 0, rows, 0, f, bias, relu);
  else matmul(1, cols, yb, part + (<usize>i * <usize>(k * f) << 2), k, rows, f, scratch, 0, k, 0, f, 0, 0);
}
