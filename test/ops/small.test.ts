import { describe, expect, it } from 'vitest'
import {
  addScalar, applyUpdates, fromStorage, initOptimizer, intIn, inverseTimeDecay, key, map, numel, ShapeError, showShape, sliceRows,
  step, sumAll, tensor, toRows, trace, uniformIn, weightsOnly, zeros, zerosLike, chain, scaleByLearningRate,
} from '../../src/index.js'

describe('small tensor helpers', () => {
  const a = tensor([2, 3], [1, 2, 3, 4, 5, 6])
  it('addScalar, map and sumAll compute elementwise values and leave the input alone', () => {
    expect(Array.from(addScalar(a, 0.5).data)).toEqual([1.5, 2.5, 3.5, 4.5, 5.5, 6.5])
    expect(Array.from(map(a, (v) => v * v).data)).toEqual([1, 4, 9, 16, 25, 36])
    expect(sumAll(a)).toBe(21)
    expect(Array.from(a.data)).toEqual([1, 2, 3, 4, 5, 6])
  })
  it('numel, showShape, zerosLike and fromStorage', () => {
    expect(numel([2, 3, 4])).toBe(24)
    expect(showShape([2, 3])).toBe('[2,3]')
    const z = zerosLike(tensor([2], [1, 2], 'float64'))
    expect(z.dtype).toBe('float64')
    expect(Array.from(z.data)).toEqual([0, 0])
    expect(fromStorage([2], new Float64Array([1, 2])).dtype).toBe('float64')
    expect(() => fromStorage([3], new Float32Array(2))).toThrow('tensor: data has 2 elements but shape [3] needs 3')
  })
  it('sliceRows views rows start…end−1 and names the bad range', () => {
    expect(toRows(sliceRows(a, 1, 2))).toEqual([[4, 5, 6]])
    expect(sliceRows(a, 0, 0).shape).toEqual([0, 3])
    expect(() => sliceRows(a, 1, 3)).toThrow(ShapeError)
    expect(() => sliceRows(a, 1, 3)).toThrow('sliceRows: rows 1…3 are outside x of shape [2,3]')
  })
})

describe('small optimizer and search helpers', () => {
  it('applyUpdates adds leaf by leaf', () => {
    const p = { w: tensor([1, 2], [1, 2], 'float64') }
    expect(Array.from(applyUpdates(p, { w: tensor([1, 2], [0.5, -1], 'float64') }).w.data)).toEqual([1.5, 1])
  })
  it('trace with nesterov updates by ∇ + β ḡ_t', () => {
    const opt = chain(trace(0.5, true), scaleByLearningRate(1))
    const s1 = step(opt)(initOptimizer(opt, { w: tensor([1], [0], 'float64') }), { w: tensor([1], [2], 'float64') })
    // ḡ_1 = 2, update = 2 + 0.5·2 = 3, θ = −3
    expect(s1.params.w.data[0]).toBe(-3)
  })
  it('inverseTimeDecay is α / (1 + δt)', () => {
    expect([0, 1, 3].map(inverseTimeDecay(1, 1))).toEqual([1, 0.5, 0.25])
  })
  it('weightsOnly selects matrices, not vectors', () => {
    expect(weightsOnly(zeros([2, 2]), 'w')).toBe(true)
    expect(weightsOnly(zeros([2]), 'b')).toBe(false)
  })
  it('uniformIn and intIn stay in range and are deterministic', () => {
    const u = Array.from({ length: 200 }, (_, i) => uniformIn(2, 3)(key(i)))
    expect(u.every((v) => v >= 2 && v < 3)).toBe(true)
    const n = Array.from({ length: 200 }, (_, i) => intIn(1, 3)(key(i)))
    expect(new Set(n)).toEqual(new Set([1, 2, 3]))
    expect(intIn(1, 3)(key(5))).toBe(n[5])
  })
})
