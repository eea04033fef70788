import type { Window2d } from './convGeometry.js';
import type { FloatArray } from './matmulRef.js';
import { wasmWorkspace, type Workspace } from './wasmMatmul.js';

// Float32 conv2d entirely inside the wasm module's memory: im2col, GEMM,
// bias and col2im run where the data lives, and only x, w, dy go in and
// y, dw, dx come out. The column matrix never crosses to JS: copying 4·M·K
// bytes out and back costs more than rebuilding it (see conv2d.ts).
//
// The batch is processed in chunks of whole images whose column matrix fits
// CHUNK_BYTES, which bounds wasm memory (it never shrinks) for big layers.

/**
 * Budget for one chunk's column matrix (at least one image per chunk). About
 * L2-sized: 128 KB–1 MB ran 5–10% faster than 4–64 MB (LeNet, batch 64).
 */
const CHUNK_BYTES = 512 << 10;

const NN = 0, TN = 1, NT = 2;
const align = (x: number): number => Math.ceil(x / 64) * 64;

/** Geometry of a convolution with F filters (what the kernels below need). */
type G = Window2d & { readonly f: number };

/** Images per chunk and the byte sizes of one image's x, cols and y. */
function plan(g: G): { nb: number; xImg: number; colsImg: number; yImg: number; k: number } {
  const k = g.kh * g.kw * g.c, pix = g.oh * g.ow;
  const colsImg = 4 * pix * k;
  return { nb: Math.max(1, Math.min(g.n, Math.floor(CHUNK_BYTES / colsImg))), xImg: 4 * g.h * g.w * g.c,
           colsImg, yImg: 4 * pix * g.f, k };
}

/**
 * Lays out buffers of `sizes` bytes from the workspace base (64-aligned):
 * the workspace and one pointer per size, or null without wasm.
 */
function layout<S extends readonly number[]>(sizes: S): [Workspace, { [I in keyof S]: number }] | null {
  const offs: number[] = [];
  let end = 0;
  for (const s of sizes) { offs.push(end); end = align(end + s); }
  const ws = wasmWorkspace(end);
  return ws === null ? null : [ws, offs.map((o) => ws.base + o) as { [I in keyof S]: number }];
}

const f32 = (buf: ArrayBufferLike, ptr: number, bytes: number): Float32Array => new Float32Array(buf, ptr, bytes >> 2);

/** im2col argument tail for `nb` images: (n, h, w, c, kh, kw, sh, sw, oh, ow, padTop, padLeft). */
const geomArgs = (g: G, nb: number) =>
  [nb, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.oh, g.ow, g.padTop, g.padLeft] as const;

/** y[N,OH,OW,F] = conv2d(x, w) (+ b) on wasm; null if wasm is unavailable. */
export function conv2dForwardWasm(g: G, x: Float32Array, w: Float32Array, b?: FloatArray): Float32Array | null {
  const { nb, xImg, colsImg, yImg, k } = plan(g);
  const lay = layout([nb * xImg, nb * colsImg, 4 * k * g.f, nb * yImg, 4 * g.f] as const);
  if (lay === null) return null;
  const [ws, [px, pcols, pw, py, pb]] = lay;
  const e = ws.exports, buf = ws.memory.buffer;
  f32(buf, pw, 4 * k * g.f).set(w);
  if (b !== undefined) f32(buf, pb, 4 * g.f).set(b);
  const y = new Float32Array(g.n * (yImg >> 2));
  const xi = xImg >> 2, yi = yImg >> 2;
  for (let b0 = 0; b0 < g.n; b0 += nb) {
    const cnt = Math.min(nb, g.n - b0), rows = cnt * g.oh * g.ow;
    f32(buf, px, cnt * xImg).set(x.subarray(b0 * xi, (b0 + cnt) * xi));
    e.im2col(px, pcols, ...geomArgs(g, cnt));
    ws.gemm(NN, pcols, pw, py, rows, k, g.f, b === undefined ? 0 : pb);
    y.set(f32(buf, py, cnt * yImg), b0 * yi);
  }
  return y;
}

/**
 * dw[KH·KW·C, F] = im2col(x)ᵀ·dy on wasm, the column matrix rebuilt per chunk
 * (or copied in from `cols` if given); null if wasm is unavailable. Partial
 * products of later chunks are added in wasm (addBias with one row is a
 * vector add), so big K·F layers pay no JS pass per chunk.
 */
export function conv2dFilterGradWasm(g: G, x: Float32Array, dy: Float32Array,
                                     cols?: Float32Array): Float32Array | null {
  const { nb, xImg, colsImg, yImg, k } = plan(g);
  const kf = k * g.f;
  const lay = layout([nb * xImg, nb * colsImg, nb * yImg, 4 * kf, 4 * kf] as const);
  if (lay === null) return null;
  const [ws, [px, pcols, pdy, pdw, ppart]] = lay;
  const e = ws.exports, buf = ws.memory.buffer;
  const xi = xImg >> 2, ci = colsImg >> 2, yi = yImg >> 2;
  for (let b0 = 0; b0 < g.n; b0 += nb) {
    const cnt = Math.min(nb, g.n - b0), rows = cnt * g.oh * g.ow;
    if (cols !== undefined) {
      f32(buf, pcols, cnt * colsImg).set(cols.subarray(b0 * ci, (b0 + cnt) * ci));
    } else {
      f32(buf, px, cnt * xImg).set(x.subarray(b0 * xi, (b0 + cnt) * xi));
      e.im2col(px, pcols, ...geomArgs(g, cnt));
    }
    f32(buf, pdy, cnt * yImg).set(dy.subarray(b0 * yi, (b0 + cnt) * yi));
    ws.gemm(TN, pcols, pdy, b0 === 0 ? pdw : ppart, k, rows, g.f);
    if (b0 > 0) e.addBias(pdw, ppart, 1, kf);
  }
  return f32(buf, pdw, 4 * kf).slice();
}

/** dx[N,H,W,C] = col2im(dy·wᵀ) on wasm; null if wasm is unavailable. */
export function conv2dInputGradWasm(g: G, dy: Float32Array, w: Float32Array): Float32Array | null {
  const { nb, xImg, colsImg, yImg, k } = plan(g);
  const lay = layout([nb * yImg, 4 * k * g.f, nb * colsImg, nb * xImg] as const);
  if (lay === null) return null;
  const [ws, [pdy, pw, pcols, px]] = lay;
  const e = ws.exports, buf = ws.memory.buffer;
  f32(buf, pw, 4 * k * g.f).set(w);
  const dx = new Float32Array(g.n * (xImg >> 2));
  const xi = xImg >> 2, yi = yImg >> 2;
  for (let b0 = 0; b0 < g.n; b0 += nb) {
    const cnt = Math.min(nb, g.n - b0), rows = cnt * g.oh * g.ow;
    f32(buf, pdy, cnt * yImg).set(dy.subarray(b0 * yi, (b0 + cnt) * yi));
    ws.gemm(NT, pdy, pw, pcols, rows, g.f, k);
    e.col2im(pcols, px, ...geomArgs(g, cnt));
    dx.set(f32(buf, px, cnt * xImg), b0 * xi);
  }
  return dx;
}
