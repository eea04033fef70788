import { matmulKernel } from '../kernels/matmul.js'
import type { Layout } from '../kernels/layout.js'
import { assertRank } from '../internal/assert.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { fromStorage, type Storage, type Tensor } from '../tensor/Tensor.js'

/**
 * A dense layer's epilogue fused into a product (see `matmulKernel`): `check(n)` runs once the
 * product's shape is known (before any work), then C[i, j] += bias[j] and relu if asked.
 */
export interface Epilogue {
  readonly bias: Storage
  readonly relu: boolean
  readonly check: (n: number) => void
}

/** The product of `a` and `b` in `layout` for op `op` (shapes checked), with an optional epilogue. */
export const run = (op: string, layout: Layout, a: Tensor, b: Tensor, epilogue?: Epilogue): Tensor => {
  assertRank(op, a, 2, 'a')
  assertRank(op, b, 2, 'b')
  const [a0, a1] = a.shape as readonly [number, number]
  const [b0, b1] = b.shape as readonly [number, number]
  const [m, ka] = layout === 'tn' ? [a1, a0] : [a0, a1]
  const [kb, n] = layout === 'nt' ? [b1, b0] : [b0, b1]
  if (ka !== kb)
    throw new ShapeError(op, `a has shape ${showShape(a.shape)} but b has shape ${showShape(b.shape)} (inner dimensions ${ka} and ${kb} differ)`)
  epilogue?.check(n)
  let ad = a.data
  let bd = b.data
  // NOTE: mixed dtypes compute in float64; only the float32 operand needs converting.
  if (ad instanceof Float64Array !== bd instanceof Float64Array) {
    if (!(ad instanceof Float64Array)) ad = Float64Array.from(ad)
    if (!(bd instanceof Float64Array)) bd = Float64Array.from(bd)
  }
  return fromStorage([m, n], matmulKernel(ad, bd, m, ka, n, layout, epilogue?.bias, epilogue?.relu))
}

/**
 * Matrix product `a · b`: `[M, K] × [K, N] → [M, N]`.
 *
 * The compiler rejects unequal inner dimensions it can see ("Type '5' is not assignable to type '3'");
 * run time checks the rest.
 *
 * @example
 * matmul(zeros([2, 3]), zeros([3, 4])) // Tensor<[2, 4]>
 * @category ops
 */
export const matmul = <M extends number, K extends number, N extends number>(
  a: Tensor<[M, K]>,
  b: Tensor<[NoInfer<K>, N]>,
): Tensor<[M, N]> => run('matmul', 'nn', a, b) as Tensor<[M, N]>

/**
 * `aᵀ · b` without materialising the transpose: `[K, M]ᵀ × [K, N] → [M, N]` (the weight gradient `xᵀ·dy`).
 *
 * @category ops
 */
export const matmulTN = <K extends number, M extends number, N extends number>(
  a: Tensor<[K, M]>,
  b: Tensor<[NoInfer<K>, N]>,
): Tensor<[M, N]> => run('matmulTN', 'tn', a, b) as Tensor<[M, N]>

/**
 * `a · bᵀ` without materialising the transpose: `[M, K] × [N, K]ᵀ → [M, N]` (the input gradient `dy·Wᵀ`).
 *
 * @category ops
 */
export const matmulNT = <M extends number, K extends number, N extends number>(
  a: Tensor<[M, K]>,
  b: Tensor<[N, NoInfer<K>]>,
): Tensor<[M, N]> => run('matmulNT', 'nt', a, b) as Tensor<[M, N]>
