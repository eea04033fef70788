import fc from 'fast-check'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  add, adam, andThen, batchNorm, conv2d, dense, initOptimizer, input, key, normal, relu, residual, softmaxCrossEntropy, tanh, toArray, toOnnx, trainStep,
  labels, zeros, type AnyLayer, type AnyLayerFn, type OptimizerStateOf, type ParamsOf, type StateOf, type StepState, type Tensor,
} from '../../src/index.js'
import { checkLayer } from '../util/checkLayer.js'

describe('residual', () => {
  const block = pipe(dense(4, 4), andThen(relu), andThen(dense(4, 4)))
  const r = residual(block)

  it('is x + block(x), with the block’s params, shapes and a name that shows the block', () => {
    const p = r.init(key(0))
    expect(p).toEqual(block.init(key(0)))
    const x = normal(key(1), [3, 4])
    const [y] = r.apply(p, x)
    expect(toArray(y)).toEqual(toArray(add(x, block.apply(p, x)[0])))
    expect([r.kind, r.inShape, r.outShape, r.name]).toEqual(['residual', [4], [4], 'residual(dense(4→4) → relu → dense(4→4))'])
  })

  it('backward: dx = dy + the block’s dx, and the params’ gradient is the block’s', () => {
    const p = r.init(key(2))
    const x = normal(key(3), [5, 4]), dy = normal(key(4), [5, 4])
    const [g, dx] = r.apply(p, x)[1](dy)
    const [gb, dxb] = block.apply(p, x)[1](dy)
    expect(g).toEqual(gb)
    expect(toArray(dx)).toEqual(toArray(add(dy, dxb)))
  })

  it('passes gradCheck in float64 below 1e-6 over random widths, with dense, relu and batch-norm blocks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 1e6 }), (b, w, h, seed) => {
        const mlp = residual(pipe(dense(w, h), andThen(relu), andThen(dense(h, w))))
        expect(checkLayer(mlp, key(seed), b, w).maxRelError).toBeLessThan(1e-6)
        // NOTE: batch norm after a nonlinearity (right after dense, the bias's gradient is exactly 0
        // and the check compares rounding errors), on 3 or more rows (with 2 it gives ±1 whatever its input).
        const withNorm = residual(pipe(dense(w, h), andThen(tanh), andThen(batchNorm(h)), andThen(dense(h, w))))
        expect(checkLayer(withNorm, key(seed + 1), b + 1, w, { training: true }).maxRelError).toBeLessThan(1e-6)
        // A residual inside a network, and a residual of a residual.
        const net = pipe(dense(3, w), andThen(residual(residual(pipe(dense(w, h), andThen(tanh), andThen(dense(h, w)))))), andThen(dense(w, 2)))
        expect(checkLayer(net, key(seed + 2), b, 3).maxRelError).toBeLessThan(1e-6)
      }),
      { numRuns: 15 },
    )
  })

  it('threads state: batch norm inside returns its new state in training mode and reads it in eval mode', () => {
    const net = pipe(dense(3, 4), andThen(residual(pipe(dense(4, 4), andThen(batchNorm(4)), andThen(relu), andThen(dense(4, 4))))), andThen(dense(4, 2)))
    const p = net.init(key(5))
    const x = normal(key(6), [8, 3], 2, 3)
    const st0 = net.initState()
    expect(st0[1]).toEqual([undefined, batchNorm(4).initState(), undefined, undefined])
    const [, , st1] = net.apply(p, x, { training: true, state: st0 })
    // The block's own new state, exactly as the block gives it for the same input.
    const h = dense(3, 4).apply(p[0], x)[0]
    const blockOnly = pipe(dense(4, 4), andThen(batchNorm(4)), andThen(relu), andThen(dense(4, 4)))
    expect(st1![1]).toEqual(blockOnly.apply(p[1], h, { training: true, state: st0[1] })[2])
    expect(toArray(st1![1][1].mean)).not.toEqual(toArray(st0[1][1].mean))
    // Eval mode uses the state it is given.
    const [yA] = net.apply(p, x, { state: st0 }), [yB] = net.apply(p, x, { state: st1! })
    expect(toArray(yA)).not.toEqual(toArray(yB))
  })

  it('trains with trainStep: a batch-norm state inside a residual is carried from step to step', () => {
    const net = pipe(dense(3, 8), andThen(residual(pipe(dense(8, 8), andThen(batchNorm(8)), andThen(relu)))), andThen(dense(8, 2)))
    const x: Tensor<[number, 3]> = normal(key(7), [16, 3]), y = labels(Array.from({ length: 16 }, (_, i) => (toArray(x)[i * 3]! > 0 ? 1 : 0)), 2)
    const step = trainStep(net, softmaxCrossEntropy, adam(1e-2))
    let state: StepState<ParamsOf<typeof net>, OptimizerStateOf<ReturnType<typeof adam>>, StateOf<typeof net>> = {
      ...initOptimizer(adam(1e-2), net.init(key(8))),
      netState: net.initState(),
    }
    const losses: number[] = []
    for (let i = 0; i < 30; i++) {
      const [next, loss] = step(state, { x, y }, key(i))
      losses.push(loss)
      state = next
    }
    const norm = state.netState?.[1][1]
    expect(norm?.mean.shape).toEqual([8])
    expect(norm).not.toEqual(net.initState()[1][1])
    expect(losses[29]!).toBeLessThan(losses[0]! / 2)
  })

  it('a shape-polymorphic block is bound by andThen to the shape before it', () => {
    const net = pipe(input([5, 5, 3]), andThen(residual(conv2d(3, 3, { padding: 'same' }))), andThen(residual(batchNorm(3))))
    expect(net.outShape).toEqual([5, 5, 3])
    expect(net.layers.map((l) => l.name)).toEqual(['input([5,5,3])', 'residual(conv2d(3×3×3, same))', 'residual(batchNorm(3))'])
    expect(checkLayer(net, key(9), 2, [5, 5, 3], { training: true }).maxRelError).toBeLessThan(1e-6)
  })

  it('refuses at run time a block that changes the shape, an input of another shape, naming both shapes', () => {
    expect(() => residual(dense(4, 3) as never)).toThrow('residual: block dense(4→3) maps [4] to [3] but x + block(x) needs [4]')
    const conv = residual(conv2d(3, 8, { padding: 'same' })) as unknown as AnyLayerFn
    expect(() => conv.bind([5, 5, 3])).toThrow('residual: block conv2d(3×3×8, same) maps [5,5,3] to [5,5,8] but x + block(x) needs [5,5,3]')
    expect(() => r.apply(r.init(key(0)), zeros([2, 5]) as unknown as Tensor<[2, 4]>)).toThrow('residual(dense(4→4) → relu → dense(4→4)): x has shape [2,5] but [B,4] was expected')
  })

  it('is not exported to ONNX: toOnnx names it', () => {
    const net = pipe(dense(4, 4), andThen(residual(dense(4, 4))), andThen(dense(4, 2)))
    expect(() => toOnnx(net, net.init(key(0)))).toThrow(/^toOnnx: layer 1 \(residual\(dense\(4→4\)\)\) cannot be exported: no ONNX exporter for kind "residual"/)
    expect((net.layers[1] as AnyLayer).kind).toBe('residual')
  })
})
