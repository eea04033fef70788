import { ShapeError, showShape } from '../shape/ShapeError.js';
import { allocLike, pair, window2d, type Padding, type Window2d } from './convGeometry.js';
import { col2im, im2col } from './im2col.js';
import { matmulKernel } from './matmul.js';
import type { FloatArray } from './matmulRef.js';
import { reluForward } from './relu.js';
import { conv2dFilterGradWasm, conv2dForwardWasm, conv2dInputGradWasm } from './wasmConv2d.js';

// 2-D convolution (cross-correlation, as in every DL framework) over NHWC
// tensors as an im2col GEMM:
//   forward   y[N·OH·OW, F]   = cols[N·OH·OW, K] · w[K, F] + b      ('nn')
//   backward  dw[K, F]        = colsᵀ · dy                          ('tn')
//             db[F]           = Σ_rows dy
//             dx[N,H,W,C]     = col2im(dy · wᵀ)                     ('nt')
// with K = KH·KW·C and w stored [KH,KW,C,F].
//
// Two paths, same results:
// - float32 (x, w, dy all Float32Array) with WebAssembly SIMD: everything runs
//   in wasm memory (wasmConv2d.ts); the column matrix is rebuilt in the
//   backward instead of kept (cols: null), which is cheaper than copying it
//   out to JS and back in.
// - otherwise (float64, or no wasm): im2col/col2im in JS (im2col.ts) and the
//   GEMMs through matmul.ts's dispatch; the forward's cols are kept for dw.

/** {@link Window2d} of a convolution plus its number of filters F. */
export interface Conv2dGeometry extends Window2d {
  readonly f: number;
}

/**
 * Validated geometry of conv2d(x[N,H,W,C], w[KH,KW,C,F]) with strides
 * `stride` (a number or [sh, sw], default 1) and `padding` (default 'valid').
 * Compute it once per layer and batch size; the kernels below take it first.
 * Output y is [N, OH, OW, F] (see {@link convGeometry} for OH, OW, padding).
 * Throws a ShapeError for mismatched channels, non-positive sizes, or a
 * 'valid' kernel larger than the input.
 *
 * @example
 * conv2dGeometry([64, 28, 28, 1], [5, 5, 1, 6]) // { oh: 24, ow: 24, f: 6, ... }
 * @category kernels
 */
export function conv2dGeometry(xShape: readonly number[], wShape: readonly number[],
                               stride?: number | readonly [number, number],
                               padding: Padding = 'valid'): Conv2dGeometry {
  const op = 'conv2d';
  if (wShape.length !== 4 || !wShape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ShapeError(op, `w has shape ${showShape(wShape)} but a rank-4 [KH,KW,C,F] shape of positive integers was expected`);
  }
  const [kh, kw, wc, f] = wShape as readonly [number, number, number, number];
  if (xShape.length === 4 && xShape[3] !== wc) {
    throw new ShapeError(op, `x has shape ${showShape(xShape)} but w has shape ${showShape(wShape)} (channels ${xShape[3]} and ${wc} differ)`);
  }
  const [sh, sw] = pair(stride, [1, 1]);
  return { ...window2d(op, xShape, kh, kw, sh, sw, padding), f };
}

/** What conv2d's forward returns: the output and what the backward needs. */
export interface Conv2dForward<T extends FloatArray> {
  /** y[N, OH, OW, F]. */
  readonly y: T;
  /**
   * im2col(x)[N·OH·OW, KH·KW·C] when the forward built it in JS (float64, or
   * no wasm), to pass back to {@link conv2dBackwardParams}; `null` on the
   * float32 wasm path, whose backward rebuilds it from x. For a 1×1 kernel
   * with stride 1 it is `x` itself (no copy): do not mutate it.
   */
  readonly cols: T | null;
}

const check = (what: string, a: ArrayLike<number>, want: number, shape: readonly number[]): void => {
  if (a.length !== want) {
    throw new ShapeError('conv2d', `${what} has ${a.length} elements but shape ${showShape(shape)} needs ${want}`);
  }
};

/** True when im2col is the identity (1×1 kernel, stride 1, hence no padding). */
const isPointwise = (g: Window2d): boolean => g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1;

/**
 * The im2col column matrix of x for geometry g, built in JS:
 * cols[N·OH·OW, KH·KW·C] (x itself for a 1×1, stride-1 kernel).
 * @category kernels
 */
export function conv2dCols<T extends FloatArray>(g: Conv2dGeometry, x: T): T {
  check('x', x, g.n * g.h * g.w * g.c, [g.n, g.h, g.w, g.c]);
  return isPointwise(g) ? x : im2col(g, x);
}

