import { describe, expect, it } from 'vitest'
import { dataset, key, labels, minibatches, regressionSet, shuffle, tensor, ValueError, type Dataset } from '../../src/index.js'

// Row i has features [i, 100 + i] and label i % 3, so every row can be identified after batching.
const rows = (n: number): Dataset<number, 2> => {
  const x: number[] = []
  for (let i = 0; i < n; i++) x.push(i, 100 + i)
  return dataset(tensor([n, 2], x), labels(Array.from({ length: n }, (_, i) => i % 3), 3))
}
const ids = (b: Dataset<number, 2>): number[] => {
  const out: number[] = []
  for (let i = 0; i < b.x.shape[0]; i++) {
    const id = b.x.data[2 * i]!
    expect(b.x.data[2 * i + 1]).toBe(100 + id)
    expect(b.y.data[i]).toBe(id % 3)
    out.push(id)
  }
  return out
}

describe('minibatches', () => {
  const d = rows(23)
  const batches = minibatches(key(7), d, 5)
  it('partitions the rows: every row exactly once, features and labels still paired', () => {
    const seen = batches.flatMap(ids)
    expect(seen.length).toBe(23)
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i))
  })
  it('keeps the last partial batch', () => {
    expect(batches.map((b) => b.x.shape[0])).toEqual([5, 5, 5, 5, 3])
    expect(batches.map((b) => b.y.shape[0])).toEqual([5, 5, 5, 5, 3])
  })
  it('is deterministic for a key and shuffled differently for another', () => {
    expect(minibatches(key(7), d, 5).flatMap(ids)).toEqual(batches.flatMap(ids))
    const other = minibatches(key(8), d, 5).flatMap(ids)
    expect(other).not.toEqual(batches.flatMap(ids))
    expect(batches.flatMap(ids)).not.toEqual(Array.from({ length: 23 }, (_, i) => i))
  })
  it('gives one batch when batchSize ≥ N, and none for an empty dataset', () => {
    expect(minibatches(key(0), d, 100).map((b) => b.x.shape[0])).toEqual([23])
    expect(minibatches(key(0), rows(0), 4)).toEqual([])
  })
  it('rejects a batch size that is not a positive integer', () => {
    expect(() => minibatches(key(0), d, 0)).toThrow(new ValueError('minibatches', 'batchSize must be a positive integer, got 0'))
    expect(() => minibatches(key(0), d, 2.5)).toThrow('minibatches: batchSize must be a positive integer, got 2.5')
    expect(() => minibatches(key(0), d, NaN)).toThrow(ValueError)
  })
  it('batches regression sets (targets follow their rows)', () => {
    const x = tensor([4, 1], [0, 1, 2, 3])
    const r = regressionSet(x, x)
    for (const b of minibatches(key(1), r, 3)) expect(Array.from(b.y.data)).toEqual(Array.from(b.x.data))
  })
  it('leaves the input untouched', () => {
    expect(ids(d)).toEqual(Array.from({ length: 23 }, (_, i) => i))
  })
})

describe('shuffle', () => {
  it('permutes rows deterministically, keeping pairs', () => {
    const d = rows(10)
    const s = ids(shuffle(key(3), d))
    expect([...s].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i))
    expect(ids(shuffle(key(3), d))).toEqual(s)
    expect(ids(shuffle(key(4), d))).not.toEqual(s)
  })
})
