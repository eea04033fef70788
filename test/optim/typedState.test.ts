import { describe, expect, it } from 'vitest'
import {
  adagrad, adam, chain, dense, key, leaves, momentum, rmsprop, scaleByLearningRate, sgd, ShapeError, tensor, type GradientTransformation, type Tensor,
} from '../../src/index.js'

// Params float32, gradients float64 (a float32 model fed float64 data): the state keeps the params'
// dtype, the updates have the gradients' dtype, and with one dtype nothing changes.
const p32 = { w: tensor([2, 2], [1, -2, 0.5, 3]), b: tensor([2], [0.25, -1]) }
const g64 = { w: tensor([2, 2], [0.1, 0.2, -0.3, 0.4], 'float64'), b: tensor([2], [1e-3, -2e-3], 'float64') }
const g32 = { w: tensor([2, 2], [0.1, 0.2, -0.3, 0.4]), b: tensor([2], [1e-3, -2e-3]) }
const cases: [string, GradientTransformation<any>][] = [
  ['adam', adam(0.01)], ['momentum', momentum(0.1)], ['nesterov', momentum(0.1, 0.9, true)], ['rmsprop', rmsprop(0.01)], ['adagrad', adagrad(0.1)], ['sgd', sgd(0.1)],
]

describe('optimizer states keep the dtype of the params they were initialised with', () => {
  for (const [name, opt] of cases)
    it(`${name}: float64 gradients on float32 params leave a float32 state`, () => {
      let s = opt.init(p32)
      for (let i = 0; i < 3; i++) {
        const [u, next] = opt.update(g64, s, p32)
        expect(leaves(u).map((l) => l.tensor.dtype)).toEqual(['float64', 'float64'])
        s = next
      }
      expect(leaves(s).map((l) => `${l.path} ${l.tensor.dtype}`)).toEqual(leaves(opt.init(p32)).map((l) => `${l.path} float32`))
    })
  it('the float32 state holds the float32 rounding of what a float64 state would hold (adam)', () => {
    const opt = adam(0.01)
    const p64 = { w: tensor([2, 2], [1, -2, 0.5, 3], 'float64'), b: tensor([2], [0.25, -1], 'float64') }
    const [, s32] = opt.update(g64, opt.init(p32), p32)
    const [, s64] = opt.update(g64, opt.init(p64), p64)
    const [m32, m64] = [s32[0].mu.w.data, s64[0].mu.w.data]
    expect(Array.from(m32)).toEqual(Array.from(m64, Math.fround))
  })
  it('with one dtype, updates are unchanged: momentum by hand', () => {
    const opt = momentum(0.1, 0.9)
    const [u1, s1] = opt.update(g32, opt.init(p32), p32)
    const [u2] = opt.update(g32, s1, p32)
    for (let i = 0; i < 4; i++) {
      const g = g32.w.data[i]!
      expect(u1.w.data[i]).toBe(Math.fround(-0.1 * Math.fround(g)))
      expect(u2.w.data[i]).toBe(Math.fround(-0.1 * Math.fround(g + 0.9 * Math.fround(g))))
    }
  })
})

describe('a state used with other params fails at run time too, naming the path', () => {
  it('adam state of one network with gradients of a wider one', () => {
    const [a, b] = [dense(4, 8).init(key(0)), dense(4, 9).init(key(0))]
    const opt = adam(0.01)
    expect(() => opt.update(b as never, opt.init(a), b as never)).toThrow(new ShapeError('scaleByAdam', 'at w one tree has [4,9] but another has [4,8]'))
  })
})

describe('chain and observe', () => {
  it('a chain observes only when one of its transformations does, and forwards to it', () => {
    expect(adam(0.1).observe).toBeUndefined()
    const counter: GradientTransformation<{ readonly seen: readonly number[] }> = {
      init: () => ({ seen: [] }),
      update: (u, s) => [u, s],
      observe: (s, v) => ({ seen: [...s.seen, v] }),
    }
    const c = chain(scaleByLearningRate(0.1), counter)
    const s = c.observe!(c.observe!(c.init(p32), 0.5), 0.25)
    expect(s).toEqual([{ count: 0 }, { seen: [0.5, 0.25] }])
  })
})

describe('the update is unchanged by the walker: leaves come back in the params structure', () => {
  it('nested params', () => {
    const params = [{ w: tensor([1], [1], 'float64') }, {}, { w: tensor([2], [1, 2], 'float64'), b: tensor([1], [0], 'float64') }] as const
    const [u] = sgd(0.5).update(params, sgd(0.5).init(params), params)
    expect(u.map((l) => Object.keys(l))).toEqual([['w'], [], ['w', 'b']])
    expect(Array.from((u[2] as { w: Tensor }).w.data)).toEqual([-0.5, -1])
  })
})
