// AssemblyScript max pooling over float32 NHWC tensors, re-exported by adam.ts so that it shares
// the elementwise module (the matmul module has no room left under browsers' 4 KB limit). Mirrors
// the JS loop of src/kernels/pool2d.ts bit for bit: the same windows (clipped against the padding),
// visited in the same (ky, kx) order, with the same strict `>` (so the first maximum wins a tie, and
// a NaN wins only as the first element of its window; a signalling NaN keeps its bits here, where
// the JS loop's float64 round trip may quiet it). Four channels at a time, branch-free
// (compare, then select): the JS loop's branch mispredicts on real activations, in no order.
// Pointers are byte offsets into linear memory; `argmax` holds element indices into x (int32).

/**
 * y[N,OH,OW,C] = max over each window of x[N,H,W,C]; argmax[i] = the flat x index of y[i]'s
 * winner. Geometry as src/kernels/convGeometry.ts's Window2d; every window has a real element.
 */
export function maxPool2dF32(x: usize, y: usize, argmax: usize, n: i32, h: i32, w: i32, c: i32, kh: i32, kw: i32,
                             sh: i32, sw: i32, oh: i32, ow: i32, padTop: i32, padLeft: i32): void {
  const lanes = i32x4(0, 1, 2, 3);
  // Channels in groups of four; a last partial group is the last four channels again (recomputing
  // a channel gives the same bits), so only C < 4 needs the scalar loop.
  const groups = c >= 4 ? (c + 3) >> 2 : 0;
  let yo = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const ky0 = iy0 < 0 ? -iy0 : 0, ky1 = min(kh, h - iy0);
      for (let ox = 0; ox < ow; ox++, yo += c) {
        const ix0 = ox * sw - padLeft;
        const kx0 = ix0 < 0 ? -ix0 : 0, kx1 = min(kw, w - ix0);
        const first = ((b * h + iy0 + ky0) * w + ix0 + kx0) * c;
        for (let q = 0; q < groups; q++) {
          const ch = min(q << 2, c - 4);
          let best = v128.load(x + (<usize>(first + ch) << 2));
          let at = i32x4.add(i32x4.splat(first + ch), lanes);
          for (let ky = ky0; ky < ky1; ky++) {
            let s = ((b * h + iy0 + ky) * w + ix0 + kx0) * c + ch;
            for (let kx = kx0; kx < kx1; kx++, s += c) {
              const v = v128.load(x + (<usize>s << 2));
              const gt = f32x4.gt(v, best);
              best = v128.bitselect(v, best, gt);
              at = v128.bitselect(i32x4.add(i32x4.splat(s), lanes), at, gt);
            }
          }
          v128.store(y + (<usize>(yo + ch) << 2), best);
          v128.store(argmax + (<usize>(yo + ch) << 2), at);
        }
        for (let ch = groups << 2; ch < c; ch++) {
          let best = load<f32>(x + (<usize>(first + ch) << 2));
          let at = first + ch;
          for (let ky = ky0; ky < ky1; ky++) {
            let s = ((b * h + iy0 + ky) * w + ix0 + kx0) * c + ch;
            for (let kx = kx0; kx < kx1; kx++, s += c) {
              const v = load<f32>(x + (<usize>s << 2));
              const gt = v > best;
              best = select(v, best, gt);
              at = select(s, at, gt);
            }
          }
          store<f32>(y + (<usize>(yo + ch) << 2), best);
          store<i32>(argmax + (<usize>(yo + ch) << 2), at);
        }
      }
    }
  }
}
