import type { Layout } from './layout.js';

/** Float arrays the kernels accept; the output has the same type as `a`. */
export type FloatArray = Float32Array | Float64Array;

/**
 * Plain-JS reference / fallback matmul: C[M,N] = op(A)·op(B), row-major.
 * Shapes as stored: 'nn' A[M,K] B[K,N]; 'tn' A[K,M] B[K,N]; 'nt' A[M,K] B[N,K]
 * (see {@link Layout}). Result type is `a`'s type (Float64Array stays
 * float64); 'nn'/'tn' accumulate in that precision (loop order i-k-j), 'nt'
 * uses contiguous dot products (i-j-k) summed in a JS double. If `out` is
 * given (length ≥ M·N) it is overwritten and returned.
 */
export function matmulRef<T extends FloatArray>(
  a: T, b: FloatArray, m: number, k: number, n: number, layout: Layout, out?: T,
): T {
  const c = out ?? (new (a.constructor as new (len: number) => T)(m * n));
  c.fill(0, 0, m * n);
  // op(A)(i,p) = a[i*aRow + p*aCol]; op(B)(p,j) = b[p*bRow + j*bCol].
  const aRow = layout === 'tn' ? 1 : k;
  const aCol = layout === 'tn' ? m : 1;
  if (layout === 'nt') {
    // Inner product over contiguous rows of A and B: i-j-p is the fast order.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[i * k + p]! * b[j * k + p]!;
        c[i * n + j] = s;
      }
    }
    return c;
  }
  // i-k-j: broadcast op(A)(i,p) against the contiguous row p of B.
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const av = a[i * aRow + p * aCol]!;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] = c[ci + j]! + av * b[bp + j]!;
    }
  }
  return c;
}
