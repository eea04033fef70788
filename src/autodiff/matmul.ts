import { matmul as nn, matmulNT as nt, matmulTN as tn } from '../ops/matmul.js'
import { lift, record, type Var, type VarLike } from './Var.js'

// The matrix product in its three layouts, one primitive: each layout's backward is made of the
// other layouts, so no transpose is ever materialised.
//   y = a·b    (NN):  ∂a = dy·bᵀ (NT),  ∂b = aᵀ·dy (TN)
//   y = aᵀ·b   (TN):  ∂a = b·dyᵀ (NT),  ∂b = a·dy  (NN)
//   y = a·bᵀ   (NT):  ∂a = dy·b  (NN),  ∂b = dyᵀ·a (TN)

/**
 * Matrix product `a · b`: `[M, K] × [K, N] → [M, N]` (the differentiable form of the op `matmul`;
 * unequal inner dimensions do not compile).
 *
 * @example
 * ad.matmul(ones([2, 3]), ones([3, 4]))   // Var<[2, 4]>
 * @category autodiff
 */
export const matmul = <M extends number, K extends number, N extends number>(a: VarLike<[M, K]>, b: VarLike<[NoInfer<K>, N]>): Var<[M, N]> => {
  const va = lift('matmul', 'a', a), vb = lift('matmul', 'b', b)
  return record('matmul', [va, vb], nn(va.value, vb.value), (dy, needs) => [
    needs[0] ? nt(dy as never, vb.value) : undefined,
    needs[1] ? tn(va.value, dy as never) : undefined,
  ])
}

/** `aᵀ · b`: `[K, M]ᵀ × [K, N] → [M, N]`, the transpose never materialised. @category autodiff */
export const matmulTN = <K extends number, M extends number, N extends number>(a: VarLike<[K, M]>, b: VarLike<[NoInfer<K>, N]>): Var<[M, N]> => {
  const va = lift('matmulTN', 'a', a), vb = lift('matmulTN', 'b', b)
  return record('matmulTN', [va, vb], tn(va.value, vb.value), (dy, needs) => [
    needs[0] ? nt(vb.value, dy as never) : undefined,
    needs[1] ? nn(va.value, dy as never) : undefined,
  ])
}

/** `a · bᵀ`: `[M, K] × [N, K]ᵀ → [M, N]`, the transpose never materialised. @category autodiff */
export const matmulNT = <M extends number, K extends number, N extends number>(a: VarLike<[M, K]>, b: VarLike<[N, NoInfer<K>]>): Var<[M, N]> => {
  const va = lift('matmulNT', 'a', a), vb = lift('matmulNT', 'b', b)
  return record('matmulNT', [va, vb], nt(va.value, vb.value), (dy, needs) => [
    needs[0] ? nn(dy as never, vb.value) : undefined,
    needs[1] ? tn(dy as never, va.value) : undefined,
  ])
}
