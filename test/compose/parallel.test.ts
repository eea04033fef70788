import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  andThen, batchNorm, conv2d, dense, dropout, dropoutMask, fold, input, key, normal, ones, parallel, relu, residual, tanh, toArray, toOnnx, toRows,
  zeros, type AnyLayerFn, type Tensor,
} from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

/** Rows of `a` and `b` side by side. */
const sideBySide = (a: Tensor<[number, number]>, b: Tensor<[number, number]>) => toRows(a).map((r, i) => [...r, ...toRows(b)[i]!])

describe('parallel', () => {
  const a = dense(4, 3), b = pipe(dense(4, 2), andThen(tanh))
  const par = parallel(a, b)

  it('runs every branch on the input and concatenates their outputs on the last axis', () => {
    const p = par.init(key(0))
    expect([par.kind, par.inShape, par.outShape, par.name]).toEqual(['parallel', [4], [5], 'parallel(dense(4→3), dense(4→2) → tanh)'])
    expect(p[0].w.shape).toEqual([4, 3])
    expect(p[1][0].w.shape).toEqual([4, 2])
    const x = normal(key(1), [6, 4])
    const [y] = par.apply(p, x)
    expect(y.shape).toEqual([6, 5])
    expect(toRows(y)).toEqual(sideBySide(a.apply(p[0], x)[0], b.apply(p[1], x)[0]))
  })

  it('backward: each branch gets its columns of dy, and dx is the sum of the branches’ dx', () => {
    const p = par.init(key(2))
    const x = normal(key(3), [6, 4]), dy = normal(key(4), [6, 5])
    const dyA = { shape: [6, 3], dtype: dy.dtype, data: Float32Array.from(toRows(dy).flatMap((r) => r.slice(0, 3))) } as Tensor<[6, 3]>
    const dyB = { shape: [6, 2], dtype: dy.dtype, data: Float32Array.from(toRows(dy).flatMap((r) => r.slice(3))) } as Tensor<[6, 2]>
    const [g, dx] = par.apply(p, x)[1](dy)
    const [ga, dxa] = a.apply(p[0], x)[1](dyA)
    const [gb, dxb] = b.apply(p[1], x)[1](dyB)
    expect(g).toEqual([ga, gb])
    const sum = toArray(dxa).map((v, i) => Math.fround(v + toArray(dxb)[i]!))
    expect(toArray(dx)).toEqual(sum)
  })

  it('passes gradCheck in float64 below 1e-6 over random widths, with dense, relu and batch-norm branches', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1e6 }),
        (n, w, oa, ob, seed) => {
          const two = parallel(dense(w, oa), pipe(dense(w, ob), andThen(relu), andThen(dense(ob, ob))))
          expect(checkLayer(two, key(seed), n, w).maxRelError).toBeLessThan(1e-6)
          // Three branches, one of them batch norm (training mode), one shape-polymorphic (bound to [w]).
          const three = pipe(dense(3, w), andThen(tanh), andThen(parallel(tanh, pipe(input([w]), andThen(batchNorm(w))), dense(w, oa))), andThen(dense(2 * w + oa, 2)))
          expect(checkLayer(three, key(seed + 1), n, 3, { training: true }).maxRelError).toBeLessThan(1e-6)
        },
      ),
      { numRuns: 15 },
    )
  })

  it('concatenates feature maps on the channel axis (an Inception-style block)', () => {
    const net = pipe(input([4, 4, 2]), andThen(parallel(conv2d(1, 3), conv2d(3, 2, { padding: 'same' }))), andThen(relu))
    expect(net.outShape).toEqual([4, 4, 5])
    const p = net.init(key(5))
    const x = normal(key(6), [2, 4, 4, 2])
    const [y] = net.apply(p, x)
    const y1 = conv2d(1, 3).bind([4, 4, 2]).apply(p[1][0], x)[0], y2 = conv2d(3, 2, { padding: 'same' }).bind([4, 4, 2]).apply(p[1][1], x)[0]
    const pixels = (t: Tensor, c: number) => Array.from({ length: t.data.length / c }, (_, i) => Array.from(t.data.slice(i * c, (i + 1) * c)))
    const relu0 = (v: number) => Math.max(0, v)
    expect(pixels(y, 5)).toEqual(pixels(y1, 3).map((r, i) => [...r, ...pixels(y2, 2)[i]!].map(relu0)))
    expect(checkLayer(net, key(7), 2, [4, 4, 2]).maxRelError).toBeLessThan(1e-6)
  })

  it('gives each branch its own key (fold(key, i)) and its own state, and returns the new states in training mode', () => {
    const drops = parallel(pipe(input([50]), andThen(dropout(0.5))), dropout(0.5))
    const k = key(8)
    const [y] = drops.apply(drops.init(k), ones([1, 50]), { training: true, key: k })
    const halves = [Array.from(y.data.slice(0, 50)), Array.from(y.data.slice(50))]
    // Branch 0 is a composition, which folds again for its layer 1 (the dropout).
    expect(halves[0]).toEqual(Array.from(dropoutMask(fold(fold(k, 0), 1), [1, 50], 0.5).data, (m) => 2 * m))
    expect(halves[1]).toEqual(Array.from(dropoutMask(fold(k, 1), [1, 50], 0.5).data, (m) => 2 * m))
    expect(halves[0]).not.toEqual(halves[1])

    const normed = parallel(dense(3, 2), pipe(input([3]), andThen(batchNorm(3))))
    const p = normed.init(key(9)), x = normal(key(10), [8, 3], 1, 2)
    const st0 = normed.initState()
    expect(st0).toEqual([undefined, [undefined, batchNorm(3).initState()]])
    expect(normed.apply(p, x)[2]).toBeUndefined()
    const [, , st1] = normed.apply(p, x, { training: true, state: st0 })
    expect(st1![0]).toBeUndefined()
    expect(st1![1]).toEqual(pipe(input([3]), andThen(batchNorm(3))).apply(p[1], x, { training: true, state: st0[1] })[2])
    // Eval mode reads the state it is given.
    expect(toArray(normed.apply(p, x, { state: st1! })[0])).not.toEqual(toArray(normed.apply(p, x, { state: st0 })[0]))
  })

  it('composes with residual: x + W·[a(x), b(x)]', () => {
    const block = residual(pipe(parallel(dense(4, 3), dense(4, 5)), andThen(relu), andThen(dense(8, 4))))
    expect(block.outShape).toEqual([4])
    expect(checkLayer(block, key(11), 3, 4).maxRelError).toBeLessThan(1e-6)
  })

  it('refuses at run time branches that do not fit, naming both shapes', () => {
    expect(() => parallel(dense(4, 3), dense(5, 3) as never)).toThrow('parallel: branch 1 (dense(5→3)) expects [5] but branch 0 (dense(4→3)) expects [4]')
    const convs = parallel(conv2d(1, 3), conv2d(3, 2)) as unknown as AnyLayerFn
    expect(() => convs.bind([6, 6, 1])).toThrow('parallel: branch 1 (conv2d(3×3×2)) gives [4,4,2] but branch 0 (conv2d(1×1×3)) gives [6,6,3]; only the last axis may differ')
    expect(() => parallel(dense(4, 3), conv2d(1, 3) as never)).toThrow('parallel: branch 1: conv2d(1×1×3): expects [H,W,C] but gets [4]')
    expect(() => (parallel as (...b: unknown[]) => unknown)(dense(4, 3))).toThrow('parallel: needs at least 2 branches, got 1')
    expect(() => par.apply(par.init(key(0)), zeros([2, 3]) as unknown as Tensor<[2, 4]>)).toThrow('parallel(dense(4→3), dense(4→2) → tanh): x has shape [2,3] but [B,4] was expected')
  })

  it('is not exported to ONNX: toOnnx names it', () => {
    const net = pipe(dense(4, 4), andThen(par), andThen(dense(5, 2)))
    expect(() => toOnnx(net, net.init(key(0)))).toThrow(/^toOnnx: layer 1 \(parallel\(dense\(4→3\), dense\(4→2\) → tanh\)\) cannot be exported: no ONNX exporter for kind "parallel"/)
  })
})
