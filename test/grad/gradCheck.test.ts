import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { andThen, astype, dense, gradCheck, key, labels, mapTree, normal, ShapeError, softmaxCrossEntropy, tanh, tensor, valueAndGrad, ValueError } from '../../src/index.js'
import type { Tensor } from '../../src/index.js'

describe('gradCheck', () => {
  it('reports a tiny error for a correct gradient and a large one for a wrong gradient', () => {
    const x = tensor([3], [0.5, -1, 2], 'float64')
    const f = (t: Tensor<[3]>) => {
      const d = t.data
      return [d[0]! ** 2 + 3 * d[1]! * d[2]!, tensor([3], [2 * d[0]!, 3 * d[2]!, 3 * d[1]!], 'float64')] as const
    }
    expect(gradCheck(f, x).maxRelError).toBeLessThan(1e-8)
    const wrong = (t: Tensor<[3]>) => [f(t)[0], tensor([3], [2 * t.data[0]!, 3 * t.data[2]!, 0], 'float64')] as const
    const report = gradCheck(wrong, x)
    expect(report.maxRelError).toBeCloseTo(0.5, 6) // |0 − (−3)| / max|g| = 3 / 6
  })
  it('reports per param tensor with paths', () => {
    const net = pipe(dense(4, 3), andThen(tanh), andThen(dense(3, 2)))
    const p = mapTree(net.init(key(0)), (t) => astype(t, 'float64'))
    const x = normal(key(1), [5, 4], 0, 1, 'float64')
    const y = labels([0, 1, 1, 0, 1], 2)
    const report = gradCheck((q: typeof p) => valueAndGrad(net, softmaxCrossEntropy)(q, x, y), p)
    expect(report.tensors.map((t) => t.path)).toEqual(['[0].w', '[0].b', '[2].w', '[2].b'])
    expect(report.maxRelError).toBeLessThan(1e-6)
  })
  it('refuses float32 params', () => {
    expect(() => gradCheck((t: Tensor<[1]>) => [0, t] as const, tensor([1], [0]))).toThrow(ValueError)
  })
  it('names the leaf by its tree path', () => {
    const p = [{ w: tensor([1], [0], 'float64') }, { w: tensor([1], [0]) }] as const
    expect(() => gradCheck((q: typeof p) => [0, q] as const, p)).toThrow(new ValueError('gradCheck', 'params[1].w is float32; gradient checks need float64 params'))
  })
  it('refuses a gradient whose structure or shapes differ from the params, naming the path', () => {
    const p = { a: tensor([2], [1, 2], 'float64'), b: tensor([1], [0], 'float64') }
    const g = { a: tensor([3], [0, 0, 0], 'float64'), b: tensor([1], [0], 'float64') }
    expect(() => gradCheck(() => [0, g as unknown as typeof p] as const, p)).toThrow(new ShapeError('gradCheck', 'at a one tree has [2] but another has [3]'))
    expect(() => gradCheck(() => [0, { a: p.a } as typeof p] as const, p)).toThrow(new ShapeError('gradCheck', "at the root tree 1 has no key 'b' but tree 0 has one"))
  })
})
