import type { Window2d } from './convGeometry.js';
import type { FloatArray } from './matmulRef.js';
import { MAX_BLOCKS } from './kernelThreads.js';
import { wasmWorkspace, type Workspace } from './wasmMatmul.js';

// Float32 conv2d entirely inside the wasm module's memory: im2col, GEMM,
// bias and col2im run where the data lives, and only x, w, dy go in and
// y, dw, dx come out. The column matrix never crosses to JS: copying 4·M·K
// bytes out and back costs more than rebuilding it (see conv2d.ts).
//
// The batch is cut into blocks of whole images whose column matrix fits
// `blockBytes`; a block is im2col and a GEMM, or a GEMM and col2im. When a
// wave (below) has two blocks or more, the calling thread and the kernel's
// workers take blocks in turn, each a call of the module's `convBlock` that
// builds its column matrix in its thread's own area (as many areas as fit
// COLS_BUDGET). Otherwise the blocks run one after the other on this thread,
// each GEMM split across the threads if it is large (a big image, a batch of
// one). Blocks are processed in waves of at most `waveBytes` of images, which
// bounds wasm memory (it never shrinks) for big batches.
//
// NOTE: the bits do not depend on the thread count. A y or dx element is
// computed inside one block, by the same code on any thread; the filter
// gradient is a sum over blocks, each block's partial written to its own slot
// and the partials added in block order on the calling thread. The cut into
// blocks depends only on the layer's geometry.

/**
 * `blockBytes`: the budget for one block's column matrix (at least one image per block). About
 * L2-sized: 128 KB–1 MB ran 5–10% faster than 4–64 MB (LeNet, batch 64), and a quarter-MB block
 * gives LeNet's layers 11–16 blocks at batch 64 to share between threads. `waveBytes`: the budget
 * for one wave's images (x and y, and the filter-gradient partials).
 */
const DEFAULT_BUDGETS = { blockBytes: 256 << 10, waveBytes: 16 << 20 };
let budgets = DEFAULT_BUDGETS;

/** Sets the block and wave budgets (no argument: the defaults). For tests of small shapes. */
export function setConvBudgets(b: Partial<typeof DEFAULT_BUDGETS> = {}): void {
  budgets = { ...DEFAULT_BUDGETS, ...b };
}

/** Budget for the per-thread column areas together (one area at least). */
const COLS_BUDGET = 64 << 20;

/** `convBlock`'s ops. */
const FORWARD = 0, FILTER_GRAD = 1, INPUT_GRAD = 2;
const NN = 0, TN = 1, NT = 2;

const align = (x: number): number => Math.ceil(x / 64) * 64;

/** Geometry of a convolution with F filters (what the kernels below need). */
type G = Window2d & { readonly f: number };

/** Where a wave's buffers are in wasm memory (0 for those an op does not use), and the fused relu. */
interface Ptrs { x: number; cols: number; w: number; y: number; bias: number; relu: boolean; part: number }

/** Images per block, blocks per wave (at most what one job can count), and the byte sizes of one image's x, cols and y. */
function plan(g: G, extraPerBlock: number): { nb: number; waveBlocks: number; xImg: number; colsImg: number; yImg: number; k: number } {
  const k = g.kh * g.kw * g.c, pix = g.oh * g.ow;
  const xImg = 4 * g.h * g.w * g.c, colsImg = 4 * pix * k, yImg = 4 * pix * g.f;
  const nb = Math.max(1, Math.min(g.n, Math.floor(budgets.blockBytes / colsImg)));
  const fit = Math.floor(budgets.waveBytes / (nb * (xImg + yImg) + extraPerBlock));
  const waveBlocks = Math.max(1, Math.min(Math.ceil(g.n / nb), fit, MAX_BLOCKS));
  return { nb, waveBlocks, xImg, colsImg, yImg, k };
}

/**
 * Lays out buffers of `sizes` bytes from the workspace base (64-aligned),
 * then a column area of `colsBytes` per thread (see COLS_BUDGET): the
 * workspace, one pointer per size and the first column area, or null without wasm.
 */
