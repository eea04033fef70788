import { decodeBase64 } from '../internal/base64.js';
import type { Layout } from './layout.js';
import { wasmBase64 } from './wasmBinary.js';

/** Exports of the AssemblyScript module (src/kernels/assembly/matmul.ts + conv.ts). */
export interface KernelExports {
  memory: WebAssembly.Memory;
  matmul(layout: number, a: number, b: number, c: number,
         m: number, k: number, n: number, scratch: number): void;
  scratchBytes(): number;
  heapBase(): number;
  im2col(x: number, cols: number, n: number, h: number, w: number, c: number, kh: number, kw: number,
         sh: number, sw: number, oh: number, ow: number, padTop: number, padLeft: number): void;
  col2im(dcols: number, dx: number, n: number, h: number, w: number, c: number, kh: number, kw: number,
         sh: number, sw: number, oh: number, ow: number, padTop: number, padLeft: number): void;
  addBias(c: number, bias: number, m: number, n: number): void;
}

const LAYOUT_CODE: Record<Layout, number> = { nn: 0, tn: 1, nt: 2 };
const PAGE = 65536;

// Kernel implementation detail, not model state: the instance is created
// lazily once; `null` records that wasm/SIMD is unavailable.
let kernel: KernelExports | null | undefined;

function instance(): KernelExports | null {
  if (kernel !== undefined) return kernel;
  try {
    // Synchronous compile: the module is ~3.5 KB, below browsers' 4 KB
    // main-thread limit for sync compilation (keep it there).
    const module = new WebAssembly.Module(decodeBase64(wasmBase64));
    kernel = new WebAssembly.Instance(module, {}).exports as unknown as KernelExports;
  } catch {
    kernel = null; // no WebAssembly, no SIMD, or instantiation refused
  }
  return kernel;
}

/** True if the WebAssembly SIMD kernel can be used in this environment. */
export function wasmAvailable(): boolean {
  return instance() !== null;
}

const align = (x: number): number => Math.ceil(x / 64) * 64;

/** A view of the kernel module for sibling wrappers (wasmConv2d.ts); see {@link wasmWorkspace}. */
export interface Workspace {
  readonly exports: KernelExports;
  /** Pointer to the GEMM scratch area, for `exports.matmul`. */
  readonly scratch: number;
  /** First free byte (64-aligned) after the scratch area: lay buffers out from here. */
  readonly base: number;
}

/**
 * The kernel module with at least `bytes` bytes free from `base`, growing the
 * memory if needed (re-read `exports.memory.buffer` afterwards: growing
 * detaches it). Null if wasm/SIMD is unavailable. Calls are synchronous and
 * every wrapper lays its buffers out from `base` anew, so they never overlap
 * in time.
 */
export function wasmWorkspace(bytes: number): Workspace | null {
  const w = instance();
  if (w === null) return null;
  const scratch = align(w.heapBase());
  const base = align(scratch + w.scratchBytes());
  const have = w.memory.buffer.byteLength;
  if (base + bytes > have) w.memory.grow(Math.ceil((base + bytes - have) / PAGE));
  return { exports: w, scratch, base };
}

const isDim = (x: number): boolean => Number.isInteger(x) && x >= 0 && x < 2 ** 31;

/**
 * Float32 matmul on the wasm SIMD kernel: C[M,N] = op(A)·op(B), row-major.
 * Stored shapes: 'nn' a[M,K] b[K,N]; 'tn' a[K,M] b[K,N]; 'nt' a[M,K] b[N,K].
 * Inputs are copied into wasm memory (grown on demand and reused, so it stays
 * bounded by the largest call); returns a new Float32Array of length M·N.
 * Throws if wasm is unavailable (check {@link wasmAvailable}), a dimension
 * is not a non-negative integer, or an input is shorter than its shape.
 */
export function matmulF32(a: Float32Array, b: Float32Array, m: number, k: number,
                          n: number, layout: Layout): Float32Array {
  const w = instance();
  if (w === null) throw new Error('tensorfold: WebAssembly SIMD kernel unavailable');
  if (!(isDim(m) && isDim(k) && isDim(n))) {
    throw new RangeError(`matmulF32: bad dimensions ${m}, ${k}, ${n}`);
  }
  const mk = m * k, kn = k * n, mn = m * n;
  if (a.length < mk || b.length < kn) {
    throw new RangeError(`matmulF32: inputs too short for [${m},${k}]x[${k},${n}]`);
  }
  const scratch = align(w.heapBase());
  const aPtr = align(scratch + w.scratchBytes());
  const bPtr = align(aPtr + 4 * mk);
  const cPtr = align(bPtr + 4 * kn);
  const end = cPtr + 4 * mn;
  const have = w.memory.buffer.byteLength;
  if (end > have) w.memory.grow(Math.ceil((end - have) / PAGE));
  const buf = w.memory.buffer; // re-read: grow() detaches the old buffer
  new Float32Array(buf, aPtr, mk).set(a.length === mk ? a : a.subarray(0, mk));
  new Float32Array(buf, bPtr, kn).set(b.length === kn ? b : b.subarray(0, kn));
  w.matmul(LAYOUT_CODE[layout], aPtr, bPtr, cPtr, m, k, n, scratch);
  return new Float32Array(buf, cPtr, mn).slice();
}
