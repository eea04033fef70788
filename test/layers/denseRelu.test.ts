import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { andThen, dense, key, normal, pipe, relu, split, tensor, ValueError, type DType, type Tensor } from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

// dense(I, O, { activation: 'relu' }) against pipe(dense(I, O), andThen(relu)), bit for bit.

const bitsOf = (t: Tensor): readonly (number | bigint)[] =>
  t.data instanceof Float32Array
    ? Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length))
    : Array.from(new BigUint64Array(t.data.buffer, t.data.byteOffset, t.data.length))

/** Forward and backward of the fused layer and of dense then relu on the same params, input and dy. */
const both = (b: number, i: number, o: number, seed: number, dtype: DType, biasDtype: DType = dtype) => {
  const [kp, kb, kx, kd] = split(key(seed), 4)
  const fused = dense(i, o, { activation: 'relu', dtype })
  const separate = pipe(dense(i, o, { dtype }), andThen(relu))
  // A bias of the scale of x·W, so that about half the pre-activations are negative.
  const p = { w: fused.init(kp!).w, b: normal(kb!, [o], 0, 1, biasDtype) }
  const x = normal(kx!, [b, i], 0, 1, dtype)
  const dy = normal(kd!, [b, o], 0, 1, dtype)
  const [yf, backF] = fused.apply(p, x)
  const [ys, backS] = separate.apply([p, {}], x)
  const [gf, dxf] = backF(dy)
  const [[gs], dxs] = backS(dy)
  return { yf, ys, gf, gs, dxf, dxs }
}

describe('dense with a fused relu', () => {
  for (const dtype of ['float32', 'float64'] as const)
    it(`equals dense then relu bit for bit, forward and backward (${dtype}, random sizes)`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 11 }), fc.integer({ min: 0, max: 1e6 }), (b, i, o, seed) => {
          const r = both(b, i, o, seed, dtype)
          expect(r.yf.dtype).toBe(dtype)
          expect(bitsOf(r.yf)).toEqual(bitsOf(r.ys))
          expect(bitsOf(r.gf.w)).toEqual(bitsOf(r.gs.w))
          expect(bitsOf(r.gf.b)).toEqual(bitsOf(r.gs.b))
          expect(bitsOf(r.dxf)).toEqual(bitsOf(r.dxs))
        }),
        { numRuns: 40 },
      )
    })
  it('equals dense then relu at the MLP size (batch 128, 784→256), with zero rows of dy', () => {
    const r = both(128, 784, 256, 3, 'float32')
    expect(bitsOf(r.yf)).toEqual(bitsOf(r.ys))
    expect(bitsOf(r.gf.b)).toEqual(bitsOf(r.gs.b))
    expect(bitsOf(r.gf.w)).toEqual(bitsOf(r.gs.w))
    expect(bitsOf(r.dxf)).toEqual(bitsOf(r.dxs))
    expect(Array.from(r.yf.data).filter((v) => v === 0).length).toBeGreaterThan(128 * 256 * 0.2) // the relu did cut
  })
  it('promotes as dense does: float64 bias on float32 weights gives float64, still bit for bit', () => {
    const r = both(5, 3, 4, 7, 'float32', 'float64')
    expect(r.yf.dtype).toBe('float64')
    expect(bitsOf(r.yf)).toEqual(bitsOf(r.ys))
    expect(bitsOf(r.gf.b)).toEqual(bitsOf(r.gs.b))
    expect(bitsOf(r.dxf)).toEqual(bitsOf(r.dxs))
  })
  it('is relu(x·W + b), +0 where x·W + b ≤ 0, and masks dy there', () => {
    const l = dense(2, 3, { activation: 'relu' })
    const p = { w: tensor([2, 3], [1, -1, 0, 2, -2, 0]), b: tensor([3], [0, 0, -0]) }
    const [y, back] = l.apply(p, tensor([1, 2], [1, 1]))
    expect(Array.from(y.data)).toEqual([3, 0, 0])
    expect(Object.is(y.data[1], 0) && Object.is(y.data[2], 0)).toBe(true) // +0, as relu gives for −3 and −0
    const [g, dx] = back(tensor([1, 3], [5, 7, 11]))
    expect(Array.from(g.b.data)).toEqual([5, 0, 0])
    expect(Array.from(g.w.data)).toEqual([5, 0, 0, 5, 0, 0])
    expect(Array.from(dx.data)).toEqual([5, 10])
  })
  it('leaves its inputs untouched', () => {
    const l = dense(4, 3, { activation: 'relu' })
    const [kp, kx, kd] = split(key(5), 3)
    const p = { w: l.init(kp!).w, b: normal(kx!, [3], 0, 1) }
    const x = normal(kx!, [6, 4], 0, 1), dy = normal(kd!, [6, 3], 0, 1)
    const before = [p.w, p.b, x, dy].map(bitsOf)
    const [y, back] = l.apply(p, x)
    const [, dx] = back(dy)
    void dx.data
    expect([p.w, p.b, x, dy].map(bitsOf)).toEqual(before)
    expect(y.data).not.toBe(dy.data)
  })
  it('passes gradCheck in float64 below 1e-6', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1e6 }), (b, i, o, seed) => {
        expect(checkLayer(dense(i, o, { dtype: 'float64', activation: 'relu' }), key(seed), b, i).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 25 },
    )
  })
  it('is still kind dense, names its activation, and refuses an unknown one', () => {
    const l = dense(3, 2, { activation: 'relu' })
    expect(l.kind).toBe('dense')
    expect(l.name).toBe('dense(3→2, relu)')
    expect((l as unknown as { activation: string }).activation).toBe('relu')
    expect('activation' in dense(3, 2)).toBe(false)
    expect(() => dense(3, 2, { activation: 'tanh' as never })).toThrow(ValueError)
    expect(() => dense(3, 2, { activation: 'tanh' as never })).toThrow(`dense: activation must be 'relu' or left out, got "tanh"`)
  })
})
