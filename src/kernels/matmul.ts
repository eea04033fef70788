import type { Layout } from './layout.js';
import { matmulRef, type FloatArray } from './matmulRef.js';
import { matmulF32, wasmAvailable } from './wasmMatmul.js';

/**
 * Matmul dispatch: C[M,N] = op(A)·op(B), row-major, returning a new array.
 * Stored shapes: 'nn' a[M,K] b[K,N]; 'tn' a[K,M] b[K,N]; 'nt' a[M,K] b[N,K].
 * Two Float32Arrays go to the wasm SIMD kernel when available; anything else
 * (or no wasm) uses the plain-JS {@link matmulRef} in `a`'s precision.
 */
export function matmulKernel<T extends FloatArray>(
  a: T, b: FloatArray, m: number, k: number, n: number, layout: Layout,
): T {
  if (a instanceof Float32Array && b instanceof Float32Array && wasmAvailable()) {
    return matmulF32(a, b, m, k, n, layout) as T;
  }
  return matmulRef(a, b, m, k, n, layout);
}
