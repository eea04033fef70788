import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { ValueError } from '../shape/ValueError.js'
import { sameShape } from '../shape/Shape.js'
import { showShape } from '../shape/ShapeError.js'
import { numel } from '../tensor/Tensor.js'
import { isTensor } from '../tree/tree.js'
import { checkpointError, type CheckpointError } from './CheckpointError.js'
import { showValue } from './codecs.js'
import { decodeTensorRecord, dtypeOf, encodeTensorRecord, TensorRecord, type ArrayLeaf } from './tensorRecord.js'

// A checkpoint is the JSON document { format, version, payload }. Leaves that JSON cannot hold
// exactly are written as tagged records: tensors as { __tensor, shape, dtype, data (base64) },
// NaN/±Infinity/-0 as { __number: 'NaN' }, undefined as { __undefined: true }.

const FORMAT = 'tensorfold-checkpoint'
const VERSION = 1
const RESERVED = ['__tensor', '__number', '__undefined']

const Envelope = t.type({ format: t.unknown, version: t.unknown, payload: t.unknown })
const SpecialNumber = t.type({ __number: t.keyof({ NaN: null, Infinity: null, '-Infinity': null, '-0': null }) })
const UndefinedRecord = t.type({ __undefined: t.literal(true) })
const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }

const child = (path: string, k: string | number): string => (typeof k === 'number' ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`)
const at = (path: string): string => (path === '' ? 'the root' : path)
const isArrayLeaf = (v: unknown): v is ArrayLeaf =>
  isTensor(v) && (v.data instanceof Float32Array || v.data instanceof Float64Array || (v.data as unknown) instanceof Int32Array)
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)

// ---------------------------------------------------------------------------------------------
// encoding

const encodeValue = (v: unknown, path: string, seen: Set<object>): unknown => {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
  if (v === undefined) return { __undefined: true }
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : { __number: Object.is(v, -0) ? '-0' : String(v) }
  if (isArrayLeaf(v)) {
    if (numel(v.shape) !== v.data.length)
      throw new ValueError('encodeCheckpoint', `at ${at(path)} a tensor has shape ${showShape(v.shape)} but ${v.data.length} elements`)
    if (v.dtype !== undefined && v.dtype !== dtypeOf(v))
      throw new ValueError('encodeCheckpoint', `at ${at(path)} a tensor says dtype ${v.dtype} but stores ${dtypeOf(v)}`)
    return encodeTensorRecord(v)
  }
  if (typeof v === 'object' && (Array.isArray(v) || isPlainObject(v))) {
    if (seen.has(v)) throw new ValueError('encodeCheckpoint', `at ${at(path)} the payload refers to itself`)
    seen.add(v)
    const out = Array.isArray(v)
      ? v.map((x, i) => encodeValue(x, child(path, i), seen))
      : Object.fromEntries(
          Object.entries(v).map(([k, x]) => {
            if (RESERVED.includes(k)) throw new ValueError('encodeCheckpoint', `at ${at(path)} the key '${k}' is reserved for checkpoint records`)
            return [k, encodeValue(x, child(path, k), seen)]
          }),
        )
    seen.delete(v)
    return out
  }
  throw new ValueError('encodeCheckpoint', `at ${at(path)} a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v} cannot be stored (a checkpoint holds tensors, labels, numbers, strings, booleans, null, undefined, arrays and plain objects)`)
}

/**
 * The checkpoint document for `payload`, as JSON text: any tree of tensors, `Labels`, numbers,
 * strings, booleans, `null`, `undefined`, arrays and plain objects (params, optimizer state,
 * training history, epoch counters). Tensors are stored as base64 little-endian bytes, so every
 * float32/float64 value round-trips bit-exactly, as do NaN, ±Infinity and -0 numbers.
 *
 * @throws ValueError naming the path of a value a checkpoint cannot hold (a function, a `Map`, a
 *   cycle, a key named `__tensor`/`__number`/`__undefined`).
 * @example
 * const text = encodeCheckpoint({ params, opt: state, epoch: 3, history })
 * @category io
 */
export const encodeCheckpoint = (payload: unknown): string =>
  JSON.stringify({ format: FORMAT, version: VERSION, payload: encodeValue(payload, '', new Set()) })

// ---------------------------------------------------------------------------------------------
// decoding

const describeFile = (u: unknown): string => {
  if (TensorRecord.is(u)) return `a tensor ${showShape(u.shape)} ${u.dtype}`
  if (SpecialNumber.is(u)) return `a number (${u.__number})`
  if (UndefinedRecord.is(u)) return 'undefined'
  return describeModel(u)
}

const describeModel = (v: unknown): string => {
  if (isArrayLeaf(v)) return `a tensor ${showShape(v.shape)} ${dtypeOf(v)}`
  if (v === null || v === undefined) return String(v)
  if (Array.isArray(v)) return `an array of length ${v.length}`
  if (typeof v === 'object') return 'an object'
  return `a ${typeof v} (${showValue(v)})`
}

const mismatch = (path: string, u: unknown, v: unknown): E.Either<string, never> =>
  E.left(`at ${at(path)} the file has ${describeFile(u)} but the model has ${describeModel(v)}`)

const decodeLeaf = (u: unknown, v: ArrayLeaf, path: string): E.Either<string, unknown> => {
  if (!TensorRecord.is(u) && !(isPlainObject(u) && '__tensor' in u)) return mismatch(path, u, v)
  const r = decodeTensorRecord(u)
  if (E.isLeft(r)) return E.left(`at ${at(path)} ${r.left}`)
  const leaf = r.right
  if (!sameShape(leaf.shape, v.shape))
    return E.left(`at ${at(path)} the file has shape ${showShape(leaf.shape)} but the model has ${showShape(v.shape)}`)
  if (dtypeOf(leaf) !== dtypeOf(v)) return E.left(`at ${at(path)} the file has dtype ${dtypeOf(leaf)} but the model has ${dtypeOf(v)}`)
  return E.right(leaf)
}

const decodeNumber = (u: unknown): number | undefined =>
  typeof u === 'number' ? u : SpecialNumber.is(u) ? SPECIAL[u.__number] : undefined

/** Decodes `u` against the template value `v` (same structure, kinds, shapes and dtypes). */
const decodeAt = (u: unknown, v: unknown, path: string): E.Either<string, unknown> => {
  if (isArrayLeaf(v)) return decodeLeaf(u, v, path)
  if (typeof v === 'number') {
    const n = decodeNumber(u)
    return n === undefined ? mismatch(path, u, v) : E.right(n)
  }
  if (v === undefined) return UndefinedRecord.is(u) ? E.right(undefined) : mismatch(path, u, v)
  if (v === null) return u === null ? E.right(null) : mismatch(path, u, v)
  if (typeof v === 'string' || typeof v === 'boolean') return typeof u === typeof v ? E.right(u) : mismatch(path, u, v)
  if (Array.isArray(v)) {
    if (!Array.isArray(u)) return mismatch(path, u, v)
    // NOTE: an empty template array (e.g. a fresh training history) accepts a list of any length.
    if (v.length === 0) return decodeFree(u, path)
    if (u.length !== v.length) return E.left(`at ${at(path)} the file has an array of length ${u.length} but the model has length ${v.length}`)
    const out: unknown[] = []
    for (let i = 0; i < v.length; i++) {
      const r = decodeAt(u[i], v[i], child(path, i))
      if (E.isLeft(r)) return r
      out.push(r.right)
    }
    return E.right(out)
  }
  if (isPlainObject(v)) {
    if (!isPlainObject(u) || RESERVED.some((k) => k in u)) return mismatch(path, u, v)
    for (const k of Object.keys(u)) if (!Object.hasOwn(v, k)) return E.left(`at ${at(path)} the file has a key '${k}' that the model does not have`)
    const out: [string, unknown][] = []
    for (const k of Object.keys(v)) {
      if (!Object.hasOwn(u, k)) return E.left(`at ${at(path)} the file has no key '${k}' but the model has one`)
      const r = decodeAt(u[k], v[k], child(path, k))
      if (E.isLeft(r)) return r
      out.push([k, r.right])
    }
    return E.right(Object.fromEntries(out))
  }
  return E.left(`at ${at(path)} the model has ${describeModel(v)}, which a checkpoint cannot hold`)
}

/** Decodes `u` without a template: used under an empty template array. */
const decodeFree = (u: unknown, path: string): E.Either<string, unknown> => {
  if (isPlainObject(u) && '__tensor' in u) {
    const r = decodeTensorRecord(u)
    return E.isLeft(r) ? E.left(`at ${at(path)} ${r.left}`) : r
  }
  const n = decodeNumber(u)
  if (n !== undefined) return E.right(n)
  if (UndefinedRecord.is(u)) return E.right(undefined)
  if (Array.isArray(u) || isPlainObject(u)) {
    const out: [string, unknown][] = []
    for (const [k, x] of Object.entries(u)) {
      if (RESERVED.includes(k)) return E.left(`at ${at(path)} the record ${describeFile(u)} is malformed`)
      const r = decodeFree(x, Array.isArray(u) ? child(path, Number(k)) : child(path, k))
      if (E.isLeft(r)) return r
      out.push([k, r.right])
    }
    return E.right(Array.isArray(u) ? out.map(([, x]) => x) : Object.fromEntries(out))
  }
  return E.right(u)
}

const decodeEnvelope = (text: string): E.Either<string, unknown> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return E.left(`the file is not valid JSON (${(err as Error).message}); it may be truncated`)
  }
  if (!Envelope.is(json) || !isPlainObject(json)) return E.left(`the file is not a checkpoint: expected an object with format, version and payload, got ${describeModel(json)}`)
  if (json.format !== FORMAT) return E.left(`format is ${showValue(json.format)} but '${FORMAT}' was expected`)
  if (json.version !== VERSION) return E.left(`version is ${showValue(json.version)} but this library reads version ${VERSION}`)
  if (!Object.hasOwn(json, 'payload')) return E.left('the file has no payload')
  return E.right(json.payload)
}

/**
 * Reads a checkpoint written by `encodeCheckpoint`, checking it against `template`: a value of the
 * same architecture (e.g. freshly initialised params and optimizer state). Keys, array lengths,
 * leaf kinds, tensor shapes and dtypes, and each tensor's byte length must all match; an empty
 * array in the template accepts a list of any length (e.g. a training history). The result has
 * the template's type and key order. Never throws and never returns a partly loaded value.
 *
 * - returns: `Right(value)`, or `Left(CheckpointError)` naming the path and both values, e.g.
 *   `checkpoint: at params[2].w the file has shape [128,10] but the model has [64,10]`.
 *
 * @example
 * pipe(decodeCheckpoint(text, { params: model.init(key(0)), epoch: 0 }), E.map(({ params }) => params))
 * @category io
 */
export const decodeCheckpoint = <T>(text: string, template: T): E.Either<CheckpointError, T> => {
  try {
    const payload = decodeEnvelope(text)
    const r = E.isLeft(payload) ? payload : decodeAt(payload.right, template, '')
    return E.isLeft(r) ? E.left(checkpointError(r.left)) : E.right(r.right as T)
  } catch (err) {
    return E.left(checkpointError(`the file could not be decoded (${(err as Error).message})`))
  }
}
