import { isLeft } from 'fp-ts/lib/Either.js'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  ad, adam, andThen, astype, bernoulli, decodeCheckpoint, dense, encodeCheckpoint, evaluate, fit, gradCheck, initTrain, input, key, labels, layer, mapTree,
  normal, ones, relu, ShapeError, softmaxCrossEntropy, tensor, toArray, toOnnx, uniform, valueAndGrad, zeros, type Tensor,
} from '../../src/index.js'
import { blobs } from '../util/blobs.js'
import { checkLayer, maxAbsDiff } from '../util/checkLayer.js'
import { layerNorm } from './layerNorm.js'

// A custom layer built from the ops of `ad`: layer normalisation. It is an ordinary Layer: it meets
// the same gradient oracle as the built-in layers, composes, trains with fit and checkpoints.

/** Layer norm written out with loops, per row: the reference. */
const naiveLayerNorm = (x: Tensor, gamma: Tensor, beta: Tensor, eps: number): number[] => {
  const n = x.shape[1]!, out: number[] = []
  for (let r = 0; r < x.shape[0]!; r++) {
    const row = Array.from(x.data.subarray(r * n, (r + 1) * n))
    const mu = row.reduce((s, v) => s + v, 0) / n
    const v = row.reduce((s, x) => s + (x - mu) ** 2, 0) / n
    row.forEach((x, j) => out.push((gamma.data[j]! * (x - mu)) / Math.sqrt(v + eps) + beta.data[j]!))
  }
  return out
}

describe('layer: layer normalisation from ops', () => {
  const ln = layerNorm(6)
  const params = { gamma: normal(key(1), [6], 1, 0.5, 'float64'), beta: normal(key(2), [6], 0, 0.5, 'float64') }
  const x = normal(key(3), [5, 6], 2, 3, 'float64')

  it('is a Layer [6] → [6] with named params', () => {
    expect([ln.kind, ln.name, ln.inShape, ln.outShape]).toEqual(['custom', 'layerNorm(6)', [6], [6]])
    expect(ln.initState()).toBeUndefined()
    expect(toArray(ln.init(key(0)).gamma)).toEqual([1, 1, 1, 1, 1, 1])
  })

  it('computes γ ⊙ (x − μ)/√(σ² + ε) + β', () => {
    const [y] = ln.apply(params, x)
    expect(y.shape).toEqual([5, 6])
    expect(maxAbsDiff(y.data, naiveLayerNorm(x, params.gamma, params.beta, 1e-5))).toBeLessThan(1e-12)
  })

  it('passes gradCheck in float64 for its params and its input (< 1e-6)', () => {
    for (const [i, batch] of [1, 3, 8].entries()) {
      const report = checkLayer(layerNorm(7), key(10 + i), batch, 7)
      expect(report.tensors.map((t) => t.path)).toEqual(['p.gamma', 'p.beta', 'x'])
      expect(report.maxRelError).toBeLessThan(1e-6)
    }
  })

  it('the oracle can fail: a layer norm with a gradient stopped where it should flow does not pass', () => {
    const broken = layer({
      name: 'brokenLayerNorm',
      inShape: [5],
      init: () => ({ gamma: ones([5]) }),
      forward: ({ gamma }, x) => ad.mul(ad.sub(x, ad.stopGradient(ad.expand(ad.mean(x, -1), -1, 5))), ad.expand(gamma, 0, x.shape[0])),
    })
    expect(checkLayer(broken, key(1), 4, 5).maxRelError).toBeGreaterThan(1e-2)
  })

  it('leaves its params and input untouched, and gives the same output and gradients each time', () => {
    const before = [toArray(params.gamma), toArray(x)]
    const [y1, back1] = ln.apply(params, x)
    const [y2, back2] = ln.apply(params, x)
    const dy = normal(key(4), [5, 6], 0, 1, 'float64')
    const [g1, dx1] = back1(dy)
    const [g2, dx2] = back2(dy)
    expect(toArray(y1)).toEqual(toArray(y2))
    expect([toArray(g1.gamma), toArray(g1.beta), toArray(dx1)]).toEqual([toArray(g2.gamma), toArray(g2.beta), toArray(dx2)])
    expect(toArray(back1(dy)[1])).toEqual(toArray(dx1)) // a backward pass can be run again
    expect([toArray(params.gamma), toArray(x)]).toEqual(before)
  })
})

