import { describe, expect, it } from 'vitest'
import { reluBackward, reluForward } from '../../src/kernels/relu.js'
import { relu, tensor } from '../../src/index.js'

// The branch-free float32 relu against the branchy reference, bit for bit.

const refForward = (a: ArrayLike<number>, g: Float32Array | Float64Array) => {
  for (let i = 0; i < a.length; i++) g[i] = a[i]! > 0 ? a[i]! : 0
}
const refBackward = (a: ArrayLike<number>, dy: ArrayLike<number>, dx: Float32Array | Float64Array) => {
  for (let i = 0; i < a.length; i++) dx[i] = a[i]! > 0 ? dy[i]! : 0
}

/** Float32 values from random bit patterns and hand-picked edge cases: ±0, ±subnormals, ±max, ±∞, NaNs. */
const edgeBits = [
  0, 0x80000000, 1, 0x80000001, 0x007fffff, 0x807fffff, 0x00800000, 0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff,
  0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fffffff, 0xffffffff,
]
const sample = (n: number, seed: number) => {
  const bits = new Uint32Array(n)
  let s = seed >>> 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    bits[i] = i < edgeBits.length ? edgeBits[i]! : s
  }
  return new Float32Array(bits.buffer)
}
const u32 = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length))

describe('relu kernels (float32, branch-free)', () => {
  const n = 5000
  const a = sample(n, 1)
  // NOTE: the NaNs in dy are quiet ones: a float64 round trip may change a signalling NaN's bits.
  const dy = sample(n, 2).map((v) => (Number.isNaN(v) ? NaN : v))

  it('forward equals `a > 0 ? a : 0` bit for bit, for every bit pattern tried (NaN gives +0)', () => {
    const g = new Float32Array(n), r = new Float32Array(n)
    reluForward(a, g)
    refForward(a, r)
    expect(u32(g)).toEqual(u32(r))
    expect(u32(g.subarray(0, 2))).toEqual([0, 0]) // +0 and −0 both give +0
    expect(u32(g.subarray(13, 19))).toEqual([0, 0, 0, 0, 0, 0]) // every NaN gives +0
    expect(g[2]).toBe(a[2]) // the smallest positive subnormal passes
  })
  it('backward equals `a > 0 ? dy : 0` bit for bit', () => {
    const dx = new Float32Array(n), r = new Float32Array(n)
    reluBackward(a, dy, dx)
    refBackward(a, dy, r)
    expect(u32(dx)).toEqual(u32(r))
  })
  it('works on views with an offset, and leaves its inputs untouched', () => {
    const buf = sample(n + 3, 3), before = u32(buf)
    const view = buf.subarray(3), dyv = dy.subarray(0, n), g = new Float32Array(n + 1).subarray(1), r = new Float32Array(n)
    reluForward(view, g)
    refForward(view, r)
    expect(u32(g)).toEqual(u32(r))
    expect(u32(buf)).toEqual(before)
    const dx = new Float32Array(n + 2).subarray(2)
    reluBackward(view, dyv, dx)
    refBackward(view, dyv, r)
    expect(u32(dx)).toEqual(u32(r))
  })
  it('float64 storage and mixed dtypes take the reference loops', () => {
    const a64 = Float64Array.from(a), dy64 = Float64Array.from(dy)
    const g = new Float64Array(n), r = new Float64Array(n)
    reluForward(a64, g)
    refForward(a64, r)
    expect(Array.from(g)).toEqual(Array.from(r))
    const dx = new Float64Array(n)
    reluBackward(a, dy64, dx)
    refBackward(a, dy64, r)
    expect(Array.from(dx)).toEqual(Array.from(r))
  })
  it('the relu layer uses them: forward and backward on a [2, 4] batch', () => {
    const x = tensor([2, 4], [-1, 0, 2, -0, 3e-42, -3e-42, 1e38, -1e38])
    const [y, back] = relu.apply({}, x)
    expect(Array.from(y.data)).toEqual([0, 0, 2, 0, Math.fround(3e-42), 0, Math.fround(1e38), 0])
    const [, dx] = back(tensor([2, 4], [1, 2, 3, 4, 5, 6, 7, 8]))
    expect(Array.from(dx.data)).toEqual([0, 0, 3, 0, 5, 0, 7, 0])
  })
})
