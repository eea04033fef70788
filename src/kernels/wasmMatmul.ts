import { decodeBase64 } from '../internal/base64.js';
import type { Layout } from './layout.js';
import { wasmAdamBase64 } from './wasmAdamBinary.js';
import { wasmBase64 } from './wasmBinary.js';
import {
  awaitWorkers, ensureWorkers, readyWorkers, runConvBlocks, runSplit, spawnedWorkers, threadsPossible, threadsWanted, type KernelModule,
} from './kernelThreads.js';

/** Exports of the AssemblyScript module (src/kernels/assembly/matmul.ts + conv.ts + convBlock.ts). */
export interface KernelExports {
  matmul(layout: number, a: number, b: number, c: number, m: number, k: number, n: number, scratch: number,
         i0: number, i1: number, j0: number, j1: number, bias: number, relu: number): void;
  scratchBytes(): number;
  heapBase(): number;
  im2col(x: number, cols: number, n: number, h: number, w: number, c: number, kh: number, kw: number,
         sh: number, sw: number, oh: number, ow: number, padTop: number, padLeft: number): void;
  col2im(dcols: number, dx: number, n: number, h: number, w: number, c: number, kh: number, kw: number,
         sh: number, sw: number, oh: number, ow: number, padTop: number, padLeft: number): void;
  convBlock(t: number, i: number, scratch: number, op: number, nb: number, n: number, x: number, colsBase: number,
            colsStride: number, w: number, y: number, bias: number, relu: number, part: number, h: number, wd: number,
            c: number, kh: number, kw: number, sh: number, sw: number, oh: number, ow: number, padTop: number,
            padLeft: number, f: number): void;
}

/**
 * Exports of src/kernels/assembly/adam.ts (+ pool.ts): the fused optimizers' float32 kernels (see
 * wasmAdam.ts), a float32 add and max pooling.
 */
export interface OptimExports {
  adamF32(n: number, g: number, p: number, m: number, v: number, po: number, mo: number, vo: number,
          b1: number, b2: number, a1: number, a2: number, s1: number, s2: number, eps: number, c: number): void;
  sgdF32(n: number, g: number, p: number, po: number, c: number): void;
  momentumF32(n: number, g: number, p: number, m: number, po: number, to: number, beta: number, nesterov: number, c: number): void;
  rmsF32(n: number, g: number, p: number, v: number, po: number, vo: number, adagrad: number,
         decay: number, a: number, eps: number, c: number): void;
  /** dst += src, n float32s. */
  addF32(n: number, dst: number, src: number): void;
  /** Max pooling (src/kernels/assembly/pool.ts, in this module for want of room in the matmul one). */
  maxPool2dF32(x: number, y: number, argmax: number, n: number, h: number, w: number, c: number, kh: number, kw: number,
               sh: number, sw: number, oh: number, ow: number, padTop: number, padLeft: number): void;
}

/**
 * The instantiated kernels: the matmul module's exports, the optimizer module's (instantiated over
 * the same memory), both modules (for workers) and the memory they import.
 */
interface Kernel extends KernelModule {
  readonly exports: KernelExports;
  readonly optimExports: OptimExports;
  readonly optim: WebAssembly.Module;
}

const align = (x: number): number => Math.ceil(x / 64) * 64;
const LAYOUT_CODE: Record<Layout, number> = { nn: 0, tn: 1, nt: 2 };
const PAGE = 65536;
/** The modules' memory limits (see MEMORY_FLAGS in ./assembly/build.mjs). */
const MAX_PAGES = 32768;

/**
 * When a product is split across threads, from `node bench/split.mjs` on 2 cores (1 thread ÷ 2
 * threads with every product split): 128·128·64 (2^20 multiply-adds) lost (0.87×), 128·256·128
 * gained 1.23×; a C under 8192 elements lost even over a long K (conv2's filter gradient,
 * 150×873×16 'tn': 0.75×). Blocks of at least 2^19 multiply-adds keep a product near the threshold
 * in a few blocks rather than eight.
 */