describe('layer: in a network', () => {
  const net = pipe(dense(4, 16), andThen(layerNorm(16)), andThen(relu), andThen(dense(16, 3)))
  const train = blobs(1, 100, 300, 4, 3, 1.5)
  const validation = blobs(1, 101, 120, 4, 3, 1.5)
  const config = { net, loss: softmaxCrossEntropy, optimizer: adam(0.01), batchSize: 32, epochs: 6, key: key(3) }

  it('composes with pipe/andThen and the whole network passes gradCheck', () => {
    expect(net.name).toBe('dense(4→16) → layerNorm(16) → relu → dense(16→3)')
    const p64 = mapTree(net.init(key(0)), (t) => astype(t, 'float64'))
    const x = normal(key(5), [6, 4], 0, 1, 'float64')
    const y = labels([0, 1, 2, 2, 1, 0], 3)
    const report = gradCheck((p: typeof p64) => valueAndGrad(net, softmaxCrossEntropy)(p, x, y), p64)
    expect(report.tensors.map((t) => t.path)).toContain('[1].gamma')
    expect(report.maxRelError).toBeLessThan(1e-6)
  })

  it('trains with fit: the loss decreases and the blobs are learnt', () => {
    const state = fit(config, train, validation)
    const losses = state.history.map((h) => h.trainLoss)
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! * 0.5)
    expect(evaluate(net, softmaxCrossEntropy, state.params, validation).error).toBeLessThan(0.1)
    // Training moved γ and β away from their initial 1 and 0.
    expect(toArray(state.params[1].gamma).some((g) => Math.abs(g - 1) > 1e-3)).toBe(true)
  })

  it('round-trips through encodeCheckpoint/decodeCheckpoint, and the restored run continues bit for bit', () => {
    let text = ''
    const full = fit({ ...config, onEpoch: (r, s) => (r.epoch === 3 ? (text = encodeCheckpoint(s)) : undefined) }, train, validation)
    const loaded = decodeCheckpoint(text, initTrain(config))
    if (isLeft(loaded)) throw new Error(loaded.left.message)
    expect(loaded.right.epoch).toBe(3)
    expect(Array.from(loaded.right.params[1].gamma.data)).toHaveLength(16)
    expect(fit(config, train, validation, loaded.right)).toEqual(full)
  })

  it('toOnnx refuses it, naming the layer', () => {
    expect(() => toOnnx(net, net.init(key(0)))).toThrow('toOnnx: layer 1 (layerNorm(16)) cannot be exported')
  })

  it('a checkpoint of a network of another width is refused, naming the path', () => {
    const other = pipe(dense(4, 8), andThen(layerNorm(8)), andThen(relu), andThen(dense(8, 3)))
    const text = encodeCheckpoint(initTrain(config))
    const loaded = decodeCheckpoint(text, initTrain({ ...config, net: other }))
    expect(isLeft(loaded) && loaded.left.message).toMatch(/params\[0\]\.w/)
  })
})

describe('layer: shapes and errors', () => {
  const proj = layer({
    name: 'proj',
    inShape: [4],
    init: (k, [n]) => ({ w: uniform(k, [n, 3], -1, 1) }),
    forward: ({ w }, x) => ad.tanh(ad.matmul(x, w)),
  })

  it('takes its output shape from one forward pass when outShape is left out', () => {
    expect(proj.outShape).toEqual([3])
    expect(pipe(input([4]), andThen(proj), andThen(dense(3, 2))).outShape).toEqual([2])
  })

  it('init gets the key and the input shape; the same key gives the same bits', () => {
    expect(proj.init(key(1)).w.shape).toEqual([4, 3])
    expect(toArray(proj.init(key(1)).w)).toEqual(toArray(proj.init(key(1)).w))
    expect(toArray(proj.init(key(1)).w)).not.toEqual(toArray(proj.init(key(2)).w))
  })

  it('an input of the wrong width names the layer and both shapes', () => {
    expect(() => proj.apply(proj.init(key(0)), zeros([2, 5]) as never)).toThrow(new ShapeError('proj', 'x has shape [2,5] but [B,4] was expected'))
  })

  it('a forward that returns another shape than outShape fails at run time too (past a cast), naming both', () => {
    const liar = layer({ name: 'liar', inShape: [4], outShape: [4], init: () => ({}), forward: (_, x) => ad.slice(x, 0, 2) as never })
    expect(() => liar.apply({}, zeros([2, 4]))).toThrow('liar: forward returns shape [2,2] but [2,4] was expected')
  })

  it('a forward that returns a tensor instead of a Var is named', () => {
    const plain = layer({ name: 'plain', inShape: [2], outShape: [2], init: () => ({}), forward: (_, x) => x.value as never })
    expect(() => plain.apply({}, zeros([1, 2]))).toThrow('plain: forward result is a tensor [1,2], not a Var (build it with the ops of ad)')
  })

  it('a dy of the wrong shape is refused', () => {
    const [, back] = proj.apply(proj.init(key(0)), zeros([2, 4]))
    expect(() => back(zeros([3, 3]) as never)).toThrow('proj: dy has shape [3,3] but [2,3] was expected')
  })

  it('bad definitions are refused at construction', () => {
    expect(() => layer({ name: 'z', inShape: [0], init: () => ({}), forward: (_, x) => x })).toThrow('z: inShape [0] must have positive integer dimensions')
    expect(() => layer({ name: '', inShape: [1], init: () => ({}), forward: (_, x) => x })).toThrow('layer: name must be a non-empty string')
  })

  it('params that forward does not use get zero gradients; the identity passes dy through', () => {
    const id = layer({ name: 'id', inShape: [3], init: () => ({ unused: ones([2]) }), forward: (_, x) => x })
    const [y, back] = id.apply({ unused: ones([2]) }, tensor([1, 3], [1, 2, 3]))
    const [g, dx] = back(tensor([1, 3], [4, 5, 6]))
    expect([toArray(y), toArray(g.unused), toArray(dx)]).toEqual([[1, 2, 3], [0, 0], [4, 5, 6]])
  })

  it('forward hears training and the key: a custom dropout', () => {
    const drop = layer({
      name: 'drop',
      inShape: [8],
      init: () => ({}),
      forward: (_, x, { training, key: k }) => (training && k !== undefined ? ad.mul(x, ad.scale(bernoulli(k, [x.shape[0], 8], 0.5), 2)) : x),
    })
    const x = ones([4, 8])
    expect(toArray(drop.apply({}, x)[0])).toEqual(toArray(x))
    const [y] = drop.apply({}, x, { training: true, key: key(1) })
    expect(new Set(toArray(y))).toEqual(new Set([0, 2]))
    expect(toArray(drop.apply({}, x, { training: true, key: key(1) })[0])).toEqual(toArray(y))
  })
})
