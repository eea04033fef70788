import { key as mkKey, labels, normal, split, tensor, type Labels, type Tensor } from '../../src/index.js'

/**
 * A toy classification set: `k` Gaussian blobs in `d` dimensions, `n` points. The blob centres come
 * from `seed`, the noise from `noiseSeed`, so two sets with one `seed` share their centres.
 */
export const blobs = <const D extends number = 4>(seed: number, noiseSeed: number, n: number, d: D = 4 as D, k = 3, spread = 1): { x: Tensor<[number, D]>; y: Labels<number> } => {
  const [kc] = split(mkKey(seed))
  const kx = mkKey(noiseSeed)
  const centres = normal(kc!, [k, d], 0, 3, 'float32').data
  const noise = normal(kx, [n, d], 0, spread, 'float32').data
  const xs = new Float32Array(n * d)
  const ys: number[] = []
  for (let i = 0; i < n; i++) {
    const c = i % k
    ys.push(c)
    for (let j = 0; j < d; j++) xs[i * d + j] = centres[c * d + j]! + noise[i * d + j]!
  }
  return { x: tensor([n, d] as [number, D], xs), y: labels(ys as number[], k) as Labels<number> }
}
