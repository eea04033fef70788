import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { dataset, fitNormalizer, key, labels, mean, normal, normalize, ShapeError, splitData, tensor, toRows, ValueError, type Tensor } from '../../src/index.js'

const colMeans = (rows: number[][]): number[] => rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length)

describe('fitNormalizer / normalize', () => {
  it('computes the population mean and std per feature in float64', () => {
    const s = fitNormalizer(tensor([4, 2], [1, 10, 2, 20, 3, 30, 4, 40]))
    expect(s.mean.dtype).toBe('float64')
    expect(Array.from(s.mean.data)).toEqual([2.5, 25])
    expect(Array.from(s.std.data)).toEqual([Math.sqrt(1.25), Math.sqrt(125)])
  })
  it('uses the training statistics on every split: train is centred, validation is not', () => {
    // Train rows are 0..9 in feature 0; validation rows are 100..104, far from the train mean.
    const x: Tensor<[number, 2]> = tensor([15, 2], Array.from({ length: 15 }, (_, i) => [i < 10 ? i : 90 + i, 1]).flat())
    const d = dataset(x, labels(new Array<number>(15).fill(0), 1))
    const train = { ...d, x: tensor([10, 2], Array.from(d.x.data.subarray(0, 20))) }
    const val = tensor([5, 2], Array.from(d.x.data.subarray(20)))
    const stats = fitNormalizer(train.x)
    const zTrain = normalize(stats)(train.x)
    const zVal = pipe(val, normalize(stats))
    expect(colMeans(toRows(zTrain))[0]).toBeCloseTo(0, 6)
    // validation mean is (102 − 4.5) / std(0..9) ≈ 34.1, not 0: its own statistics were not used
    expect(colMeans(toRows(zVal))[0]).toBeCloseTo((102 - 4.5) / Math.sqrt(8.25), 4)
    expect(Array.from(mean(zTrain, 0).data)[0]).toBeCloseTo(0, 6)
  })
  it('gives finite values (exactly 0) for a zero-variance feature, on every split', () => {
    const stats = fitNormalizer(tensor([3, 2], [0.1, 1, 0.1, 2, 0.1, 3]))
    expect(Array.from(stats.std.data)).toEqual([1, Math.sqrt(2 / 3)])
    expect(stats.mean.data[0]).toBe(Math.fround(0.1))
    const z = normalize(stats)(tensor([2, 2], [0.1, 2, 0.5, 3]))
    expect(z.data.every(Number.isFinite)).toBe(true)
    expect(z.data[0]).toBe(0)
    expect(z.data[2]).toBeCloseTo(0.5 - 0.1, 6)
  })
  it('standardises a realistic split to mean 0 and std 1 on train', () => {
    const x: Tensor<[number, 3]> = normal(key(0), [200, 3], 5, 3)
    const { train } = splitData(key(1), dataset(x, labels(new Array<number>(200).fill(0), 1)), { train: 150, validation: 50 })
    const z = normalize(fitNormalizer(train.x))(train.x)
    const rows = toRows(z)
    for (const m of colMeans(rows)) expect(m).toBeCloseTo(0, 5)
    for (let j = 0; j < 3; j++) expect(rows.reduce((s, r) => s + r[j]! ** 2, 0) / rows.length).toBeCloseTo(1, 5)
    expect(z.dtype).toBe('float32')
  })
  it('does not mutate its input', () => {
    const x = tensor([2, 1], [1, 3])
    normalize(fitNormalizer(x))(x)
    expect(Array.from(x.data)).toEqual([1, 3])
  })
  it('names the culprit for a width mismatch, a non-finite value and an empty x', () => {
    const stats = fitNormalizer(tensor([2, 2], [1, 2, 3, 4]))
    expect(() => normalize(stats)(tensor([1, 3], [1, 2, 3]) as never)).toThrow(
      new ShapeError('normalize', 'x has shape [1,3] but the statistics have mean [2] and std [2]'),
    )
    expect(() => fitNormalizer(tensor([2, 2], [1, 2, NaN, 4]))).toThrow(new ValueError('fitNormalizer', 'x[1,0] is NaN; statistics need finite values'))
    expect(() => fitNormalizer(tensor([0, 2], []))).toThrow('fitNormalizer: x has shape [0,2]: statistics need at least one row')
  })
})

describe('fitNormalizer minStd', () => {
  it('floors each standard deviation at minStd and leaves larger ones exact', () => {
    const x = tensor([4, 2], [0, 0, 0, 10, 0.1, 0, 0.1, 10])
    const exact = fitNormalizer(x)
    const floored = fitNormalizer(x, { minStd: 0.5 })
    expect(exact.std.data[0]).toBeCloseTo(0.05, 7)
    expect(floored.std.data[0]).toBe(0.5)
    expect(floored.std.data[1]).toBe(exact.std.data[1])
    expect(() => fitNormalizer(x, { minStd: -1 })).toThrow('fitNormalizer: minStd must be a finite number ≥ 0, got -1')
  })
})
