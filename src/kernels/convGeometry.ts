import { ShapeError, showShape } from '../shape/ShapeError.js';

// Shared geometry of 2-D sliding-window ops (convolution, pooling) over NHWC
// tensors: output size and padding, TensorFlow conventions.

/** Spatial padding mode (TensorFlow names). */
export type Padding = 'valid' | 'same';

/** Output size and padding of one window op along H and W. */
export interface ConvGeometry {
  readonly oh: number;
  readonly ow: number;
  /** Zero rows virtually added above / columns to the left of the input. */
  readonly padTop: number;
  readonly padLeft: number;
  /** Rows below / columns to the right (the larger half when the total is odd). */
  readonly padBottom: number;
  readonly padRight: number;
}

/**
 * Full geometry of a window op on x[N,H,W,C] with a KH×KW window and strides
 * (sh, sw): what the im2col / pooling loops need. Output is [N,OH,OW,·].
 */
export interface Window2d extends ConvGeometry {
  readonly n: number;
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly kh: number;
  readonly kw: number;
  readonly sh: number;
  readonly sw: number;
  readonly padding: Padding;
}

const isPositiveInt = (x: number): boolean => Number.isInteger(x) && x >= 1 && x < 2 ** 31;

/** One axis: [out, padBefore, padAfter], or null if 'valid' leaves no output. */
function axis(size: number, k: number, s: number, padding: Padding): [number, number, number] | null {
  if (padding === 'valid') return size < k ? null : [Math.floor((size - k) / s) + 1, 0, 0];
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  const before = Math.floor(total / 2);
  return [out, before, total - before];
}

/**
 * Output size and padding of a KH×KW window with strides (sh, sw) over an
 * H×W input, TensorFlow rules:
 * - `'valid'`: OH = ⌊(H − KH)/sh⌋ + 1, no padding; throws if KH > H (or KW > W).
 * - `'same'`: OH = ⌈H/sh⌉; total padding max((OH−1)·sh + KH − H, 0), of which
 *   ⌊total/2⌋ goes on top and the rest at the bottom (same for W).
 *
 * NOTE: with 'same', every window overlaps the input in at least one element
 * (padTop ≤ (KH−1)/2 and (OH−1)·sh ≤ H−1), so pooling never sees an empty window.
 *
 * @example
 * convGeometry(28, 28, 5, 5, 1, 1, 'valid') // { oh: 24, ow: 24, padTop: 0, ... }
 * convGeometry(5, 5, 3, 3, 2, 2, 'same')    // { oh: 3, ow: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1 }
 * @category kernels
 */
export function convGeometry(h: number, w: number, kh: number, kw: number, sh: number, sw: number,
                             padding: Padding, op = 'convGeometry'): ConvGeometry {
  if (!(h >= 0 && w >= 0 && Number.isInteger(h) && Number.isInteger(w))) {
    throw new ShapeError(op, `input size must be non-negative integers, got ${h}×${w}`);
  }
  if (!(isPositiveInt(kh) && isPositiveInt(kw))) {
    throw new ShapeError(op, `kernel size must be positive integers, got ${kh}×${kw}`);
  }
  if (!(isPositiveInt(sh) && isPositiveInt(sw))) {
    throw new ShapeError(op, `strides must be positive integers, got ${sh}×${sw}`);
  }
  if (padding !== 'valid' && padding !== 'same') {
    throw new ShapeError(op, `padding must be 'valid' or 'same', got '${String(padding)}'`);
  }
  const y = axis(h, kh, sh, padding), x = axis(w, kw, sw, padding);
  if (y === null || x === null) {
    throw new ShapeError(op, `'valid' padding needs the ${kh}×${kw} window to fit in the ${h}×${w} input (use 'same' or a smaller kernel)`);
  }
  return { oh: y[0], ow: x[0], padTop: y[1], padLeft: x[1], padBottom: y[2], padRight: x[2] };
}

/** [sh, sw] from a number or a pair, defaulting to `dflt`. */
export function pair(v: number | readonly [number, number] | undefined,
                     dflt: readonly [number, number]): readonly [number, number] {
  if (v === undefined) return dflt;
  return typeof v === 'number' ? [v, v] : v;
}

/**
 * Validated {@link Window2d} for x of shape [N,H,W,C] (used by conv2d and the
 * pools). Throws a ShapeError naming `op` for a bad shape, kernel, stride or
 * padding, and for a 'valid' window larger than the input.
 */
export function window2d(op: string, xShape: readonly number[], kh: number, kw: number,
                         sh: number, sw: number, padding: Padding): Window2d {
  if (xShape.length !== 4 || !xShape.every(isPositiveInt)) {
    throw new ShapeError(op, `x has shape ${showShape(xShape)} but a rank-4 [N,H,W,C] shape of positive integers was expected`);
  }
  const [n, h, w, c] = xShape as readonly [number, number, number, number];
  if (n * h * w * c >= 2 ** 31) throw new ShapeError(op, `x of shape ${showShape(xShape)} has 2³¹ or more elements`);
  const g = convGeometry(h, w, kh, kw, sh, sw, padding, op);
  return { n, h, w, c, kh, kw, sh, sw, padding, ...g };
}

/** A new zeroed array of `like`'s type. */
export function allocLike<T extends Float32Array | Float64Array>(like: T, len: number): T {
  return new (like.constructor as new (len: number) => T)(len);
}
