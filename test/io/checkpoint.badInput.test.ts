import fc from 'fast-check'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { adam, CHECKPOINT_VERSION, decodeCheckpoint, encodeCheckpoint, key, labels, normal, tensor, ValueError, zeros, type CheckpointError, type Labels } from '../../src/index.js'

// The bad-input matrix of checkpoints: each bad file (or payload) and the error it must give. A bad
// file is a Left naming the path in the payload and the field; never a throw, never a value with
// some parts loaded.

const params = () => [{ w: normal(key(1), [3, 2]), b: zeros([2]) }, {}, { w: normal(key(2), [2, 2], 0, 1, 'float64') }] as const
const state = () => {
  const p = params()
  return { params: p, opt: adam(1e-3).init(p), epoch: 3, sinceBest: 1, score: Infinity, history: [{ epoch: 1, loss: 0.5 }], y: labels([3, 0, 1], 4) }
}
const text = encodeCheckpoint(state())
const left = <A>(r: E.Either<CheckpointError, A>): string => {
  if (E.isRight(r)) throw new Error('expected a Left')
  return r.left.message
}
/** The file after `f` edits its JSON document (the checksum is left as it was). */
const edit = (f: (doc: any) => void): string => {
  const doc = JSON.parse(text)
  f(doc)
  return JSON.stringify(doc)
}
/** Rewrites one float of a tensor record's base64 data. */
const setFloat = (record: { dtype: string; data: string }, i: number, v: number): void => {
  const bytes = Buffer.from(record.data, 'base64')
  if (record.dtype === 'float64') bytes.writeDoubleLE(v, i * 8)
  else bytes.writeFloatLE(v, i * 4)
  record.data = bytes.toString('base64')
}
const setInt = (record: { data: string }, i: number, v: number): void => {
  const bytes = Buffer.from(record.data, 'base64')
  bytes.writeInt32LE(v, i * 4)
  record.data = bytes.toString('base64')
}

describe('decodeCheckpoint: the matrix', () => {
  const cases: [string, string, string][] = [
    ['a file of the previous version', edit((d) => (d.version = 1)), `version is 1 but this library reads version ${CHECKPOINT_VERSION}`],
    ['a version as text', edit((d) => (d.version = '2')), `version is '2' but this library reads version ${CHECKPOINT_VERSION}`],
    ['a NaN in a param', edit((d) => setFloat(d.payload.params[0].w, 4, NaN)), 'at params[0].w the tensor has NaN at flat index 4; a checkpoint holds finite values'],
    ['an Infinity in an Adam moment', edit((d) => setFloat(d.payload.opt[0].nu[2].w, 1, -Infinity)), 'at opt[0].nu[2].w the tensor has -Infinity at flat index 1; a checkpoint holds finite values'],
    ['a negative step count', edit((d) => (d.payload.opt[0].count = -1)), 'at opt[0].count the counter is -1; counters must be non-negative integers'],
    ['a fractional epoch', edit((d) => (d.payload.epoch = 2.5)), 'at epoch the counter is 2.5; counters must be non-negative integers'],
    ['a NaN counter', edit((d) => (d.payload.sinceBest = { __number: 'NaN' })), 'at sinceBest the counter is NaN; counters must be non-negative integers'],
    ['a bad counter in a free list', edit((d) => (d.payload.history[0].epoch = -3)), 'at history[0].epoch the counter is -3; counters must be non-negative integers'],
    ['a label out of range', edit((d) => setInt(d.payload.y, 1, 7)), 'at y label 1 is 7, outside [0, 4)'],
    ['labels of another class count', edit((d) => (d.payload.y.numClasses = 5)), 'at y the file has labels of 5 classes but the model has 4'],
    ['labels without a class count', edit((d) => delete d.payload.y.numClasses), 'at y the file has labels without a class count but the model has 4'],
    ['a class count as text', edit((d) => (d.payload.y.numClasses = 'four')), "at y the tensor record is malformed: numClasses is 'four', not a positive integer"],
    ['a class count of 0', edit((d) => (d.payload.y.numClasses = 0)), 'at y the labels have numClasses 0, not a positive integer'],
    ['a wrong shape', edit((d) => (d.payload.params[2].w.shape = [4])), 'at params[2].w the file has shape [4] but the model has [2,2]'],
    ['a missing moment', edit((d) => delete d.payload.opt[0].mu), "at opt[0] the file has no key 'mu' but the model has one"],
    ['a value changed by hand', edit((d) => (d.payload.score = 0.25)), ''],
    ['a flipped bit in tensor data', edit((d) => setFloat(d.payload.params[0].b, 0, 1e-30)), ''],
  ]
  for (const [name, file, message] of cases)
    it(name, () => {
      const m = left(decodeCheckpoint(file, state()))
      if (message === '') expect(m).toMatch(/^checkpoint: the checksum is 'fnv1a32:[0-9a-f]{8}' but the content gives 'fnv1a32:[0-9a-f]{8}': the file was changed or damaged after it was saved$/)
      else expect(m).toBe(`checkpoint: ${message}`)
    })
  it('a file without a checksum', () => {
    expect(left(decodeCheckpoint(edit((d) => delete d.checksum), state()))).toBe("checkpoint: the checksum is undefined but the content gives 'fnv1a32:" + JSON.parse(text).checksum.slice(8) + "': the file was changed or damaged after it was saved")
  })
})