function layout<S extends readonly number[]>(sizes: S, colsBytes: number):
  [Workspace, { [I in keyof S]: number }, number] | null {
  const offs: number[] = [];
  let end = 0;
  for (const s of sizes) { offs.push(end); end = align(end + s); }
  const ws = wasmWorkspace(end, colsBytes, COLS_BUDGET);
  return ws === null ? null : [ws, offs.map((o) => ws.base + o) as { [I in keyof S]: number }, ws.base + end];
}

const f32 = (buf: ArrayBufferLike, ptr: number, bytes: number): Float32Array => new Float32Array(buf, ptr, bytes >> 2);

/**
 * Runs `op` over the batch wave by wave: `copyIn(w0, cnt)` puts images w0 … w0 + cnt − 1 in place,
 * then their blocks run (on the threads available), then `copyOut(w0, cnt, blocks)`.
 */
function waves(ws: Workspace, g: G, p: ReturnType<typeof plan>, op: number, ptrs: Ptrs,
               copyIn: (w0: number, cnt: number) => void, copyOut: (w0: number, cnt: number, blocks: number) => void): void {
  const waveImages = p.waveBlocks * p.nb;
  const colsStride = align(p.nb * p.colsImg);
  for (let w0 = 0; w0 < g.n; w0 += waveImages) {
    const cnt = Math.min(waveImages, g.n - w0), blocks = Math.ceil(cnt / p.nb);
    copyIn(w0, cnt);
    const args = [op, p.nb, cnt, ptrs.x, ptrs.cols, colsStride, ptrs.w, ptrs.y, ptrs.bias, ptrs.relu ? 1 : 0, ptrs.part,
                  g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.oh, g.ow, g.padTop, g.padLeft, g.f];
    if (!ws.conv(args, blocks, cnt * g.oh * g.ow * p.k * g.f))
      for (let i = 0; i < blocks; i++) block(ws, g, p, op, ptrs, i, Math.min(p.nb, cnt - i * p.nb));
    copyOut(w0, cnt, blocks);
  }
}

/**
 * Block `i` (`cnt` images) of a wave on this thread, GEMMs split across threads when large: what
 * the module's `convBlock` (src/kernels/assembly/convBlock.ts) does, with the same kernels, so the
 * same bits.
 */
function block(ws: Workspace, g: G, p: ReturnType<typeof plan>, op: number, ptrs: Ptrs, i: number, cnt: number): void {
  const e = ws.exports, rows = cnt * g.oh * g.ow;
  const x = ptrs.x + i * p.nb * p.xImg, y = ptrs.y + i * p.nb * p.yImg;
  const geom = [cnt, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.oh, g.ow, g.padTop, g.padLeft] as const;
  if (op === INPUT_GRAD) {
    ws.gemm(NT, y, ptrs.w, ptrs.cols, rows, g.f, p.k);
    e.col2im(ptrs.cols, x, ...geom);
    return;
  }
  e.im2col(x, ptrs.cols, ...geom);
  if (op === FORWARD) ws.gemm(NN, ptrs.cols, ptrs.w, y, rows, p.k, g.f, ptrs.bias, ptrs.relu);
  else ws.gemm(TN, ptrs.cols, y, ptrs.part + i * 4 * p.k * g.f, p.k, rows, g.f);
}

/**
 * y[N,OH,OW,F] = conv2d(x, w) (+ b), then relu if `relu` (the GEMM's epilogue: the bits of
 * src/kernels/relu.ts), on wasm; null if wasm is unavailable.
 */
