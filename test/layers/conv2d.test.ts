import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { avgPool2d, conv2d, flatten, key, maxPool2d, normal, reshape, ShapeError, ValueError } from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

// Every image layer against central finite differences in float64 (params and dx together),
// over random sizes, strides and both paddings.
const size = fc.record({
  b: fc.integer({ min: 1, max: 2 }),
  h: fc.integer({ min: 3, max: 8 }),
  w: fc.integer({ min: 3, max: 8 }),
  c: fc.integer({ min: 1, max: 3 }),
  k: fc.integer({ min: 1, max: 3 }),
  stride: fc.constantFrom(1, 2),
  padding: fc.constantFrom('valid' as const, 'same' as const),
  seed: fc.integer({ min: 0, max: 1e6 }),
})

describe('conv2d, pooling, flatten and reshape layers', () => {
  it('conv2d passes gradCheck below 1e-6 (valid and same, stride 1 and 2)', () => {
    fc.assert(
      fc.property(size, fc.integer({ min: 1, max: 4 }), ({ b, h, w, c, k, stride, padding, seed }, f) => {
        const layer = conv2d(k, f, { stride, padding, dtype: 'float64' }).bind([h, w, c])
        expect(checkLayer(layer, key(seed), b, [h, w, c]).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 30 },
    )
  })
  it('maxPool2d and avgPool2d pass gradCheck below 1e-6', () => {
    fc.assert(
      fc.property(size, ({ b, h, w, c, k, stride, padding, seed }) => {
        const window = Math.min(k + 1, h, w) // a 'valid' window must fit
        for (const pool of [maxPool2d(window, { stride, padding }), avgPool2d(window, { stride, padding })]) {
          const layer = pool.bind([h, w, c])
          expect(checkLayer(layer, key(seed), b, [h, w, c]).maxRelError).toBeLessThan(1e-6)
        }
      }),
      { numRuns: 30 },
    )
  })
  it('flatten and reshape pass gradCheck and are views of the same data', () => {
    fc.assert(
      fc.property(size, ({ b, h, w, c, seed }) => {
        const flat = flatten.bind([h, w, c])
        const re = reshape([w, h * c]).bind([h, w, c])
        expect(flat.outShape).toEqual([h * w * c])
        expect(re.outShape).toEqual([w, h * c])
        expect(checkLayer(flat, key(seed), b, [h, w, c]).maxRelError).toBeLessThan(1e-6)
        expect(checkLayer(re, key(seed), b, [h, w, c]).maxRelError).toBeLessThan(1e-6)
        const x = normal(key(seed), [b, h, w, c])
        expect(flat.apply({}, x)[0].data).toEqual(x.data)
      }),
      { numRuns: 20 },
    )
  })
  it('computes output shapes as TensorFlow does', () => {
    expect(conv2d(5, 6).bind([28, 28, 1]).outShape).toEqual([24, 24, 6])
    expect(conv2d(7, 64, { stride: 2, padding: 'same' }).bind([224, 224, 3]).outShape).toEqual([112, 112, 64])
    expect(maxPool2d(2).bind([24, 24, 6]).outShape).toEqual([12, 12, 6])
    expect(maxPool2d(3, { stride: 2 }).bind([112, 112, 64]).outShape).toEqual([55, 55, 64])
    expect(avgPool2d(2).bind([25, 25, 3]).outShape).toEqual([12, 12, 3])
  })
  it('refuses what does not fit with errors naming both shapes', () => {
    expect(() => conv2d(5, 6).bind([784])).toThrow('conv2d(5×5×6): expects [H,W,C] but gets [784]')
    expect(() => conv2d(5, 6, { channels: 1 }).bind([28, 28, 3])).toThrow('expects 1 channels but gets [28,28,3]')
    expect(() => conv2d(5, 6).bind([4, 4, 1])).toThrow(ShapeError)
    expect(() => reshape([4, 64]).bind([4, 4, 15])).toThrow('reshape([4,64]): needs 256 elements but gets [4,4,15] with 240')
    const layer = conv2d(3, 2).bind([5, 5, 1])
    expect(() => layer.apply(layer.init(key(0)), normal(key(1), [2, 5, 5, 2]) as never)).toThrow('x has shape [2,5,5,2] but [B,5,5,1] was expected')
    expect(() => conv2d(0, 2)).toThrow(ValueError)
    expect(() => maxPool2d(2, { stride: 0 })).toThrow(ValueError)
  })
})
