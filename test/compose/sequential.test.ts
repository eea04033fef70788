import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { andThen, dense, key, relu, sigmoid, tanh, tensor, toRows, zeros } from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

describe('andThen / sequential', () => {
  const net = pipe(dense(3, 4), andThen(relu), andThen(dense(4, 2)))
  it('runs the layers in order with a params tuple per layer', () => {
    const p = net.init(key(0))
    expect(p.length).toBe(3)
    expect(p[0].w.shape).toEqual([3, 4])
    expect(p[1]).toEqual({})
    expect(p[2].w.shape).toEqual([4, 2])
    const x = tensor([1, 3], [1, -2, 0.5])
    const l0 = dense(3, 4).apply(p[0], x)[0]
    const h = relu.apply({}, l0)[0]
    expect(toRows(net.apply(p, x)[0])).toEqual(toRows(dense(4, 2).apply(p[2], h)[0]))
  })
  it('chains the backward passes in reverse order, giving grads per layer', () => {
    const p = net.init(key(1))
    const [y, back] = net.apply(p, zeros([5, 3]))
    const [g, dx] = back(y)
    expect(g[0].w.shape).toEqual([3, 4])
    expect(g[2].b.shape).toEqual([2])
    expect(dx.shape).toEqual([5, 3])
  })
  it('flattens nested compositions', () => {
    const deeper = pipe(net, andThen(tanh), andThen(dense(2, 2)))
    expect(deeper.layers.length).toBe(5)
    expect(deeper.name).toBe('dense(3→4) → relu → dense(4→2) → tanh → dense(2→2)')
  })
  it('a multilayer net passes gradCheck in float64 below 1e-6 over random widths', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), (b, w1, w2, seed) => {
        const mlp = pipe(dense(3, w1), andThen(tanh), andThen(dense(w1, w2)), andThen(sigmoid), andThen(dense(w2, 2)))
        expect(checkLayer(mlp, key(seed), b, 3).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 20 },
    )
  })
})
