import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { ValueError } from '../shape/ValueError.js'
import { sameShape } from '../shape/Shape.js'
import { showShape } from '../shape/ShapeError.js'
import { numel } from '../tensor/Tensor.js'
import { isPlainObject, isTensor, showPath, walkTrees, type Mismatch, type NodeKind, type Path } from '../tree/tree.js'
import { checkpointError, type CheckpointError } from './CheckpointError.js'
import { showValue } from './codecs.js'
import { decodeTensorRecord, dtypeOf, encodeTensorRecord, leafValueProblem, TensorRecord, type ArrayLeaf } from './tensorRecord.js'

// A checkpoint is the JSON document { format, version, checksum, payload }. Leaves that JSON cannot hold
// exactly are written as tagged records: tensors as { __tensor, shape, dtype, data (base64) } (and
// labels with their numClasses), NaN/±Infinity/-0 as { __number: 'NaN' }, undefined as
// { __undefined: true }. Both directions are one walk of the payload (`walkTrees`), so paths in
// errors are the tree paths: `params[2].w`.
//
// Version 2 (this one) adds what every file is checked for, on saving and on loading: finite
// tensors, labels in range with their class count, counters that are non-negative integers, and a
// checksum of the payload.

/** The checkpoint format this library writes and reads. */
export const CHECKPOINT_VERSION = 2
const FORMAT = 'tensorfold-checkpoint'
const RESERVED = ['__tensor', '__number', '__undefined']

const Envelope = t.type({ format: t.unknown, version: t.unknown, payload: t.unknown })
const SpecialNumber = t.type({ __number: t.keyof({ NaN: null, Infinity: null, '-Infinity': null, '-0': null }) })
const UndefinedRecord = t.type({ __undefined: t.literal(true) })
const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 }

const isArrayLeaf = (v: unknown): v is ArrayLeaf =>
  isTensor(v) && (v.data instanceof Float32Array || v.data instanceof Float64Array || (v.data as unknown) instanceof Int32Array)

/**
 * Counters: fields named `count`, `epoch`, `since…` or `…Count` (an optimizer's step count, the
 * epochs done, early stopping's and the plateau rule's counters). Their values must be
 * non-negative integers.
 */
const COUNTER = /^(count|epoch|step|examples|since[A-Z]\w*|\w+Count)$/
const isCounter = (path: Path): boolean => {
  const m = /(?:^|\.)([A-Za-z_$][\w$]*)$/.exec(path)
  return m !== null && COUNTER.test(m[1]!)
}
const counterProblem = (path: Path, n: number): string | undefined =>
  isCounter(path) && !(Number.isSafeInteger(n) && n >= 0) ? `at ${showPath(path)} the counter is ${Object.is(n, -0) ? '-0' : n}; counters must be non-negative integers` : undefined

/**
 * FNV-1a (32 bits) of the payload's JSON text, as 8 hex digits: it catches what the structural
 * checks cannot, such as a flipped bit in a tensor's base64 data. `JSON.stringify(JSON.parse(s))`
 * gives back `s` for text that `JSON.stringify` wrote, so the reader recomputes it from the payload.
 */
