import { CALLS, finishCall, publishCall } from './kernelThreads.js';
import { wasmWorkspace } from './wasmMatmul.js';

/**
 * Elements per block. Every call runs block by block: copy a block of each input into wasm memory,
 * run the kernel on it, copy the results out. Seven 16 KB blocks (4 inputs, 3 outputs) stay in the
 * core's L1/L2 cache, so only the JS arrays themselves travel to and from memory, once; copying
 * whole tensors instead streams every one through memory a second time (Adam on the MLP bench's
 * 235k params: 0.94 against 0.75 ms into reused outputs; 4k to 16k elements per block were alike).
 */
const BLOCK = 4096;
/** Tensors of fewer blocks stay on the calling thread: the hand-offs would cost more than they overlap. */
const MIN_THREADED_BLOCKS = 16;
/** Slots per block set: inputs in slots 0–3, outputs in slots 4–6. */
const SLOTS = 7;

/** The byte address of slot `j` of block set `set` (two sets, so a worker computes one while the caller copies the other). */
const slotAt = (base: number, set: number, j: number): number => base + (set * SLOTS + j) * 4 * BLOCK;

/** The index in CALLS of an optimizer kernel. */
const fnIndex = (name: (typeof CALLS)[number]): number => CALLS.indexOf(name);

/**
 * Runs kernel `fn` (an index into CALLS; `args(len, at)` gives its arguments for `len` elements
 * whose slot j is at `at(j)`) block by block over `ins` (into slots 0, 1, …) and `outs` (from slots
 * 4, 5, …), all of the outputs' length. If `threaded` (kernels whose arithmetic costs about as
 * much as the copies: a divide and a square root per element) and a worker is ready, blocks
 * alternate between two slot sets: the worker computes block i while this thread copies block
 * i − 1 out and block i + 1 in (a block no worker has taken by then is computed here); the bits are
 * the same either way. Cheap kernels (sgd, momentum) gain nothing from the hand-offs.
 * Returns false, having written nothing, when wasm/SIMD is unavailable.
 */
function blocked(ins: readonly Float32Array[], outs: readonly Float32Array[], fn: number, threaded: boolean,
                 args: (len: number, at: (j: number) => number) => number[]): boolean {
  const ws = wasmWorkspace(2 * SLOTS * 4 * BLOCK);
  if (ws === null) return false;
  const n = outs[0]!.length, buf = ws.memory.buffer, base = ws.base;
  const kernel = ws.optim[CALLS[fn]!] as (...a: number[]) => void;
  // One view per slot for the whole call (views of a block are made only for a short last block).
  const slot = Array.from({ length: 2 * SLOTS }, (_, k) => new Float32Array(buf, base + k * 4 * BLOCK, BLOCK));
  const copyIn = (set: number, i: number, len: number): void => {
    for (let j = 0; j < ins.length; j++) slot[set * SLOTS + j]!.set(len === n ? ins[j]! : ins[j]!.subarray(i, i + len));
  };
  const copyOut = (set: number, i: number, len: number): void => {
    for (let j = 0; j < outs.length; j++) {
      const s = slot[set * SLOTS + 4 + j]!;
      outs[j]!.set(len === BLOCK ? s : s.subarray(0, len), i);
    }
  };
  const call = (set: number, len: number): number[] => args(len, (j) => slotAt(base, set, j));
  if (!threaded || ws.helpers === 0 || n < MIN_THREADED_BLOCKS * BLOCK) {
    for (let i = 0; i < n; i += BLOCK) {
      const len = Math.min(BLOCK, n - i);
      copyIn(0, i, len);
      kernel(...call(0, len));
      copyOut(0, i, len);
    }
    return true;
  }
  let prev = -1, prevArgs: number[] = [];
  for (let i = 0, b = 0; i < n; i += BLOCK, b++) {
    const len = Math.min(BLOCK, n - i), set = b & 1;
    copyIn(set, i, len);
    const a = call(set, len);
    if (prev >= 0) {
      const pa = prevArgs;
      finishCall(() => kernel(...pa));
    }
    publishCall(fn, a); // the worker computes this block while we copy the previous one out
    if (prev >= 0) copyOut(set ^ 1, prev, BLOCK);
    prev = i;
    prevArgs = a;
  }
  finishCall(() => kernel(...prevArgs));
  copyOut(((n - 1) / BLOCK | 0) & 1, prev, n - prev);
  return true;
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
  return blocked([g, p, m, v], [po, mo, vo], fnIndex('adamF32'), true, (len, at) =>
    [len, at(0), at(1), at(2), at(3), at(4), at(5), at(6), b1, b2, a1, a2, s1, s2, eps, c]);
}

/** `fusedSgd`'s float32 loop (`po = p + f32(c·g)`) on the wasm kernel, as {@link adamF32}. */
export function sgdF32(g: Float32Array, p: Float32Array, po: Float32Array, c: number): boolean {
  return blocked([g, p], [po], fnIndex('sgdF32'), false, (len, at) => [len, at(0), at(1), at(4), c]);
}

/** `fusedMomentum`'s float32 loop (new params `po`, new trace `to`) on the wasm kernel, as {@link adamF32}. */
export function momentumF32(
  g: Float32Array, p: Float32Array, m: Float32Array, po: Float32Array, to: Float32Array, beta: number, nesterov: boolean, c: number,
): boolean {
  return blocked([g, p, m], [po, to], fnIndex('momentumF32'), false, (len, at) =>
    [len, at(0), at(1), at(2), at(4), at(5), beta, nesterov ? 1 : 0, c]);
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
  return blocked([g, p, v], [po, vo], fnIndex('rmsF32'), true, (len, at) =>
    [len, at(0), at(1), at(2), at(4), at(5), adagrad ? 1 : 0, decay, a, eps, c]);
}
