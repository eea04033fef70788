import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeCheckpoint, encodeCheckpoint, key, labels, normal, tensor, uniform, ValueError, zeros, type CheckpointError } from '../../src/index.js'

const left = <A>(r: E.Either<CheckpointError, A>): string => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left.message
}
const right = <A>(r: E.Either<CheckpointError, A>): A => {
  if (E.isLeft(r)) throw new Error(r.left.message)
  return r.right
}
const bits = (d: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }): number[] =>
  Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength))

// Values that JSON or a decimal round trip could get wrong.
const edge32 = tensor([8], [-0, 0, 1.4e-45, -1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38, 1 / 3, Math.PI])
const edge64 = tensor([2, 4], [-0, 5e-324, -2.2250738585072014e-308, 1.7976931348623157e308, 1e-300, 1 / 3, 0.1, -Math.E], 'float64')

const state = () => ({
  params: [
    { w: normal(key(1), [4, 3]), b: zeros([3]) },
    {},
    { w: normal(key(2), [3, 2], 0, 1, 'float64'), b: uniform(key(3), [2], -1e30, 1e30, 'float64') },
  ] as const,
  opt: { count: 7, mu: [edge32, edge64] },
  history: [{ epoch: 0, loss: 2.3 }, { epoch: 1, loss: NaN }],
  epoch: 2,
  name: 'mlp',
  done: false,
  best: null,
  lr: -0,
  bad: Infinity,
  note: undefined,
  y: labels([3, 0, 1], 4),
})

describe('checkpoint round trip', () => {
  const s = state()
  const text = encodeCheckpoint(s)
  const back = right(decodeCheckpoint(text, state()))
  it('restores every tensor bit-exactly, with its shape and dtype', () => {
    expect(bits(back.params[0]!.w.data)).toEqual(bits(s.params[0]!.w.data))
    expect(bits(back.params[2]!.b.data)).toEqual(bits(s.params[2]!.b.data))
    expect(back.params[2]!.w.dtype).toBe('float64')
    expect(bits(back.opt.mu[0]!.data)).toEqual(bits(edge32.data))
    expect(bits(back.opt.mu[1]!.data)).toEqual(bits(edge64.data))
    expect(Object.is(back.opt.mu[0]!.data[0], -0)).toBe(true)
    expect(back.opt.mu[1]!.shape).toEqual([2, 4])
    expect(back.y.data).toEqual(Int32Array.of(3, 0, 1))
    expect('dtype' in back.y).toBe(false)
  })
  it('restores scalars, including NaN, Infinity, -0, null and undefined', () => {
    expect(back.history).toEqual([{ epoch: 0, loss: 2.3 }, { epoch: 1, loss: NaN }])
    expect([back.epoch, back.name, back.done, back.best, back.bad]).toEqual([2, 'mlp', false, null, Infinity])
    expect(Object.is(back.lr, -0)).toBe(true)
    expect('note' in back && back.note === undefined).toBe(true)
    expect(back.params[1]).toEqual({})
  })
  it('writes the documented envelope and tensor records', () => {
    const doc = JSON.parse(encodeCheckpoint({ t: tensor([1], [1]) }))
    expect(doc).toEqual({
      format: 'tensorfold-checkpoint', version: 2, checksum: 'fnv1a32:66784824', payload: { t: { __tensor: true, shape: [1], dtype: 'float32', data: 'AACAPw==' } },
    })
  })
  it('accepts a history of another length under an empty template array', () => {
    const r = right(decodeCheckpoint(text, { ...state(), history: [] as { epoch: number; loss: number }[] }))
    expect(r.history.length).toBe(2)
  })
  it('does not mutate the payload', () => {
    expect(s.params[0]!.b.data).toEqual(new Float32Array(3))
  })
})

