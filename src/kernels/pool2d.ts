import { ShapeError, showShape } from '../shape/ShapeError.js';
import { allocLike, pair, window2d, type Padding, type Window2d } from './convGeometry.js';
import type { FloatArray } from './matmulRef.js';
import { maxPool2dWasm } from './wasmPool2d.js';

// Max and average pooling over NHWC tensors, per channel:
// x[N,H,W,C] → y[N,OH,OW,C]. Loops run over output pixels, then window
// positions clipped against the padding, then the C contiguous channels.

/**
 * Validated geometry of a KH×KW pool over x[N,H,W,C]. `kernel` and `stride`
 * are a number or [h, w]; the stride defaults to the kernel (non-overlapping
 * windows), padding to 'valid'. Output is [N, OH, OW, C] (see
 * {@link convGeometry}). Throws a ShapeError for bad sizes or a 'valid'
 * window larger than the input.
 *
 * @example
 * pool2dGeometry([64, 24, 24, 6], 2) // { oh: 12, ow: 12, sh: 2, sw: 2, ... }
 * @category kernels
 */
export function pool2dGeometry(xShape: readonly number[], kernel: number | readonly [number, number],
                               stride?: number | readonly [number, number],
                               padding: Padding = 'valid'): Window2d {
  const [kh, kw] = pair(kernel, [1, 1]);
  const [sh, sw] = pair(stride, [kh, kw]);
  return window2d('pool2d', xShape, kh, kw, sh, sw, padding);
}

const check = (op: string, what: string, a: ArrayLike<number>, shape: readonly number[]): void => {
  const want = shape.reduce((p, d) => p * d, 1);
  if (a.length !== want) {
    throw new ShapeError(op, `${what} has ${a.length} elements but shape ${showShape(shape)} needs ${want}`);
  }
};

// ---------------------------------------------------------------- max pool

/**
 * Max pooling forward: y[N,OH,OW,C] = max over each window (padded positions
 * never win; with 'same' every window has a real element). `argmax` holds, for
 * each y element, the flat index into x of the winner (the first maximum in
 * (ky, kx) order on ties), for {@link maxPool2dBackward}.
 *
 * NOTE: comparisons use `>`, so a NaN in x wins only if it is the first
 * element of its window; NaN inputs give unspecified (finite or NaN) maxima.
 *
 * NOTE: float32 x goes to the wasm SIMD kernel when available (src/kernels/wasmPool2d.ts), with
 * the bits of the JS loop ({@link maxPool2dLoop}), which serves float64 and runtimes without wasm.
 *
 * @example
 * const g = pool2dGeometry([1, 4, 4, 1], 2);
 * const { y, argmax } = maxPool2d(g, x); // y: [1, 2, 2, 1]
 * @category kernels
 */
export function maxPool2d<T extends FloatArray>(g: Window2d, x: T): { y: T; argmax: Int32Array } {
  check('maxPool2d', 'x', x, [g.n, g.h, g.w, g.c]);
  if (x instanceof Float32Array) {
    const r = maxPool2dWasm(g, x);
    if (r !== null) return r as { y: T; argmax: Int32Array };
  }
  return maxPool2dLoop(g, x);
}

/** {@link maxPool2d} in JS: the reference of the wasm kernel, and the path of float64 x. */
export function maxPool2dLoop<T extends FloatArray>(g: Window2d, x: T): { y: T; argmax: Int32Array } {
  const { n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft } = g;
  check('maxPool2d', 'x', x, [n, h, w, c]);
  const y = allocLike(x, n * oh * ow * c);
  const argmax = new Int32Array(y.length);
  let yo = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const ky0 = iy0 < 0 ? -iy0 : 0, ky1 = Math.min(kh, h - iy0);
      for (let ox = 0; ox < ow; ox++, yo += c) {
        const ix0 = ox * sw - padLeft;
        const kx0 = ix0 < 0 ? -ix0 : 0, kx1 = Math.min(kw, w - ix0);
        const first = ((b * h + iy0 + ky0) * w + ix0 + kx0) * c;
        for (let ch = 0; ch < c; ch++) { y[yo + ch] = x[first + ch]!; argmax[yo + ch] = first + ch; }
        for (let ky = ky0; ky < ky1; ky++) {
          let s = ((b * h + iy0 + ky) * w + ix0 + kx0) * c;
          for (let kx = kx0; kx < kx1; kx++, s += c) {
            for (let ch = 0; ch < c; ch++) {
              const v = x[s + ch]!;
              if (v > y[yo + ch]!) { y[yo + ch] = v; argmax[yo + ch] = s + ch; }
            }
          }
        }
      }
    }
  }
  return { y, argmax };
}

