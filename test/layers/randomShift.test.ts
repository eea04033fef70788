import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { key, normal, randomShift, tensor, ValueError } from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

describe('randomShift', () => {
  it('is the identity in eval mode and moves every image by at most maxShift pixels in training', () => {
    const layer = randomShift(2).bind([5, 5, 1])
    const one = new Float32Array(2 * 25)
    one[12] = 1 // the centre pixel of image 0
    one[25 + 12] = 2 // and of image 1
    const x = tensor([2, 5, 5, 1], one)
    expect(layer.apply({}, x)[0]).toBe(x)
    for (let s = 0; s < 20; s++) {
      const y = layer.apply({}, x, { training: true, key: key(s) })[0].data
      for (let i = 0; i < 2; i++) {
        const at = Array.from(y.subarray(i * 25, (i + 1) * 25)).findIndex((v) => v !== 0)
        expect(y[i * 25 + at]).toBe(i + 1) // the pixel moved, whole, inside the image
        expect(Math.abs(Math.floor(at / 5) - 2)).toBeLessThanOrEqual(2)
        expect(Math.abs((at % 5) - 2)).toBeLessThanOrEqual(2)
      }
    }
  })
  it('gives the same shifts for the same key and passes gradCheck with a fixed key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 3, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }), (b, h, c, seed) => {
        const layer = randomShift(2).bind([h, h + 1, c])
        const x = normal(key(seed), [b, h, h + 1, c])
        const ctx = { training: true, key: key(seed + 1) }
        expect(layer.apply({}, x, ctx)[0].data).toEqual(layer.apply({}, x, ctx)[0].data)
        expect(checkLayer(layer, key(seed), b, [h, h + 1, c], ctx).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 25 },
    )
  })
  it('refuses bad arguments with clear errors', () => {
    expect(() => randomShift(-1)).toThrow(ValueError)
    expect(() => randomShift(2).bind([784])).toThrow('randomShift(2): expects [H,W,C] but gets [784]')
    const layer = randomShift(1).bind([3, 3, 1])
    expect(() => layer.apply({}, normal(key(0), [1, 3, 3, 1]), { training: true })).toThrow('training mode needs ctx.key')
  })
})
