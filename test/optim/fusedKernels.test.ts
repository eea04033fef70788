import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { adagrad, adam, applyUpdates, exponentialDecay, momentum, rmsprop, setKernelThreads, sgd, type GradientTransformation, type Tensor } from '../../src/index.js'
import { threadStats } from '../../src/kernels/kernelThreads.js'
import { startWasmThreads } from '../../src/kernels/wasmMatmul.js'
import { lcgWide } from '../util/lcg.js'

// The fused optimizers' float32 wasm kernels (src/kernels/wasmAdam.ts), which run in blocks of 4096
// elements: on leaves shorter than, equal to and longer than a block (with a partial last block,
// odd lengths for the scalar tail), against the unfused `update` + `applyUpdates`, bit for bit; on one
// thread, and with the kernel's worker computing blocks while the caller copies (leaves over a block).

const rand = lcgWide // magnitudes over 12 decades
const sizes = [1, 3, 4096, 4097, 20_001, 70_001] as const
const leaf = (data: Float32Array): Tensor => ({ shape: [data.length], dtype: 'float32', data }) as Tensor
const tree = (seed: number, scale: number): Tensor[] =>
  sizes.map((n, k) => {
    const a = rand(n, seed + 100 * k, scale)
    if (n > 3) a.set([0, -0, 1e-40, 3e38], n >> 1) // zero, subnormal and huge values mid-block
    return leaf(a)
  })
const u32 = (x: unknown): unknown =>
  Array.isArray(x) ? x.map(u32)
  : typeof x === 'object' && x !== null && 'data' in x ? Array.from(new Uint32Array((x as Tensor).data.buffer, (x as Tensor).data.byteOffset, (x as Tensor).data.length))
  : typeof x === 'object' && x !== null ? Object.fromEntries(Object.entries(x).map(([k, v]) => [k, u32(v)]))
  : x

const named: readonly (readonly [string, () => GradientTransformation<any, any>])[] = [ // eslint-disable-line @typescript-eslint/no-explicit-any
  ['sgd', () => sgd(0.1)],
  ['momentum', () => momentum(0.05, 0.9)],
  ['nesterov', () => momentum(0.05, 0.9, true)],
  ['rmsprop', () => rmsprop(0.01)],
  ['rmsprop, other decay and ε', () => rmsprop(exponentialDecay(0.01, 0.5), 0.7, 1e-5)],
  ['adagrad', () => adagrad(0.1)],
  ['adam', () => adam(1e-3)],
  ['adam, other β, ε and a schedule', () => adam(exponentialDecay(0.01, 0.9), 0.8, 0.99, 1e-6)],
]

describe('float32 fused optimizers in blocks: the unfused result, bit for bit', () => {
  beforeAll(() => {
    setKernelThreads(2)
    expect(startWasmThreads(10_000)).toBe(2)
  })
  afterAll(() => setKernelThreads(2))
  for (const threads of [1, 2])
  for (const [name, make] of named)
    it(`${name}: leaves of ${sizes.join(', ')} elements, 3 steps, ${threads} thread${threads > 1 ? 's' : ''}`, () => {
      setKernelThreads(threads)
      const calls = threadStats().splits
      const opt = make()
      let params = tree(1, 2), state = opt.init(params)
      let ref = params, refState = state
      for (let t = 0; t < 3; t++) {
        const g = tree(10 + t, 4)
        const [g0, p0, s0] = [g, params, state], before = u32([g0, p0, s0])
        ;[params, state] = opt.updateAndApply!(g, state, params)
        const [u, s] = opt.update(g, refState, ref)
        ;[ref, refState] = [applyUpdates(ref, u), s]
        expect(u32(params)).toEqual(u32(ref))
        expect(u32(state)).toEqual(u32(refState))
        expect(u32([g0, p0, s0])).toEqual(before) // inputs untouched
      }
      // With a worker, Adam, RMSProp and Adagrad (a divide and a square root per element) hand it the
      // 18 blocks of the 70,001-element leaf each step (leaves under 16 blocks stay here); sgd and
      // momentum never do.
      const heavy = /^(adam|rmsprop|adagrad)/.test(name)
      expect(threadStats().splits - calls).toBe(threads > 1 && heavy ? 3 * 18 : 0)
    })
})
