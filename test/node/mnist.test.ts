import { describe, expect, it } from 'vitest'
import { loadMnist } from '../../src/node/index.js'

describe('loadMnist', () => {
  const d = loadMnist()
  it('loads every digit the package ships (10,000), as float32 [N, 784]', () => {
    expect(d.x.shape).toEqual([10000, 784])
    expect(d.y.shape).toEqual([10000])
    expect(d.x.dtype).toBe('float32')
  })
  it('has integer labels in 0..9 with the package per-class counts', () => {
    const counts = new Array<number>(10).fill(0)
    for (const l of d.y.data) counts[l]!++
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978])
  })
  it('has pixels in [0, 1] and images that are not blank', () => {
    let min = Infinity
    let max = -Infinity
    for (const v of d.x.data) {
      if (v < min) min = v
      if (v > max) max = v
    }
    expect([min, max]).toEqual([0, 1])
    for (const i of [0, 5000, 9999]) expect(d.x.data.subarray(i * 784, (i + 1) * 784).some((v) => v > 0.5)).toBe(true)
  })
})
