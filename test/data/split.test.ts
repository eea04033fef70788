import { describe, expect, it } from 'vitest'
import { dataset, key, labels, splitData, tensor, ValueError, type Dataset } from '../../src/index.js'

const rows = (n: number): Dataset<number, 1> =>
  dataset(tensor([n, 1], Array.from({ length: n }, (_, i) => i)), labels(Array.from({ length: n }, (_, i) => i % 2), 2))
const ids = (d: Dataset<number, 1>): number[] => Array.from(d.x.data)

describe('splitData', () => {
  const d = rows(50)
  it('cuts disjoint parts of the requested sizes; the rest is test', () => {
    const { train, validation, test } = splitData(key(1), d, { train: 30, validation: 12 })
    expect([train, validation, test].map((s) => s.x.shape[0])).toEqual([30, 12, 8])
    const all = [...ids(train), ...ids(validation), ...ids(test)]
    expect(new Set(all).size).toBe(50)
    for (const s of [train, validation, test]) for (let i = 0; i < s.x.shape[0]; i++) expect(s.y.data[i]).toBe(s.x.data[i]! % 2)
  })
  it('leaves examples out when an explicit test size is smaller than the rest', () => {
    const { train, validation, test } = splitData(key(1), d, { train: 10, validation: 5, test: 5 })
    expect([train, validation, test].map((s) => s.x.shape[0])).toEqual([10, 5, 5])
    expect(new Set([...ids(train), ...ids(validation), ...ids(test)]).size).toBe(20)
  })
  it('is fixed by the key and shuffles', () => {
    const a = splitData(key(1), d, { train: 30, validation: 12 })
    const b = splitData(key(1), d, { train: 30, validation: 12 })
    const c = splitData(key(2), d, { train: 30, validation: 12 })
    expect(ids(b.train)).toEqual(ids(a.train))
    expect(ids(c.train)).not.toEqual(ids(a.train))
    expect(ids(a.train)).not.toEqual(Array.from({ length: 30 }, (_, i) => i))
  })
  it('rejects counts that exceed N or are not non-negative integers', () => {
    expect(() => splitData(key(0), d, { train: 40, validation: 11 })).toThrow(
      new ValueError('splitData', 'train 40 + validation 11 = 51 exceeds the 50 examples of data'),
    )
    expect(() => splitData(key(0), d, { train: 40, validation: 5, test: 6 })).toThrow(
      'splitData: train 40 + validation 5 + test 6 = 51 exceeds the 50 examples of data',
    )
    expect(() => splitData(key(0), d, { train: -1, validation: 5 })).toThrow('splitData: train must be a non-negative integer count, got -1')
    expect(() => splitData(key(0), d, { train: 10, validation: 0.5 })).toThrow(ValueError)
  })
  it('allows exactly N and empty parts', () => {
    const { test, validation } = splitData(key(0), d, { train: 50, validation: 0 })
    expect(test.x.shape).toEqual([0, 1])
    expect(validation.y.shape).toEqual([0])
  })
})
