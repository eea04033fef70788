import type { Layout } from './layout.js';
import { matmulRef, type FloatArray } from './matmulRef.js';
import { reluForward } from './relu.js';
import { matmulF32, wasmAvailable } from './wasmMatmul.js';

/**
 * Matmul dispatch: C[M,N] = op(A)·op(B), row-major, returning a new array; then, if given, the
 * dense layer's epilogue: C[i, j] += bias[j] (`bias` of length N) and relu (`relu`).
 * Stored shapes: 'nn' a[M,K] b[K,N]; 'tn' a[K,M] b[K,N]; 'nt' a[M,K] b[N,K].
 * Float32 operands (and bias) go to the wasm SIMD kernel when available, which applies the
 * epilogue to each block as it finishes it; anything else (or no wasm) uses the plain-JS
 * {@link matmulRef} in `a`'s precision and then the same epilogue in JS (same bits).
 */
export function matmulKernel<T extends FloatArray>(
  a: T, b: FloatArray, m: number, k: number, n: number, layout: Layout, bias?: FloatArray, relu = false,
): T {
  if (a instanceof Float32Array && b instanceof Float32Array && (bias === undefined || bias instanceof Float32Array) &&
      wasmAvailable()) {
    return matmulF32(a, b, m, k, n, layout, bias, relu) as T;
  }
  const c = matmulRef(a, b, m, k, n, layout);
  if (bias !== undefined) for (let r = 0, i = 0; r < m; r++) for (let j = 0; j < n; j++, i++) c[i] = c[i]! + bias[j]!;
  if (relu) reluForward(c, c);
  return c;
}