const checksum = (text: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, '0')}`
}

// ---------------------------------------------------------------------------------------------
// encoding

const encodeLeaf = (v: unknown, path: Path): unknown => {
  const fail = (m: string): never => {
    throw new ValueError('encodeCheckpoint', `at ${showPath(path)} ${m}`)
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
  if (v === undefined) return { __undefined: true }
  if (typeof v === 'number') {
    const c = counterProblem(path, v)
    if (c !== undefined) throw new ValueError('encodeCheckpoint', c)
    return Number.isFinite(v) && !Object.is(v, -0) ? v : { __number: Object.is(v, -0) ? '-0' : String(v) }
  }
  if (isArrayLeaf(v)) {
    if (numel(v.shape) !== v.data.length) fail(`a tensor has shape ${showShape(v.shape)} but ${v.data.length} elements`)
    if (v.dtype !== undefined && v.dtype !== dtypeOf(v)) fail(`a tensor says dtype ${v.dtype} but stores ${dtypeOf(v)}`)
    const p = leafValueProblem(v)
    if (p !== undefined) fail(`${p}${v.data instanceof Int32Array ? '' : ' (has training diverged?)'}`)
    return encodeTensorRecord(v)
  }
  if (isTensor(v)) return fail(`a tensor with ${v.data.constructor.name} data cannot be stored`)
  return fail(
    `a ${typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v} cannot be stored (a checkpoint holds tensors, labels, numbers, strings, booleans, null, undefined, arrays and plain objects)`,
  )
}

/**
 * The checkpoint document for `payload`, as JSON text: any tree of tensors, `Labels`, numbers,
 * strings, booleans, `null`, `undefined`, arrays and plain objects (params, optimizer state,
 * training history, epoch counters). Tensors are stored as base64 little-endian bytes, so every
 * float32/float64 value round-trips bit-exactly, as do NaN, ±Infinity and -0 numbers.
 *
 * What `decodeCheckpoint` refuses is refused here, so a file that was saved always loads: tensors
 * must be finite, labels in `[0, numClasses)`, and counters (fields named `count`, `epoch`,
 * `since…`, `…Count`) non-negative integers.
 *
 * @throws ValueError naming the path of a value a checkpoint cannot hold (a function, a `Map`, a
 *   cycle, a key named `__tensor`/`__number`/`__undefined`, a NaN in a tensor, a negative counter),
 *   e.g. `encodeCheckpoint: at params[0].w the tensor has NaN at flat index 3; …`.
 * @example
 * const text = encodeCheckpoint({ params, opt: state, epoch: 3, history })
 * @category io
 */
export const encodeCheckpoint = (payload: unknown): string => {
  const encoded = walkTrees([payload], {
    leaf: ([v], path) => encodeLeaf(v, path),
    enter: ([v], kind, path) => {
      if (kind === 'object')
        for (const k of Object.keys(v as object))
          if (RESERVED.includes(k)) throw new ValueError('encodeCheckpoint', `at ${showPath(path)} the key '${k}' is reserved for checkpoint records`)
    },
    mismatch: (m) => {
      throw new ValueError('encodeCheckpoint', `at ${showPath(m.path)} the payload refers to itself`)
    },
  })
  const text = JSON.stringify(encoded)
  return `{"format":"${FORMAT}","version":${CHECKPOINT_VERSION},"checksum":"${checksum(text)}","payload":${text}}`
}

// ---------------------------------------------------------------------------------------------
// decoding

/** Why a file does not decode; caught by `decodeCheckpoint` and returned as a `Left`. */
class Failure {
  constructor(readonly message: string) {}
}
const fail = (message: string): never => {
  throw new Failure(message)
}

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

const mismatch = (path: Path, u: unknown, v: unknown): never => fail(`at ${showPath(path)} the file has ${describeFile(u)} but the model has ${describeModel(v)}`)

/** The file side: a plain object holding a reserved key is a record (a leaf), not a container. */
const fileKind = (u: unknown): NodeKind =>
  Array.isArray(u) ? 'array' : isPlainObject(u) && !RESERVED.some((k) => Object.hasOwn(u, k)) ? 'object' : 'leaf'

/** The template side: tensors, labels and empty arrays (which accept a list of any length) are leaves. */
const templateKind = (v: unknown): NodeKind => (isArrayLeaf(v) || (Array.isArray(v) && v.length === 0) ? 'leaf' : Array.isArray(v) ? 'array' : isPlainObject(v) ? 'object' : 'leaf')

const structureMismatch = (m: Mismatch, [v, u]: readonly unknown[]): never => {
  const at = `at ${showPath(m.path)}`
  switch (m.kind) {
    case 'length':
      return fail(`${at} the file has an array of length ${(u as unknown[]).length} but the model has length ${(v as unknown[]).length}`)
    case 'extraKey':
      return fail(`${at} the file has a key '${m.key}' that the model does not have`)
    case 'missingKey':
      return fail(`${at} the file has no key '${m.key}' but the model has one`)
    case 'cycle':
      return fail(`${at} the model refers to itself`)
    case 'node':
      return mismatch(m.path, u, v)
  }
}

/** A tensor record at `path`, checked (bytes, finite values, labels in range). */
const tensorAt = (u: unknown, path: Path): ArrayLeaf => {
  const r = decodeTensorRecord(u)
  if (E.isLeft(r)) return fail(`at ${showPath(path)} ${r.left}`)
  const p = leafValueProblem(r.right)
  return p === undefined ? r.right : fail(`at ${showPath(path)} ${p}`)
}

/** A number (plain or a special-number record) at `path`, checked if it is a counter; undefined when `u` is no number. */
const numberAt = (u: unknown, path: Path): number | undefined => {
  const n = typeof u === 'number' ? u : SpecialNumber.is(u) ? SPECIAL[u.__number] : undefined
  if (n === undefined) return undefined
  const c = counterProblem(path, n)
  return c === undefined ? n : fail(c)
}

const decodeTensor = (u: unknown, v: ArrayLeaf, path: Path): ArrayLeaf => {
  if (!TensorRecord.is(u) && !(isPlainObject(u) && '__tensor' in u)) return mismatch(path, u, v)
  const leaf = tensorAt(u, path)
  const at = `at ${showPath(path)}`
  if (!sameShape(leaf.shape, v.shape)) return fail(`${at} the file has shape ${showShape(leaf.shape)} but the model has ${showShape(v.shape)}`)
  if (dtypeOf(leaf) !== dtypeOf(v)) return fail(`${at} the file has dtype ${dtypeOf(leaf)} but the model has ${dtypeOf(v)}`)
  if (v.numClasses !== leaf.numClasses)
    return fail(`${at} the file has ${leaf.numClasses === undefined ? 'labels without a class count' : `labels of ${leaf.numClasses} classes`} but the model has ${v.numClasses === undefined ? 'none' : `${v.numClasses}`}`)
  return leaf
}

/** Decodes the file value `u` against the template leaf `v`. */
const decodeLeaf = (v: unknown, u: unknown, path: Path): unknown => {
  if (isArrayLeaf(v)) return decodeTensor(u, v, path)
  if (Array.isArray(v)) {
    // NOTE: an empty template array (e.g. a fresh training history) accepts a list of any length.
    return Array.isArray(u) ? decodeFree(u, path) : mismatch(path, u, v)
  }
  if (typeof v === 'number') {
    const n = numberAt(u, path)
    return n === undefined ? mismatch(path, u, v) : n
  }
  if (v === undefined) return UndefinedRecord.is(u) ? undefined : mismatch(path, u, v)
  if (v === null) return u === null ? null : mismatch(path, u, v)
  if (typeof v === 'string' || typeof v === 'boolean') return typeof u === typeof v ? u : mismatch(path, u, v)
  return fail(`at ${showPath(path)} the model has ${describeModel(v)}, which a checkpoint cannot hold`)
}

/** Decodes `u` without a template: used under an empty template array. */
const decodeFree = (u: unknown, path: Path): unknown =>
  walkTrees(
    [u],
    {
      kindOf: fileKind,
      leaf: ([w], p) => {
        if (isPlainObject(w) && '__tensor' in w) return tensorAt(w, p)
        const n = numberAt(w, p)
        if (n !== undefined) return n
        if (UndefinedRecord.is(w)) return undefined
        return isPlainObject(w) ? fail(`at ${showPath(p)} the record ${describeFile(w)} is malformed`) : w
      },
      mismatch: structureMismatch,
    },
    path,
  )

const decodeEnvelope = (text: string): E.Either<string, t.TypeOf<typeof Envelope> & { readonly checksum?: unknown }> => {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    return E.left(`the file is not valid JSON (${(err as Error).message}); it may be truncated`)
  }
  if (!Envelope.is(json) || !isPlainObject(json)) return E.left(`the file is not a checkpoint: expected an object with format, version and payload, got ${describeModel(json)}`)
  if (json.format !== FORMAT) return E.left(`format is ${showValue(json.format)} but '${FORMAT}' was expected`)
  if (json.version !== CHECKPOINT_VERSION) return E.left(`version is ${showValue(json.version)} but this library reads version ${CHECKPOINT_VERSION}`)
  if (!Object.hasOwn(json, 'payload')) return E.left('the file has no payload')
  return E.right(json)
}

/**
 * Reads a checkpoint written by `encodeCheckpoint`, checking it against `template`: a value of the
 * same architecture (e.g. freshly initialised params and optimizer state). Keys, array lengths,
 * leaf kinds, tensor shapes and dtypes, each tensor's byte length and labels' class count must all
 * match; an empty array in the template accepts a list of any length (e.g. a training history).
 * The values are checked too: tensors finite, labels in `[0, numClasses)`, counters (fields named
 * `count`, `epoch`, `since…`, `…Count`) non-negative integers. The file must be of this library's
 * checkpoint version. The result has the template's type and key order. Never throws and never
 * returns a partly loaded value.
 *
 * - returns: `Right(value)`, or `Left(CheckpointError)` naming the path and both values, e.g.
 *   `checkpoint: at params[2].w the file has shape [128,10] but the model has [64,10]`,
 *   `checkpoint: at opt[0].mu[0].w the tensor has NaN at flat index 3; a checkpoint holds finite values`,
 *   `checkpoint: version is 1 but this library reads version 2`.
 *
 * @example
 * pipe(decodeCheckpoint(text, { params: model.init(key(0)), epoch: 0 }), E.map(({ params }) => params))
 * @category io
 */
export const decodeCheckpoint = <T>(text: string, template: T): E.Either<CheckpointError, T> => {
  try {
    const payload = decodeEnvelope(text)
    if (E.isLeft(payload)) return E.left(checkpointError(payload.left))
    const value = walkTrees([template, payload.right.payload], {
      kindOf: (x, tree) => (tree === 0 ? templateKind(x) : fileKind(x)),
      leaf: ([v, u], path) => decodeLeaf(v, u, path),
      mismatch: structureMismatch,
    })
    // NOTE: last, so that an edit that breaks the structure or a value is named by its path.
    const sum = checksum(JSON.stringify(payload.right.payload))
    if (payload.right.checksum !== sum)
      return E.left(checkpointError(`the checksum is ${showValue(payload.right.checksum)} but the content gives '${sum}': the file was changed or damaged after it was saved`))
    return E.right(value as T)
  } catch (err) {
    if (err instanceof Failure) return E.left(checkpointError(err.message))
    return E.left(checkpointError(`the file could not be decoded (${(err as Error).message})`))
  }
}
