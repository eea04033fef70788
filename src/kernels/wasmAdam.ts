import { decodeBase64 } from '../internal/base64.js';
import { wasmAdamBase64 } from './wasmAdamBinary.js';

/** Exports of src/kernels/assembly/adam.ts. */
interface AdamExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  adamF32(n: number, g: number, p: number, m: number, v: number, po: number, mo: number, vo: number,
          b1: number, b2: number, a1: number, a2: number, s1: number, s2: number, eps: number, c: number): void;
}

const PAGE = 65536;
const align = (x: number): number => Math.ceil(x / 64) * 64;

// Kernel implementation detail, not model state: created lazily once; `null` records that
// wasm/SIMD is unavailable (then the caller runs its JS loop, which gives the same bits).
let kernel: AdamExports | null | undefined;

function instance(): AdamExports | null {
  if (kernel !== undefined) return kernel;
  try {
    // Synchronous compile: the module is about 0.5 KB (browsers allow up to 4 KB on the main thread).
    const module = new WebAssembly.Module(decodeBase64(wasmAdamBase64));
    kernel = new WebAssembly.Instance(module, {}).exports as unknown as AdamExports;
  } catch {
    kernel = null;
  }
  return kernel;
}

/**
 * Adam's fused step for one float32 tensor on the wasm SIMD kernel: from the gradient `g`, params
 * `p` and moments `m`, `v` (all of length `n`), writes the new params `po` and moments `mo`, `vo`,
 * exactly as the JS loop of `fusedAdam` (`src/optim/fused.ts`) does, bit for bit. The inputs are
 * copied into wasm memory (grown on demand and reused) and the results copied out. Returns false,
 * having written nothing, when wasm/SIMD is unavailable.
 */
export function adamF32(
  g: Float32Array, p: Float32Array, m: Float32Array, v: Float32Array,
  po: Float32Array, mo: Float32Array, vo: Float32Array,
  b1: number, b2: number, a1: number, a2: number, s1: number, s2: number, eps: number, c: number,
): boolean {
  const w = instance();
  if (w === null) return false;
  const n = po.length, bytes = align(4 * n);
  const base = align(w.heapBase());
  const end = base + 7 * bytes;
  const have = w.memory.buffer.byteLength;
  if (end > have) w.memory.grow(Math.ceil((end - have) / PAGE));
  const buf = w.memory.buffer; // re-read: grow() detaches the old buffer
  const at = (k: number) => base + k * bytes;
  new Float32Array(buf, at(0), n).set(g);
  new Float32Array(buf, at(1), n).set(p);
  new Float32Array(buf, at(2), n).set(m);
  new Float32Array(buf, at(3), n).set(v);
  w.adamF32(n, at(0), at(1), at(2), at(3), at(4), at(5), at(6), b1, b2, a1, a2, s1, s2, eps, c);
  po.set(new Float32Array(buf, at(4), n));
  mo.set(new Float32Array(buf, at(5), n));
  vo.set(new Float32Array(buf, at(6), n));
  return true;
}