/**
 * Max pooling backward: dx[N,H,W,C] with dx[argmax[i]] += dy[i] (overlapping
 * windows add), zero elsewhere. A new array of dy's type.
 *
 * NOTE: this is the forward's gather in reverse — a scatter-add along argmax.
 * @category kernels
 */
export function maxPool2dBackward<T extends FloatArray>(g: Window2d, dy: T, argmax: Int32Array): T {
  check('maxPool2dBackward', 'dy', dy, [g.n, g.oh, g.ow, g.c]);
  check('maxPool2dBackward', 'argmax', argmax, [g.n, g.oh, g.ow, g.c]);
  const dx = allocLike(dy, g.n * g.h * g.w * g.c);
  for (let i = 0; i < dy.length; i++) {
    const j = argmax[i]!;
    dx[j] = dx[j]! + dy[i]!;
  }
  return dx;
}

// ---------------------------------------------------------------- average pool

/**
 * Average pooling forward: y[N,OH,OW,C] = mean over each window. With 'same'
 * padding the divisor is the number of real (non-padded) elements in the
 * window, as in TensorFlow (`count_include_pad=False` in PyTorch terms), so a
 * corner window of a 3×3 'same' pool averages 4 values, not 9. Sums are
 * accumulated in float64.
 *
 * @example
 * const g = pool2dGeometry([1, 4, 4, 1], 2);
 * avgPool2d(g, x) // [1, 2, 2, 1]
 * @category kernels
 */
export function avgPool2d<T extends FloatArray>(g: Window2d, x: T): T {
  const { n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft } = g;
  check('avgPool2d', 'x', x, [n, h, w, c]);
  const y = allocLike(x, n * oh * ow * c);
  const acc = new Float64Array(c);
  let yo = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const ky0 = iy0 < 0 ? -iy0 : 0, ky1 = Math.min(kh, h - iy0);
      for (let ox = 0; ox < ow; ox++, yo += c) {
        const ix0 = ox * sw - padLeft;
        const kx0 = ix0 < 0 ? -ix0 : 0, kx1 = Math.min(kw, w - ix0);
        acc.fill(0);
        for (let ky = ky0; ky < ky1; ky++) {
          let s = ((b * h + iy0 + ky) * w + ix0 + kx0) * c;
          for (let kx = kx0; kx < kx1; kx++, s += c) {
            for (let ch = 0; ch < c; ch++) acc[ch] = acc[ch]! + x[s + ch]!;
          }
        }
        const inv = 1 / ((ky1 - ky0) * (kx1 - kx0));
        for (let ch = 0; ch < c; ch++) y[yo + ch] = acc[ch]! * inv;
      }
    }
  }
  return y;
}

/**
 * Average pooling backward: each dy element, divided by its window's count of
 * real elements (see {@link avgPool2d}), is added to every real input
 * position of its window. dy[N,OH,OW,C] → dx[N,H,W,C], a new array of dy's type.
 *
 * NOTE: this is avgPool2d's window sum in reverse (a broadcast-add).
 * @category kernels
 */
export function avgPool2dBackward<T extends FloatArray>(g: Window2d, dy: T): T {
  const { n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft } = g;
  check('avgPool2dBackward', 'dy', dy, [n, oh, ow, c]);
  const dx = allocLike(dy, n * h * w * c);
  let yo = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - padTop;
      const ky0 = iy0 < 0 ? -iy0 : 0, ky1 = Math.min(kh, h - iy0);
      for (let ox = 0; ox < ow; ox++, yo += c) {
        const ix0 = ox * sw - padLeft;
        const kx0 = ix0 < 0 ? -ix0 : 0, kx1 = Math.min(kw, w - ix0);
        const inv = 1 / ((ky1 - ky0) * (kx1 - kx0));
        for (let ky = ky0; ky < ky1; ky++) {
          let s = ((b * h + iy0 + ky) * w + ix0 + kx0) * c;
          for (let kx = kx0; kx < kx1; kx++, s += c) {
            for (let ch = 0; ch < c; ch++) dx[s + ch] = dx[s + ch]! + dy[yo + ch]! * inv;
          }
        }
      }
    }
  }
  return dx;
}
