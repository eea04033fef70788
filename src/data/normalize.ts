import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, type Tensor } from '../tensor/Tensor.js'

/**
 * Per-feature statistics for standardisation, both of shape `[D]` and stored as float64.
 *
 * @category data
 */
export interface NormalizerStats<D extends number> {
  readonly mean: Tensor<[D]>
  readonly std: Tensor<[D]>
}

/** Options of {@link fitNormalizer}. @category data */
export interface NormalizerOptions {
  /**
   * A floor for each feature's standard deviation (default 0: exact z-scores). Pixels that are
   * almost always blank have a tiny std on the training split; flooring it keeps a stroke that
   * appears there in a test image from being blown up to a huge z-score.
   */
  readonly minStd?: number
}

/**
 * The per-feature mean and (population) standard deviation of `x`, accumulated in float64 with
 * two passes. Pass the TRAINING split only, then apply the result to every split with `normalize`,
 * so that no statistic leaks from validation or test data.
 *
 * NOTE: a constant feature (every value equal, so variance 0) gets `std = 1` and `mean` equal to
 * that value, so it normalises to exactly 0 instead of NaN. No epsilon is added anywhere else: the
 * other features are exact z-scores. (scikit-learn's `StandardScaler` makes the same choice.)
 *
 * - `x`: features, shape `[N, D]` with `N ≥ 1`, all finite.
 * - `options.minStd`: floor for each std (see {@link NormalizerOptions}).
 * - returns: `{ mean, std }`, each `Tensor<[D]>` (float64).
 *
 * @throws ValueError when `x` has no rows or holds a non-finite value (naming its row and column).
 * @example
 * const stats = fitNormalizer(train.x)
 * const xVal = normalize(stats)(validation.x)
 * @category data
 */
export const fitNormalizer = <D extends number>(x: Tensor<[number, D]>, options: NormalizerOptions = {}): NormalizerStats<D> => {
  const minStd = options.minStd ?? 0
  if (!(minStd >= 0 && Number.isFinite(minStd))) throw new ValueError('fitNormalizer', `minStd must be a finite number ≥ 0, got ${minStd}`)
  if (x.shape.length !== 2) throw new ShapeError('fitNormalizer', `x has shape ${showShape(x.shape)} but a rank-2 tensor [N,D] was expected`)
  const [n, d] = x.shape
  if (n < 1) throw new ValueError('fitNormalizer', `x has shape ${showShape(x.shape)}: statistics need at least one row`)
  const src = x.data
  const mean = new Float64Array(d)
  const min = new Float64Array(d).fill(Infinity)
  const max = new Float64Array(d).fill(-Infinity)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const v = src[i * d + j]!
      if (!Number.isFinite(v)) throw new ValueError('fitNormalizer', `x[${i},${j}] is ${v}; statistics need finite values`)
      mean[j]! += v
      if (v < min[j]!) min[j] = v
      if (v > max[j]!) max[j] = v
    }
  for (let j = 0; j < d; j++) mean[j]! /= n
  const sq = new Float64Array(d)
  for (let i = 0; i < n; i++)
    for (let j = 0; j < d; j++) {
      const e = src[i * d + j]! - mean[j]!
      sq[j]! += e * e
    }
  const std = new Float64Array(d)
  for (let j = 0; j < d; j++) {
    // NOTE: constancy is tested exactly (min = max), not by a variance threshold: rounding in the
    // mean can leave a tiny non-zero variance for a constant column.
    if (min[j] === max[j]) {
      mean[j] = min[j]!
      std[j] = 1
    } else std[j] = Math.max(minStd, Math.sqrt(sq[j]! / n))
  }
  return { mean: { shape: [d], dtype: 'float64', data: mean }, std: { shape: [d], dtype: 'float64', data: std } }
}

/**
 * Standardises features with statistics from `fitNormalizer`: `(x − mean) / std` per column,
 * computed in float64 and stored in `x`'s dtype. Data-last, for `pipe`.
 *
 * - `stats`: `{ mean, std }`, each `Tensor<[D]>`.
 * - `x`: features of any split, shape `[N, D]`.
 * - returns: a new `Tensor<[N, D]>`.
 *
 * @throws ShapeError when `x` does not have `D` columns.
 * @example
 * pipe(test.x, normalize(fitNormalizer(train.x)))
 * @category data
 */
export const normalize =
  <D extends number>(stats: NormalizerStats<D>) =>
  <N extends number>(x: Tensor<[N, D]>): Tensor<[N, D]> => {
    const d = stats.mean.shape[0]
    if (x.shape.length !== 2 || x.shape[1] !== d || stats.std.shape[0] !== d)
      throw new ShapeError('normalize', `x has shape ${showShape(x.shape)} but the statistics have mean ${showShape(stats.mean.shape)} and std ${showShape(stats.std.shape)}`)
    const n = x.shape[0]
    const mean = stats.mean.data
    const std = stats.std.data
    const src = x.data
    const out = alloc(x.dtype, src.length)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) out[i * d + j] = (src[i * d + j]! - mean[j]!) / std[j]!
    return { shape: [n, d] as [N, D], dtype: x.dtype, data: out }
  }