/**
 * Forward convolution y = conv2d(x, w) + b, NHWC:
 * x[N,H,W,C], w[KH,KW,C,F], optional bias b[F] → y[N,OH,OW,F], a new array of
 * x's type; plus `cols` for {@link conv2dBackwardParams} (see
 * {@link Conv2dForward}). With `relu`, y = max(0, conv2d(x, w) + b), the bits
 * of src/kernels/relu.ts (on wasm, applied to each block of y as it is computed).
 *
 * @example
 * const g = conv2dGeometry([1, 4, 4, 1], [3, 3, 1, 2], 1, 'same');
 * const { y, cols } = conv2dForward(g, x, w, b);  // y: [1, 4, 4, 2]
 * const { dw, db } = conv2dBackwardParams(g, x, dy, cols);
 * @category kernels
 */
export function conv2dForward<T extends FloatArray>(g: Conv2dGeometry, x: T, w: FloatArray,
                                                    b?: FloatArray, relu = false): Conv2dForward<T> {
  const k = g.kh * g.kw * g.c, f = g.f, m = g.n * g.oh * g.ow;
  check('x', x, g.n * g.h * g.w * g.c, [g.n, g.h, g.w, g.c]);
  check('w', w, k * f, [g.kh, g.kw, g.c, f]);
  if (b !== undefined) check('b', b, f, [f]);
  if (x instanceof Float32Array && w instanceof Float32Array) {
    const y = conv2dForwardWasm(g, x, w, b, relu);
    if (y !== null) return { y: y as T, cols: null };
  }
  const cols = conv2dCols(g, x);
  const y = matmulKernel(cols, w, m, k, f, 'nn');
  if (b !== undefined) {
    for (let i = 0, r = 0; r < m; r++) for (let j = 0; j < f; j++, i++) y[i] = y[i]! + b[j]!;
  }
  if (relu) reluForward(y, y); // y is fresh
  return { y, cols };
}

/**
 * Parameter gradients of conv2d for x[N,H,W,C] and dy[N,OH,OW,F]:
 * dw[KH,KW,C,F] = im2col(x)ᵀ·dy (the 'tn' GEMM, no transpose materialised)
 * and db[F] = column sums of dy (accumulated in float64). Pass the forward's
 * `cols` to reuse it on the JS path (else it is rebuilt from x); the float32
 * wasm path rebuilds the columns in wasm memory whatever is passed, which is
 * cheaper than copying them in. New arrays of x's type.
 * @category kernels
 */
export function conv2dBackwardParams<T extends FloatArray>(g: Conv2dGeometry, x: T, dy: FloatArray,
                                                           cols?: T | null): { dw: T; db: T } {
  const k = g.kh * g.kw * g.c, f = g.f, m = g.n * g.oh * g.ow;
  check('x', x, g.n * g.h * g.w * g.c, [g.n, g.h, g.w, g.c]);
  check('dy', dy, m * f, [g.n, g.oh, g.ow, f]);
  if (cols != null) check('cols', cols, m * k, [m, k]);
  let dw: T | null = null;
  if (x instanceof Float32Array && dy instanceof Float32Array) {
    dw = conv2dFilterGradWasm(g, x, dy) as T | null; // rebuilds the columns in wasm: cheaper than copying `cols` in
  }
  dw ??= matmulKernel(cols ?? conv2dCols(g, x), dy, k, m, f, 'tn');
  const db = allocLike(x, f);
  columnSums(dy, m, f, db);
  return { dw, db };
}

/**
 * out[j] = Σ_r a[r·n + j] for a row-major a[M, N], summed in float64 four
 * columns at a time in registers (4× faster than a row-wise pass through an
 * accumulator array for LeNet's dy).
 */
function columnSums(a: FloatArray, m: number, n: number, out: FloatArray): void {
  const len = m * n;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = j; i < len; i += n) { s0 += a[i]!; s1 += a[i + 1]!; s2 += a[i + 2]!; s3 += a[i + 3]!; }
    out[j] = s0; out[j + 1] = s1; out[j + 2] = s2; out[j + 3] = s3;
  }
  for (; j < n; j++) {
    let s = 0;
    for (let i = j; i < len; i += n) s += a[i]!;
    out[j] = s;
  }
}

/**
 * Input gradient of conv2d: dx[N,H,W,C] = col2im(dy · wᵀ) for dy[N,OH,OW,F]
 * and w[KH,KW,C,F] (the 'nt' GEMM, then a scatter-add that drops padded
 * positions). A new array of dy's type. Separate from
 * {@link conv2dBackwardParams} so that a first layer can skip it.
 * @category kernels
 */
export function conv2dBackwardInput<T extends FloatArray>(g: Conv2dGeometry, dy: T, w: FloatArray): T {
  const k = g.kh * g.kw * g.c, f = g.f, m = g.n * g.oh * g.ow;
  check('dy', dy, m * f, [g.n, g.oh, g.ow, f]);
  check('w', w, k * f, [g.kh, g.kw, g.c, f]);
  if (dy instanceof Float32Array && w instanceof Float32Array) {
    const dx = conv2dInputGradWasm(g, dy, w);
    if (dx !== null) return dx as T;
  }
  const dcols = matmulKernel(dy, w, m, f, k, 'nt');
  return isPointwise(g) ? dcols : col2im(g, dcols);
}