const DEFAULT_SPLIT = { macs: 1 << 21, output: 1 << 13, blockMacs: 1 << 19 };
let split = DEFAULT_SPLIT;

/**
 * Sets when products are split across threads: at least `macs` multiply-adds and `output`
 * elements of C, in blocks of at least `blockMacs` multiply-adds. No argument restores the
 * defaults. For tests of small shapes.
 */
export function setSplitThresholds(t: Partial<typeof DEFAULT_SPLIT> = {}): void {
  split = { ...DEFAULT_SPLIT, ...t };
}

/** The kernel binary with its memory import marked shared (limits flag 0x01 → 0x03). */
function sharedVariant(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const name = [0x03, 0x65, 0x6e, 0x76, 0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02]; // "env" "memory" kind=memory
  const at = bytes.findIndex((_, i) => name.every((x, j) => bytes[i + j] === x));
  if (at < 0 || bytes[at + name.length] !== 0x01) throw new Error('tensorfold: unexpected kernel binary layout');
  const out = bytes.slice();
  out[at + name.length] = 0x03;
  return out;
}

// Kernel implementation detail, not model state: the instance is created
// lazily once; `null` records that wasm/SIMD is unavailable.
let kernel: Kernel | null | undefined;

function instantiate(bytes: Uint8Array<ArrayBuffer>, optimBytes: Uint8Array<ArrayBuffer>, shared: boolean): Kernel {
  // Synchronous compiles: the modules are ~4.0 and ~2.1 KB, each below browsers' 4 KB main-thread
  // limit for synchronous compilation (keep them there).
  const module = new WebAssembly.Module(shared ? sharedVariant(bytes) : bytes);
  const optim = new WebAssembly.Module(shared ? sharedVariant(optimBytes) : optimBytes);
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  // NOTE: neither module has static data (no data segments), so they can share one memory.
  const optimExports = new WebAssembly.Instance(optim, { env: { memory } }).exports as unknown as OptimExports;
  // Thread t's GEMM scratch area, one after another from the heap base (64-aligned).
  const first = align(exports.heapBase()), size = align(exports.scratchBytes());
  return { module, optim, memory, exports, optimExports, scratch: (t) => first + t * size };
}

function instance(): Kernel | null {
  if (kernel !== undefined) return kernel;
  const bytes = decodeBase64(wasmBase64), optimBytes = decodeBase64(wasmAdamBase64);
  try {
    kernel = threadsPossible() ? instantiate(bytes, optimBytes, true) : instantiate(bytes, optimBytes, false);
  } catch {
    try {
      kernel = instantiate(bytes, optimBytes, false); // shared memory refused: one thread
    } catch {
      kernel = null; // no WebAssembly, no SIMD, or instantiation refused
    }
  }
  return kernel;
}

/** True if the WebAssembly SIMD kernel can be used in this environment. */
export function wasmAvailable(): boolean {
  return instance() !== null;
}

/** Whether the kernel's memory is shared (else no worker can help). */
const isShared = (k: Kernel): boolean => !(k.memory.buffer instanceof ArrayBuffer);

/** Threads the next large product would use: 1 plus the ready workers (0 without wasm); starts the workers. */
export function wasmThreads(): number {
  const k = instance();
  if (k === null) return 0;
  if (!isShared(k)) return 1;
  ensureWorkers(k);
  return 1 + readyWorkers();
}

/** Threads the kernel will use once its workers are up: 1 if memory cannot be shared (0 without wasm). */
export function wasmMaxThreads(): number {
  const k = instance();
  if (k === null) return 0;
  return isShared(k) ? threadsWanted() : 1;
}

/**
 * Starts the kernel's workers now and waits (where this thread may block) until they are ready or
 * `timeoutMs` passed; returns the thread count then in force. Only for tests and benches that
 * must see the threaded path from the first product.
 */
export function startWasmThreads(timeoutMs = 5000): number {
  const k = instance();
  if (k === null) return 0;
  if (!isShared(k)) return 1;
  ensureWorkers(k);
  awaitWorkers(threadsWanted() - 1, timeoutMs);
  return 1 + readyWorkers();
}

