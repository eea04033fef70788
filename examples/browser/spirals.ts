/**
 * The two-spirals problem (Lang & Witbrock, 1988): two interleaved arms in the plane, class 0 and
 * class 1 half a turn apart. A linear model scores 50%; an MLP has to bend its boundary around
 * both arms. Generated from a key only, so a seed names the data set exactly.
 */
import { dataset, labels, normal, split, tensor, uniform, type Key } from '../../src/index.js'

/** Shape of the arms: number of turns, and the standard deviation of the Gaussian noise. */
export interface SpiralOptions {
  readonly turns: number
  readonly noise: number
}

export const defaultSpirals: SpiralOptions = { turns: 2, noise: 0.05 }

/**
 * `n` points of two spirals: example `i` has class `i mod 2`, radius `r = √u` (`u ~ U[0, 1)`, so
 * the points are spread evenly over the area) and angle `2π·turns·r + π·class`, plus noise.
 *
 * - returns: a dataset with `x: [n, 2]` (coordinates in about `[−1.1, 1.1]`) and labels `[n]` in `{0, 1}`.
 */
export const spirals = (k: Key, n: number, { turns, noise }: SpiralOptions = defaultSpirals) => {
  const [kRadius, kNoise] = split(k, 2) as [Key, Key]
  const u = uniform(kRadius, [n]).data
  const eps = normal(kNoise, [n, 2], 0, noise).data
  const xs = new Float32Array(2 * n)
  const ys = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const c = i % 2
    const r = Math.sqrt(u[i]!)
    const angle = 2 * Math.PI * turns * r + Math.PI * c
    xs[2 * i] = r * Math.cos(angle) + eps[2 * i]!
    xs[2 * i + 1] = r * Math.sin(angle) + eps[2 * i + 1]!
    ys[i] = c
  }
  return dataset(tensor([n, 2], xs), labels(ys, 2))
}
