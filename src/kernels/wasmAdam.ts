import { decodeBase64 } from '../internal/base64.js';
import { wasmAdamBase64 } from './wasmAdamBinary.js';

/** Exports of src/kernels/assembly/adam.ts (the fused optimizers' float32 kernels). */
interface OptimExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  adamF32(n: number, g: number, p: number, m: number, v: number, po: number, mo: number, vo: number,
          b1: number, b2: number, a1: number, a2: number, s1: number, s2: number, eps: number, c: number): void;
  sgdF32(n: number, g: number, p: number, po: number, c: number): void;
  momentumF32(n: number, g: number, p: number, m: number, po: number, to: number, beta: number, nesterov: number, c: number): void;
  rmsF32(n: number, g: number, p: number, v: number, po: number, vo: number, adagrad: number,
         decay: number, a: number, eps: number, c: number): void;
}

/**
 * Elements per block. Every call runs block by block: copy a block of each input into wasm memory,
 * run the kernel on it, copy the results out. Seven 16 KB blocks (4 inputs, 3 outputs) stay in the
 * core's L1/L2 cache, so only the JS arrays themselves travel to and from memory, once; copying
 * whole tensors instead streams every one through memory a second time (Adam on the MLP bench's
 * 235k params: 0.94 against 0.75 ms into reused outputs; 4k to 16k elements per block were alike).
 */
const BLOCK = 4096;
const PAGE = 65536;

/** The instance and its seven block slots: inputs in slots 0–3, outputs in slots 4–6. */
interface Kernel {
  readonly w: OptimExports;
  /** Byte address of each slot. */
  readonly at: readonly number[];
  /** A view of each slot (the memory never grows after instantiation, so these stay valid). */
  readonly slot: readonly Float32Array[];
}

// Kernel implementation detail, not model state: created lazily once; `null` records that
// wasm/SIMD is unavailable (then the caller runs its JS loop, which gives the same bits).
let kernel: Kernel | null | undefined;

function instance(): Kernel | null {
  if (kernel !== undefined) return kernel;
  try {
    // Synchronous compile: the module is about 1.3 KB (browsers allow up to 4 KB on the main thread).
    const module = new WebAssembly.Module(decodeBase64(wasmAdamBase64));
    const w = new WebAssembly.Instance(module, {}).exports as unknown as OptimExports;
    const base = Math.ceil(w.heapBase() / 64) * 64;
    const at = Array.from({ length: 7 }, (_, k) => base + k * 4 * BLOCK);
    const have = w.memory.buffer.byteLength, end = base + 7 * 4 * BLOCK;
    if (end > have) w.memory.grow(Math.ceil((end - have) / PAGE));
    const buf = w.memory.buffer; // read after grow(), which detaches the old buffer
    kernel = { w, at, slot: at.map((a) => new Float32Array(buf, a, BLOCK)) };
  } catch {
    kernel = null;
  }
  return kernel;
}

/**
 * Runs `run(len)` (the kernel on `len` elements of slots 0–6) block by block over `ins` (into
 * slots 0, 1, …) and `outs` (from slots 4, 5, …), all of the outputs' length.
 */
function blocked(k: Kernel, ins: readonly Float32Array[], outs: readonly Float32Array[], run: (len: number) => void): void {
  const n = outs[0]!.length, { slot } = k;
  for (let i = 0; i < n; i += BLOCK) {
    const len = Math.min(BLOCK, n - i);
    // NOTE: a whole input needs no view; a whole block's output slot is copied without one.
    for (let j = 0; j < ins.length; j++) slot[j]!.set(len === n ? ins[j]! : ins[j]!.subarray(i, i + len));
    run(len);
    for (let j = 0; j < outs.length; j++) outs[j]!.set(len === BLOCK ? slot[4 + j]! : slot[4 + j]!.subarray(0, len), i);
  }
}

/**
 * Adam's fused step for one float32 tensor on the wasm SIMD kernel: from the gradient `g`, params
 * `p` and moments `m`, `v` (all of length `n`), writes the new params `po` and moments `mo`, `vo`,
 * exactly as the JS loop of `fusedAdam` (`src/optim/fused.ts`) does, bit for bit. Runs in blocks
 * of {@link BLOCK} elements copied into wasm memory and the results copied out. Returns false,
 * having written nothing, when wasm/SIMD is unavailable.
 */
export function adamF32(
  g: Float32Array, p: Float32Array, m: Float32Array, v: Float32Array,
  po: Float32Array, mo: Float32Array, vo: Float32Array,
  b1: number, b2: number, a1: number, a2: number, s1: number, s2: number, eps: number, c: number,
): boolean {
  const k = instance();
  if (k === null) return false;
  const { w, at } = k;
  blocked(k, [g, p, m, v], [po, mo, vo], (len) =>
    w.adamF32(len, at[0]!, at[1]!, at[2]!, at[3]!, at[4]!, at[5]!, at[6]!, b1, b2, a1, a2, s1, s2, eps, c));
  return true;
}

/** `fusedSgd`'s float32 loop (`po = p + f32(c·g)`) on the wasm kernel, as {@link adamF32}. */
export function sgdF32(g: Float32Array, p: Float32Array, po: Float32Array, c: number): boolean {
  const k = instance();
  if (k === null) return false;
  const { w, at } = k;
  blocked(k, [g, p], [po], (len) => w.sgdF32(len, at[0]!, at[1]!, at[4]!, c));
  return true;
}

/** `fusedMomentum`'s float32 loop (new params `po`, new trace `to`) on the wasm kernel, as {@link adamF32}. */
export function momentumF32(
  g: Float32Array, p: Float32Array, m: Float32Array, po: Float32Array, to: Float32Array, beta: number, nesterov: boolean, c: number,
): boolean {
  const k = instance();
  if (k === null) return false;
  const { w, at } = k;
  blocked(k, [g, p, m], [po, to], (len) => w.momentumF32(len, at[0]!, at[1]!, at[2]!, at[4]!, at[5]!, beta, nesterov ? 1 : 0, c));
  return true;
}

/**
 * `fusedRmsprop`'s float32 loop (`adagrad` false; `decay` γ, `a` = 1 − γ) or `fusedAdagrad`'s
 * (`adagrad` true; `decay` and `a` unused): new params `po`, new second moment or sum of squares
 * `vo`, on the wasm kernel, as {@link adamF32}.
 */
export function rmsF32(
  g: Float32Array, p: Float32Array, v: Float32Array, po: Float32Array, vo: Float32Array,
  adagrad: boolean, decay: number, a: number, eps: number, c: number,
): boolean {
  const k = instance();
  if (k === null) return false;
  const { w, at } = k;
  blocked(k, [g, p, v], [po, vo], (len) => w.rmsF32(len, at[0]!, at[1]!, at[2]!, at[4]!, at[5]!, adagrad ? 1 : 0, decay, a, eps, c));
  return true;
}