/** A view of the kernel modules for sibling wrappers (wasmConv2d.ts, wasmAdam.ts); see {@link wasmWorkspace}. */
export interface Workspace {
  readonly exports: KernelExports;
  /** The optimizer kernels, over the same memory. */
  readonly optim: OptimExports;
  /** Workers ready to take a {@link publishCall} (0 if none, or one thread is asked for). */
  readonly helpers: number;
  /** The module's memory: re-read `memory.buffer` after anything that may grow it. */
  readonly memory: WebAssembly.Memory;
  /**
   * C[M,N] = op(A)·op(B) on buffers in this workspace, split across the ready worker threads when
   * large; then C[i, j] += bias[j] if a `bias` pointer is given, and relu if `relu`.
   */
  gemm(layout: number, a: number, b: number, c: number, m: number, k: number, n: number, bias?: number, relu?: boolean): void;
  /** Per-thread areas laid out after `bytes` (see {@link wasmWorkspace}): at least 1. */
  readonly areas: number;
  /**
   * Blocks 0 … `blocks` − 1 of a convolution (`convBlock`'s arguments after thread, block and
   * scratch) on the calling thread and up to {@link helpers} workers (thread t uses per-thread area
   * t), if there are two blocks and two areas at least and the `macs` multiply-adds are worth a
   * hand-off (the products' threshold); returns false, having done nothing, otherwise.
   */
  conv(args: readonly number[], blocks: number, macs: number): boolean;
  /** First free byte (64-aligned) after the scratch areas: lay buffers out from here. */
  readonly base: number;
}

/** Blocks per thread a product is cut into: more balance the load when a thread is late, fewer repack less. */
const BLOCKS_PER_THREAD = 4;

/**
 * C = op(A)·op(B), cut into blocks that the calling thread and the ready workers take in turn
 * (see runSplit). The cut is along N when N ≥ M (each block packs only its columns of B) and C's
 * rows are whole cache lines, else along M; block edges fall on multiples of the micro-tile (and
 * of a cache line for columns). Every element is computed the same way in any block, so the bits
 * do not depend on the cut or on which thread computes what.
 */
function gemm(k: Kernel, threads: number, layout: number, a: number, b: number, c: number,
              m: number, kk: number, n: number, bias: number, relu: number): void {
  const e = k.exports, scratch = k.scratch(0);
  const big = m * kk * n >= split.macs && m * n >= split.output; // see DEFAULT_SPLIT
  const helpers = threads > 1 && big ? Math.min(threads - 1, readyWorkers()) : 0;
  // Columns only when rows of C are whole cache lines (N a multiple of 16 floats), so that two
  // threads never write one line; rows otherwise (one shared line per boundary at most).
  const byCols = n >= m && n % 16 === 0;
  const dim = byCols ? n : m, unit = byCols ? 16 : 4;
  const units = Math.ceil(dim / unit);
  if (helpers === 0 || units < 2) { e.matmul(layout, a, b, c, m, kk, n, scratch, 0, m, 0, n, bias, relu); return; }
  const target = Math.min(BLOCKS_PER_THREAD * (helpers + 1), Math.floor((m * kk * n) / split.blockMacs));
  const step = Math.ceil(units / Math.max(2, Math.min(units, target))) * unit;
  const job = { layout, a, b, c, m, k: kk, n, byCols, step, blocks: Math.ceil(dim / step), dim, bias, relu };
  runSplit(job, helpers, (i0, i1, j0, j1) => e.matmul(layout, a, b, c, m, kk, n, scratch, i0, i1, j0, j1, bias, relu));
}

/**
 * The kernel module with at least `bytes` bytes free from `base`, then an area of `perThread` bytes
 * (64-aligned) for the calling thread and each of the workspace's {@link Workspace.helpers}, as
 * many as fit `perThreadBudget` bytes (one at least), growing the memory if needed (re-read
 * `memory.buffer` afterwards: growing replaces it).
 * Null if wasm/SIMD is unavailable. Calls are synchronous and every wrapper
 * lays its buffers out from `base` anew, so they never overlap in time.
 */
