/**
 * Operand layout of a matrix product C[M,N] = op(A)·op(B), row-major storage:
 * - `'nn'`: A stored [M,K], B stored [K,N] → A·B   (dense forward x·W)
 * - `'tn'`: A stored [K,M], B stored [K,N] → Aᵀ·B  (weight grad xᵀ·dy)
 * - `'nt'`: A stored [M,K], B stored [N,K] → A·Bᵀ  (input grad dy·Wᵀ)
 */
export type Layout = 'nn' | 'tn' | 'nt';
