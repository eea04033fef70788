import { wasmAvailable } from './wasmMatmul.js';

/**
 * Which kernels this environment runs: `matmul` is `'wasm-simd'` when the WebAssembly SIMD
 * kernel instantiated and `'js'` when it fell back to the plain-JS reference (no WebAssembly, no
 * SIMD, or a content security policy that refuses compilation). `threads` is the number of threads
 * a kernel uses; every kernel is single-threaded today.
 *
 * @category kernels
 */
export interface KernelInfo {
  readonly matmul: 'wasm-simd' | 'js';
  readonly threads: 1;
}

/**
 * Reports which matmul implementation is active in the calling context (the main thread and each
 * Web Worker decide for themselves). Instantiates the wasm module on first use, as the first
 * matmul would.
 *
 * @example
 * import { kernelInfo } from 'tensorfold'
 * kernelInfo() // { matmul: 'wasm-simd', threads: 1 } in Node 20 and current browsers
 * @category kernels
 */
export function kernelInfo(): KernelInfo {
  return { matmul: wasmAvailable() ? 'wasm-simd' : 'js', threads: 1 };
}