export function wasmWorkspace(bytes: number, perThread = 0, perThreadBudget = Infinity): Workspace | null {
  const w = instance();
  if (w === null) return null;
  const threads = wasmThreads();
  const helpers = threads > 1 ? readyWorkers() : 0;
  const area = align(perThread), areas = area === 0 ? 1 + helpers : Math.max(1, Math.min(1 + helpers, Math.floor(perThreadBudget / area)));
  const base = w.scratch(1 + Math.max(spawnedWorkers(), threadsWanted() - 1));
  const need = align(bytes) + areas * area, have = w.memory.buffer.byteLength;
  if (base + need > have) w.memory.grow(Math.ceil((base + need - have) / PAGE));
  return {
    exports: w.exports,
    optim: w.optimExports,
    helpers,
    areas,
    conv: (args, blocks, macs) => {
      const use = macs >= split.macs ? Math.min(helpers, areas - 1, blocks - 1) : 0;
      if (use <= 0) return false;
      const scratch = w.scratch(0), block = w.exports.convBlock as (...a: number[]) => void;
      runConvBlocks(args, blocks, use, (i) => block(0, i, scratch, ...args));
      return true;
    },
    memory: w.memory,
    base,
    gemm: (layout, a, b, c, m, k, n, bias = 0, relu = false) => gemm(w, threads, layout, a, b, c, m, k, n, bias, relu ? 1 : 0),
  };
}

const isDim = (x: number): boolean => Number.isInteger(x) && x >= 0 && x < 2 ** 31;

/**
 * Float32 matmul on the wasm SIMD kernel: C[M,N] = op(A)·op(B), row-major, then (the dense layer's
 * epilogue, done on each block while it is in cache) C[i, j] += bias[j] if `bias` is given and
 * relu if `relu`: the bits of a float32 add and of src/kernels/relu.ts.
 * Stored shapes: 'nn' a[M,K] b[K,N]; 'tn' a[K,M] b[K,N]; 'nt' a[M,K] b[N,K].
 * Inputs are copied into wasm memory (grown on demand and reused, so it stays
 * bounded by the largest call); returns a new Float32Array of length M·N.
 * Throws if wasm is unavailable (check {@link wasmAvailable}), a dimension
 * is not a non-negative integer, or an input is shorter than its shape.
 */
export function matmulF32(a: Float32Array, b: Float32Array, m: number, k: number,
                          n: number, layout: Layout, bias?: Float32Array, relu = false): Float32Array {
  if (!(isDim(m) && isDim(k) && isDim(n))) {
    throw new RangeError(`matmulF32: bad dimensions ${m}, ${k}, ${n}`);
  }
  const mk = m * k, kn = k * n, mn = m * n;
  if (a.length < mk || b.length < kn || (bias !== undefined && bias.length < n)) {
    throw new RangeError(`matmulF32: inputs too short for [${m},${k}]x[${k},${n}]`);
  }
  const aBytes = align(4 * mk), bBytes = align(4 * kn), cBytes = align(4 * mn);
  const ws = wasmWorkspace(aBytes + bBytes + cBytes + 4 * n);
  if (ws === null) throw new Error('tensorfold: WebAssembly SIMD kernel unavailable');
  const aPtr = ws.base, bPtr = aPtr + aBytes, cPtr = bPtr + bBytes, biasPtr = cPtr + cBytes;
  const buf = ws.memory.buffer; // re-read: growing replaces it
  new Float32Array(buf, aPtr, mk).set(a.length === mk ? a : a.subarray(0, mk));
  new Float32Array(buf, bPtr, kn).set(b.length === kn ? b : b.subarray(0, kn));
  if (bias !== undefined) new Float32Array(buf, biasPtr, n).set(bias.length === n ? bias : bias.subarray(0, n));
  ws.gemm(LAYOUT_CODE[layout], aPtr, bPtr, cPtr, m, k, n, bias === undefined ? 0 : biasPtr, relu);
  return new Float32Array(buf, cPtr, mn).slice();
}
