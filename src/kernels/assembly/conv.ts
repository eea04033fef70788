// AssemblyScript im2col / col2im kernels for float32 NHWC convolution,
// re-exported by matmul.ts so that they share its module and memory (the
// column matrix is built where the GEMM reads it: no copy through JS).
// Mirrors src/kernels/im2col.ts; see there for the layout. Pointers are byte
// offsets into linear memory, 4-byte aligned.

/**
 * cols[N·OH·OW, KH·KW·C] ← im2col(x[N,H,W,C]). Each (pixel, ky) is one run of up to KW·C floats (clipped at the
 * left/right padding); padded entries are written as 0.
 */
export function im2col(x: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32,
                       sh: i32, sw: i32, oh: i32, ow: i32, padTop: i32, padLeft: i32): void {
  // Zero first only if some window reaches into the padding.
  if (padTop > 0 || padLeft > 0 || (oh - 1) * sh + kh > h || (ow - 1) * sw + kw > w) {
    memory.fill(cols, 0, <usize>(n * oh * ow) * (<usize>(kh * kw * c) << 2));
  }
  walk(false, x, cols, n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft);
}

/**
 * dx[N,H,W,C] ← col2im(dcols[N·OH·OW, KH·KW·C]): zeroes dx, then adds each
 * run of dcols back where im2col read it (padded entries are dropped).
 */
export function col2im(dcols: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32,
                       sh: i32, sw: i32, oh: i32, ow: i32, padTop: i32, padLeft: i32): void {
  memory.fill(dx, 0, <usize>(n * h * w * c) << 2);
  walk(true, dx, dcols, n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft);
}

/**
 * The shared loop of im2col (add = false: copy image runs into column runs)
 * and col2im (add = true: add column runs into image runs). `img` is x or
 * dx, `cols` the column matrix.
 */
function walk(add: bool, img: usize, cols: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32,
              sh: i32, sw: i32, oh: i32, ow: i32, padTop: i32, padLeft: i32): void {
  const rowBytes = <usize>(kh * kw * c) << 2, imgRow = <usize>(w * c) << 2;
  const kyStep = <usize>(kw * c) << 2;
  let row = cols;
  for (let b = 0; b < n; b++) {
    const ib = img + <usize>b * <usize>h * imgRow;
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const ky0 = iy0 < 0 ? -iy0 : 0, ky1 = min(kh, h - iy0);
      for (let ox = 0; ox < ow; ox++, row += rowBytes) {
        const ix0 = ox * sw - padLeft;
        const kx0 = ix0 < 0 ? -ix0 : 0, kx1 = min(kw, w - ix0);
        if (kx1 <= kx0) continue;
        const len = <usize>((kx1 - kx0) * c) << 2;
        let p = ib + <usize>(iy0 + ky0) * imgRow + (<usize>((ix0 + kx0) * c) << 2);
        let q = row + (<usize>((ky0 * kw + kx0) * c) << 2);
        for (let ky = ky0; ky < ky1; ky++, p += imgRow, q += kyStep) {
          if (add) addRun(p, q, len); else copyRun(q, p, len);
        }
      }
    }
  }
}

/** d[0:len) = s[0:len) (bytes, multiple of 4). */
@inline
function copyRun(d: usize, s: usize, len: usize): void {
  let o: usize = 0;
  for (; o + 16 <= len; o += 16) v128.store(d + o, v128.load(s + o));
  for (; o < len; o += 4) store<f32>(d + o, load<f32>(s + o));
}

/** d[0:len) += s[0:len) (bytes, multiple of 4). */
@inline
function addRun(d: usize, s: usize, len: usize): void {
  let o: usize = 0;
  for (; o + 16 <= len; o += 16) v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
  for (; o < len; o += 4) store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
}