export function conv2dForwardWasm(g: G, x: Float32Array, w: Float32Array, b?: FloatArray, relu = false): Float32Array | null {
  const p = plan(g, 0), { nb, waveBlocks, xImg, yImg, k } = p, wave = waveBlocks * nb;
  const lay = layout([wave * xImg, wave * yImg, 4 * k * g.f, 4 * g.f] as const, nb * p.colsImg);
  if (lay === null) return null;
  const [ws, [px, py, pw, pb], pcols] = lay;
  const buf = ws.memory.buffer;
  f32(buf, pw, 4 * k * g.f).set(w);
  if (b !== undefined) f32(buf, pb, 4 * g.f).set(b);
  const y = new Float32Array(g.n * (yImg >> 2));
  const xi = xImg >> 2, yi = yImg >> 2;
  waves(ws, g, p, FORWARD, { x: px, cols: pcols, w: pw, y: py, bias: b === undefined ? 0 : pb, relu, part: 0 },
    (w0, cnt) => f32(buf, px, cnt * xImg).set(x.subarray(w0 * xi, (w0 + cnt) * xi)),
    (w0, cnt) => y.set(f32(buf, py, cnt * yImg), w0 * yi));
  return y;
}

/**
 * dw[KH·KW·C, F] = im2col(x)ᵀ·dy on wasm, the column matrix rebuilt per
 * block; null if wasm is unavailable. Each block's partial product goes to its
 * own slot, and the slots are added to dw in block order (in wasm), so big
 * K·F layers pay no JS pass per block.
 */
export function conv2dFilterGradWasm(g: G, x: Float32Array, dy: Float32Array): Float32Array | null {
  const k = g.kh * g.kw * g.c, kf = k * g.f;
  const p = plan(g, 4 * kf), { nb, waveBlocks, xImg, yImg } = p, wave = waveBlocks * nb;
  const lay = layout([wave * xImg, wave * yImg, 4 * kf, waveBlocks * 4 * kf] as const, nb * p.colsImg);
  if (lay === null) return null;
  const [ws, [px, pdy, pdw, ppart], pcols] = lay;
  const buf = ws.memory.buffer, opt = ws.optim;
  const xi = xImg >> 2, yi = yImg >> 2;
  let first = true;
  waves(ws, g, p, FILTER_GRAD, { x: px, cols: pcols, w: 0, y: pdy, bias: 0, relu: false, part: ppart },
    (w0, cnt) => {
      f32(buf, px, cnt * xImg).set(x.subarray(w0 * xi, (w0 + cnt) * xi));
      f32(buf, pdy, cnt * yImg).set(dy.subarray(w0 * yi, (w0 + cnt) * yi));
    },
    (_w0, _cnt, blocks) => {
      for (let i = 0; i < blocks; i++) {
        const slot = ppart + i * 4 * kf;
        if (first) f32(buf, pdw, 4 * kf).set(f32(buf, slot, 4 * kf));
        else opt.addF32(kf, pdw, slot);
        first = false;
      }
    });
  return f32(buf, pdw, 4 * kf).slice();
}

/** dx[N,H,W,C] = col2im(dy·wᵀ) on wasm; null if wasm is unavailable. */
export function conv2dInputGradWasm(g: G, dy: Float32Array, w: Float32Array): Float32Array | null {
  const p = plan(g, 0), { nb, waveBlocks, xImg, yImg, k } = p, wave = waveBlocks * nb;
  const lay = layout([wave * yImg, 4 * k * g.f, wave * xImg] as const, nb * p.colsImg);
  if (lay === null) return null;
  const [ws, [pdy, pw, px], pcols] = lay;
  const buf = ws.memory.buffer;
  f32(buf, pw, 4 * k * g.f).set(w);
  const dx = new Float32Array(g.n * (xImg >> 2));
  const xi = xImg >> 2, yi = yImg >> 2;
  waves(ws, g, p, INPUT_GRAD, { x: px, cols: pcols, w: pw, y: pdy, bias: 0, relu: false, part: 0 },
    (w0, cnt) => f32(buf, pdy, cnt * yImg).set(dy.subarray(w0 * yi, (w0 + cnt) * yi)),
    (w0, cnt) => dx.set(f32(buf, px, cnt * xImg), w0 * xi));
  return dx;
}