describe('encodeCheckpoint refuses what decodeCheckpoint would refuse (a saved file always loads)', () => {
  const cases: [string, () => unknown, string][] = [
    ['a NaN in a tensor', () => encodeCheckpoint({ w: tensor([2], [1, NaN]) }), 'at w the tensor has NaN at flat index 1; a checkpoint holds finite values (has training diverged?)'],
    ['an Infinity in a nested tensor', () => encodeCheckpoint([{ m: [tensor([1], [Infinity], 'float64')] }]), 'at [0].m[0] the tensor has Infinity at flat index 0; a checkpoint holds finite values (has training diverged?)'],
    ['a negative counter', () => encodeCheckpoint({ opt: [{ count: -1 }] }), 'at opt[0].count the counter is -1; counters must be non-negative integers'],
    ['a fractional plateau counter', () => encodeCheckpoint({ plateauCount: 0.5 }), 'at plateauCount the counter is 0.5; counters must be non-negative integers'],
    ['labels out of range', () => encodeCheckpoint({ y: { shape: [2], numClasses: 2, data: Int32Array.of(0, 2) } as Labels }), 'at y label 1 is 2, outside [0, 2)'],
    ['a Uint8Array tensor', () => encodeCheckpoint({ t: { shape: [1], data: new Uint8Array(1) } }), 'at t a tensor with Uint8Array data cannot be stored'],
  ]
  for (const [name, run, message] of cases) it(name, () => expect(run).toThrow(new ValueError('encodeCheckpoint', message)))
  it('non-counter numbers may be anything', () => {
    const r = decodeCheckpoint(encodeCheckpoint({ score: NaN, rate: -0.5, best: Infinity }), { score: 0, rate: 0, best: 0 })
    expect(E.isRight(r) && r.right).toEqual({ score: NaN, rate: -0.5, best: Infinity })
  })
})

describe('decodeCheckpoint: random damage is a Left, never a throw or a different value', () => {
  it('truncation anywhere', () => {
    fc.assert(
      fc.property(fc.nat(text.length - 1), (cut) => {
        expect(E.isLeft(decodeCheckpoint(text.slice(0, cut), state()))).toBe(true)
      }),
    )
  })
  it('one character replaced anywhere', () => {
    const original = decodeCheckpoint(text, state())
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.integer({ min: 32, max: 126 }), (at, code) => {
        const c = String.fromCharCode(code)
        fc.pre(text[at] !== c)
        let r: E.Either<CheckpointError, unknown> | undefined
        expect(() => (r = decodeCheckpoint(text.slice(0, at) + c + text.slice(at + 1), state()))).not.toThrow()
        // NOTE: a change that parses to the same payload (1e+21 → 1E+21) loads the same value.
        if (E.isRight(r!)) expect(r.right).toEqual(E.isRight(original) && original.right)
        else expect(r!.left.message).toMatch(/^checkpoint: /)
      }),
      { numRuns: 300 },
    )
  })
  it('random bad values at random places of the payload', () => {
    const bad = fc.constantFrom<unknown>(null, 'x', -1, 1.5, [], {}, { __number: 'NaN' }, { __tensor: true }, true)
    const targets: ((d: any, v: unknown) => void)[] = [
      (d, v) => (d.payload.epoch = v), (d, v) => (d.payload.opt[0].count = v), (d, v) => (d.payload.params[0].w = v),
      (d, v) => (d.payload.opt[0].mu[2] = v), (d, v) => (d.payload.history[0].epoch = v), (d, v) => (d.payload.y.numClasses = v),
    ]
    fc.assert(
      fc.property(fc.nat(targets.length - 1), bad, (k, v) => {
        const r = decodeCheckpoint(edit((d) => targets[k]!(d, v)), state())
        expect(E.isLeft(r) && r.left.message.startsWith('checkpoint: ')).toBe(true)
      }),
    )
  })
})
