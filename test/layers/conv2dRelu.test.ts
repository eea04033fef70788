import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { andThen, conv2d, input, kernelInfo, key, normal, pipe, relu, setKernelThreads, split, tensor, ValueError, type DType, type Tensor } from '../../src/index.js'
import { threadStats } from '../../src/kernels/kernelThreads.js'
import { startWasmThreads } from '../../src/kernels/wasmMatmul.js'
import { checkLayer } from '../util/checkLayer.js'

// conv2d(K, F, { activation: 'relu' }) against pipe(conv2d(K, F), andThen(relu)), bit for bit.

const bitsOf = (t: Tensor): readonly (number | bigint)[] =>
  t.data instanceof Float32Array
    ? Array.from(new Uint32Array(t.data.buffer, t.data.byteOffset, t.data.length))
    : Array.from(new BigUint64Array(t.data.buffer, t.data.byteOffset, t.data.length))

interface Case { b: number; h: number; w: number; c: number; k: number; f: number; stride: number; padding: 'valid' | 'same'; seed: number }

/** Forward and backward of the fused layer and of conv2d then relu on the same params, input and dy. */
const both = (t: Case, dtype: DType) => {
  const [kp, kb, kx, kd] = split(key(t.seed), 4)
  const opts = { stride: t.stride, padding: t.padding, dtype }
  const fused = conv2d(t.k, t.f, { ...opts, activation: 'relu' }).bind([t.h, t.w, t.c])
  const separate = pipe(input([t.h, t.w, t.c]), andThen(conv2d(t.k, t.f, opts)), andThen(relu))
  // Biases of the scale of the convolution, so that about half the pre-activations are negative.
  const p = { w: fused.init(kp!).w, b: normal(kb!, [t.f], 0, 1, dtype) }
  const x = normal(kx!, [t.b, t.h, t.w, t.c], 0, 1, dtype)
  const [yf, backF] = fused.apply(p, x)
  const dy = normal(kd!, [...yf.shape], 0, 1, dtype)
  const [ys, backS] = separate.apply([{}, p, {}] as never, x)
  const [gf, dxf] = backF(dy)
  const [[, gs], dxs] = backS(dy) as unknown as readonly [readonly [unknown, { w: Tensor; b: Tensor }], Tensor]
  return { yf, ys, gf, gs, dxf, dxs }
}

const expectSame = (r: ReturnType<typeof both>, what = ''): void => {
  expect(bitsOf(r.yf), `${what} y`).toEqual(bitsOf(r.ys))
  expect(bitsOf(r.gf.w), `${what} ∂w`).toEqual(bitsOf(r.gs.w))
  expect(bitsOf(r.gf.b), `${what} ∂b`).toEqual(bitsOf(r.gs.b))
  expect(bitsOf(r.dxf), `${what} dx`).toEqual(bitsOf(r.dxs))
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  b: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 3, max: 9 }), w: fc.integer({ min: 3, max: 9 }),
  c: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 3 }), f: fc.integer({ min: 1, max: 9 }),
  stride: fc.integer({ min: 1, max: 2 }), padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'), seed: fc.integer({ min: 0, max: 1e6 }),
})

describe('conv2d with a fused relu', () => {
  for (const dtype of ['float32', 'float64'] as const)
    it(`equals conv2d then relu bit for bit, forward and backward (${dtype}, random shapes, strides, paddings)`, () => {
      fc.assert(fc.property(caseArb, (t) => {
        const r = both(t, dtype)
        expect(r.yf.dtype).toBe(dtype)
        expectSame(r)
      }), { numRuns: 40 })
    })
  it("equals conv2d then relu at LeNet's sizes (batch 64), the same bits on 1 and 2 threads, and the relu does cut", () => {
    const before = kernelInfo().threads
    const lenet1 = { b: 64, h: 28, w: 28, c: 1, k: 5, f: 6, stride: 1, padding: 'valid', seed: 3 } as const
    const lenet2 = { b: 64, h: 12, w: 12, c: 6, k: 5, f: 16, stride: 1, padding: 'valid', seed: 4 } as const
    try {
      setKernelThreads(1)
      const one = [both(lenet1, 'float32'), both(lenet2, 'float32')]
      setKernelThreads(2)
      expect(startWasmThreads(10_000)).toBe(2) // the worker is up before the first block
      const blocks = threadStats().workerBlocks
      const two = [both(lenet1, 'float32'), both(lenet2, 'float32')]
      expect(threadStats().workerBlocks).toBeGreaterThan(blocks) // the worker took blocks
      for (const [i, r] of [...one, ...two].entries()) expectSame(r, `case ${i}`)
      for (const [i, r] of two.entries())
        for (const k of ['yf', 'dxf'] as const) expect(bitsOf(r[k]), `${k} ${i}`).toEqual(bitsOf(one[i]![k]))
      expect(Array.from(two[1]!.yf.data).filter((v) => v === 0).length).toBeGreaterThan(two[1]!.yf.data.length * 0.2)
    } finally {
      setKernelThreads(before)
    }
  })
  it('is relu(conv(x, w) + b), +0 where that is ≤ 0, and masks dy there', () => {
    // One 1×1 filter per output channel on a 1×2×1 image: y = x·w + b per pixel.
    const l = conv2d(1, 3, { activation: 'relu' }).bind([1, 2, 1])
    const p = { w: tensor([1, 1, 1, 3], [1, -1, 0]), b: tensor([3], [0, 0, -0]) }
    const [y, back] = l.apply(p, tensor([1, 1, 2, 1], [2, 3]))
    expect(Array.from(y.data)).toEqual([2, 0, 0, 3, 0, 0])
    expect(Array.from(y.data).every((v) => !Object.is(v, -0))).toBe(true) // +0, as relu gives for −2 and −0
    const [g, dx] = back(tensor([1, 1, 2, 3], [5, 7, 11, 13, 17, 19]))
    expect(Array.from(g.b.data)).toEqual([18, 0, 0])
    expect(Array.from(g.w.data)).toEqual([2 * 5 + 3 * 13, 0, 0])
    expect(Array.from(dx.data)).toEqual([5, 13])
  })
  it('passes gradCheck in float64 below 1e-6', () => {
    fc.assert(fc.property(caseArb, (t) => {
      const layer = conv2d(t.k, t.f, { stride: t.stride, padding: t.padding, dtype: 'float64', activation: 'relu' }).bind([t.h, t.w, t.c])
      expect(checkLayer(layer, key(t.seed), t.b, [t.h, t.w, t.c]).maxRelError).toBeLessThan(1e-6)
    }), { numRuns: 20 })
  })
  it('is still kind conv2d, names its activation, and refuses an unknown one', () => {
    const l = conv2d(5, 6, { activation: 'relu' })
    expect(l.kind).toBe('conv2d')
    expect(l.name).toBe('conv2d(5×5×6, relu)')
    expect((l.bind([28, 28, 1]) as unknown as { activation: string }).activation).toBe('relu')
    expect('activation' in conv2d(5, 6).bind([28, 28, 1])).toBe(false)
    expect(() => conv2d(5, 6, { activation: 'tanh' as never })).toThrow(ValueError)
    expect(() => conv2d(5, 6, { activation: 'tanh' as never })).toThrow(`conv2d: activation must be 'relu' or left out, got "tanh"`)
  })
})
