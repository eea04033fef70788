import { setThreads } from './kernelThreads.js';
import { wasmAvailable, wasmMaxThreads, wasmThreads } from './wasmMatmul.js';

/**
 * Which kernels this environment runs.
 * - `matmul`: `'wasm-simd'` when the WebAssembly SIMD kernel instantiated, `'js'` when it fell back
 *   to the plain-JS reference (no WebAssembly, no SIMD, or a content security policy that refuses
 *   compilation).
 * - `threads`: the threads a large float32 product runs on now — the calling one plus the worker
 *   threads that have started. Workers start in the background on first use, so this can read 1
 *   just after start-up and reach `maxThreads` a few milliseconds later.
 * - `maxThreads`: the threads the kernels will use once their workers are up: the count set by
 *   {@link setKernelThreads} (default: the machine's cores, at most 4), or 1 where memory cannot be
 *   shared with a worker (a page that is not cross-origin isolated, no `SharedArrayBuffer`), or
 *   with the `'js'` fallback.
 *
 * Results are bit-identical whatever the thread count.
 *
 * @category kernels
 */
export interface KernelInfo {
  readonly matmul: 'wasm-simd' | 'js';
  readonly threads: number;
  readonly maxThreads: number;
}

/**
 * Reports which matmul implementation and how many threads are active in the calling context (the
 * main thread and each Web Worker decide for themselves), starting the kernel's workers if they
 * are not started yet.
 *
 * @example
 * import { kernelInfo } from 'tensorfold'
 * kernelInfo() // { matmul: 'wasm-simd', threads: 2, maxThreads: 2 } in Node 20 on 2 cores, once the worker is up
 * @category kernels
 */
export function kernelInfo(): KernelInfo {
  if (!wasmAvailable()) return { matmul: 'js', threads: 1, maxThreads: 1 };
  return { matmul: 'wasm-simd', threads: wasmThreads(), maxThreads: wasmMaxThreads() };
}

/**
 * Sets how many threads the float32 kernels may use in this context, the calling thread included:
 * 1 keeps every product on the calling thread, n > 1 lets products of at least about two million
 * multiply-adds be split with n − 1 worker threads (at most 8 in all). Results are bit-identical
 * for any count; only the speed changes. Like `torch.set_num_threads`, this is a setting of the
 * runtime, not of a model. Returns {@link kernelInfo} after the change.
 *
 * @example
 * import { setKernelThreads } from 'tensorfold'
 * setKernelThreads(1) // { matmul: 'wasm-simd', threads: 1, maxThreads: 1 }
 * @throws RangeError unless `n` is a positive integer.
 * @category kernels
 */
export function setKernelThreads(n: number): KernelInfo {
  setThreads(n);
  return kernelInfo();
}