describe('checkpoint errors', () => {
  const text = encodeCheckpoint(state())
  const edit = (f: (doc: any) => void): string => {
    const doc = JSON.parse(text)
    f(doc)
    return JSON.stringify(doc)
  }
  it('a truncated file is a Left, never a throw', () => {
    for (const cut of [0, 1, 10, text.length / 2, text.length - 1]) expect(left(decodeCheckpoint(text.slice(0, cut), state()))).toMatch(/^checkpoint: the file is not valid JSON \(.*\); it may be truncated$/)
  })
  it('a hand-edited value of the wrong type names the path and both values', () => {
    expect(left(decodeCheckpoint(edit((d) => (d.payload.epoch = 'three')), state()))).toBe("checkpoint: at epoch the file has a string ('three') but the model has a number (2)")
    expect(left(decodeCheckpoint(edit((d) => (d.payload.history[1].loss = '0.5')), state()))).toBe(
      "checkpoint: at history[1].loss the file has a string ('0.5') but the model has a number (NaN)",
    )
    expect(left(decodeCheckpoint(edit((d) => (d.payload.params[0].w = 1)), state()))).toBe('checkpoint: at params[0].w the file has a number (1) but the model has a tensor [4,3] float32')
    expect(left(decodeCheckpoint(edit((d) => (d.payload.params[0].w.shape = [4, 'x'])), state()))).toBe(
      "checkpoint: at params[0].w the tensor record is malformed: shape.1 is 'x', not a non-negative integer",
    )
    expect(left(decodeCheckpoint(edit((d) => (d.payload.params[0].w.data = 'AAAA')), state()))).toBe('checkpoint: at params[0].w the data has 3 bytes but shape [4,3] float32 needs 48')
    expect(left(decodeCheckpoint(edit((d) => (d.payload.params[0].b.data = 'AA!AAAAAAAAAAAAA')), state()))).toMatch(
      /^checkpoint: at params\[0\]\.b the data is not valid base64 \(decodeBase64: character "!" at position 2/,
    )
    expect(left(decodeCheckpoint(edit((d) => (d.payload.params[0].w.dtype = 'float64')), state()))).toBe(
      'checkpoint: at params[0].w the data has 48 bytes but shape [4,3] float64 needs 96',
    )
  })
  it('a file from another architecture names the path and both shapes', () => {
    const wide = encodeCheckpoint({ params: [{ w: zeros([128, 10]) }] })
    expect(left(decodeCheckpoint(wide, { params: [{ w: zeros([64, 10]) }] }))).toBe('checkpoint: at params[0].w the file has shape [128,10] but the model has [64,10]')
    expect(left(decodeCheckpoint(wide, { params: [{ w: zeros([128, 10], 'float64') }] }))).toBe('checkpoint: at params[0].w the file has dtype float32 but the model has float64')
    expect(left(decodeCheckpoint(wide, { params: [{ w: zeros([128, 10]) }, {}] }))).toBe('checkpoint: at params the file has an array of length 1 but the model has length 2')
    expect(left(decodeCheckpoint(wide, { params: [{ w: zeros([128, 10]), b: zeros([10]) }] }))).toBe("checkpoint: at params[0] the file has no key 'b' but the model has one")
    expect(left(decodeCheckpoint(wide, { params: [{}] }))).toBe("checkpoint: at params[0] the file has a key 'w' that the model does not have")
    expect(left(decodeCheckpoint(wide, { params: { w: zeros([128, 10]) } }))).toBe('checkpoint: at params the file has an array of length 1 but the model has an object')
    expect(left(decodeCheckpoint(wide, { params: [{ w: labels([1], 2) }] }))).toBe('checkpoint: at params[0].w the file has shape [128,10] but the model has [1]')
  })
  it('checks a bare tensor or scalar at the root', () => {
    expect(left(decodeCheckpoint(encodeCheckpoint(zeros([2])), zeros([3])))).toBe('checkpoint: at the root the file has shape [2] but the model has [3]')
    expect(right(decodeCheckpoint(encodeCheckpoint(NaN), 0))).toBeNaN()
    expect(left(decodeCheckpoint(encodeCheckpoint(null), 0))).toBe('checkpoint: at the root the file has null but the model has a number (0)')
  })
  it('a wrong format or version, or a non-checkpoint, is a clear Left', () => {
    expect(left(decodeCheckpoint(edit((d) => (d.format = 'keras')), state()))).toBe("checkpoint: format is 'keras' but 'tensorfold-checkpoint' was expected")
    expect(left(decodeCheckpoint(edit((d) => (d.version = 1)), state()))).toBe('checkpoint: version is 1 but this library reads version 2')
    expect(left(decodeCheckpoint(edit((d) => (d.version = 3)), state()))).toBe('checkpoint: version is 3 but this library reads version 2')
    expect(left(decodeCheckpoint(edit((d) => delete d.payload), state()))).toBe('checkpoint: the file is not a checkpoint: expected an object with format, version and payload, got an object')
    expect(left(decodeCheckpoint('[1,2]', state()))).toBe('checkpoint: the file is not a checkpoint: expected an object with format, version and payload, got an array of length 2')
  })
  it('encoding names the path of a value it cannot hold', () => {
    expect(() => encodeCheckpoint({ a: [1, () => 0] })).toThrow(new ValueError('encodeCheckpoint', 'at a[1] a function cannot be stored (a checkpoint holds tensors, labels, numbers, strings, booleans, null, undefined, arrays and plain objects)'))
    expect(() => encodeCheckpoint({ m: new Map() })).toThrow('encodeCheckpoint: at m a Map cannot be stored')
    const cyc: Record<string, unknown> = {}
    cyc.self = cyc
    expect(() => encodeCheckpoint(cyc)).toThrow('encodeCheckpoint: at self the payload refers to itself')
    expect(() => encodeCheckpoint({ x: { __tensor: 1 } })).toThrow("encodeCheckpoint: at x the key '__tensor' is reserved for checkpoint records")
  })
})
