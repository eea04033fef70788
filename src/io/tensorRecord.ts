import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import { decodeBase64, encodeBase64 } from '../internal/base64.js'
import { showShape } from '../shape/ShapeError.js'
import { numel } from '../tensor/Tensor.js'
import { showValue } from './codecs.js'

// How a checkpoint stores a tensor leaf: shape, dtype and the little-endian bytes in base64, so
// that float32/float64 values (and NaN payloads, -0, subnormals) round-trip bit-exactly.

/** The element types a checkpoint stores: tensor dtypes, and int32 for `Labels`. */
export type RecordDType = 'float32' | 'float64' | 'int32'

/** A tensor or labels leaf: `{ shape, data }` plus `dtype` for tensors, `numClasses` for labels. */
export type ArrayLeaf = {
  readonly shape: readonly number[]
  readonly dtype?: string
  readonly numClasses?: number
  readonly data: Float32Array | Float64Array | Int32Array
}

const NonNegativeInt = new t.Type<number, number, unknown>(
  'a non-negative integer',
  (u): u is number => Number.isSafeInteger(u) && (u as number) >= 0,
  (u, c) => (Number.isSafeInteger(u) && (u as number) >= 0 ? t.success(u as number) : t.failure(u, c)),
  t.identity,
)

/** The JSON form of a tensor leaf; labels (int32) also carry their `numClasses`. */
export const TensorRecord = t.type({
  __tensor: t.literal(true),
  shape: t.array(NonNegativeInt),
  dtype: t.keyof({ float32: null, float64: null, int32: null }),
  data: t.string,
})
export type TensorRecord = t.TypeOf<typeof TensorRecord> & { readonly numClasses?: number }

const BYTES: Record<RecordDType, number> = { float32: 4, float64: 8, int32: 4 }
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

export const dtypeOf = (leaf: ArrayLeaf): RecordDType =>
  leaf.data instanceof Int32Array ? 'int32' : leaf.data instanceof Float64Array ? 'float64' : 'float32'

const toBytes = (data: ArrayLeaf['data']): Uint8Array => {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  const out = new DataView(new ArrayBuffer(data.byteLength))
  const w = data.BYTES_PER_ELEMENT
  for (let i = 0; i < data.length; i++)
    if (data instanceof Float64Array) out.setFloat64(i * w, data[i]!, true)
    else if (data instanceof Float32Array) out.setFloat32(i * w, data[i]!, true)
    else out.setInt32(i * w, data[i]!, true)
  return new Uint8Array(out.buffer)
}

const fromBytes = (bytes: Uint8Array, dtype: RecordDType): ArrayLeaf['data'] => {
  // NOTE: decodeBase64 returns a fresh buffer at offset 0, so the typed-array views are aligned.
  const n = bytes.length / BYTES[dtype]
  if (LITTLE_ENDIAN)
    return dtype === 'float64' ? new Float64Array(bytes.buffer, 0, n) : dtype === 'float32' ? new Float32Array(bytes.buffer, 0, n) : new Int32Array(bytes.buffer, 0, n)
  const v = new DataView(bytes.buffer)
  const out = dtype === 'float64' ? new Float64Array(n) : dtype === 'float32' ? new Float32Array(n) : new Int32Array(n)
  for (let i = 0; i < n; i++)
    out[i] = dtype === 'float64' ? v.getFloat64(i * 8, true) : dtype === 'float32' ? v.getFloat32(i * 4, true) : v.getInt32(i * 4, true)
  return out
}

/** The JSON form of a tensor or labels leaf. */
export const encodeTensorRecord = (leaf: ArrayLeaf): TensorRecord => ({
  __tensor: true,
  shape: [...leaf.shape],
  dtype: dtypeOf(leaf),
  data: encodeBase64(toBytes(leaf.data)),
  ...(leaf.numClasses !== undefined && { numClasses: leaf.numClasses }),
})

/**
 * Why a leaf's values cannot be in a checkpoint, or undefined: floats must be finite, labels
 * integers in `[0, numClasses)` with `numClasses` a positive integer.
 */
export const leafValueProblem = (leaf: ArrayLeaf): string | undefined => {
  const d = leaf.data
  if (d instanceof Int32Array) {
    const c = leaf.numClasses
    if (c === undefined) return undefined
    if (!Number.isSafeInteger(c) || c < 1) return `the labels have numClasses ${showValue(c)}, not a positive integer`
    for (let i = 0; i < d.length; i++) if (d[i]! < 0 || d[i]! >= c) return `label ${i} is ${d[i]}, outside [0, ${c})`
    return undefined
  }
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return `the tensor has ${d[i]} at flat index ${i}; a checkpoint holds finite values`
  return undefined
}

/** A `TensorRecord` read from a file, checked structurally and against its byte length. */
export const decodeTensorRecord = (u: unknown): E.Either<string, ArrayLeaf> => {
  const r = TensorRecord.decode(u)
  if (E.isLeft(r)) {
    const e = r.left[0]!
    const where = e.context.map((c) => c.key).filter((k) => k !== '').join('.')
    return E.left(`the tensor record is malformed: ${where || 'it'} is ${showValue(e.value)}, not ${e.context.at(-1)?.type.name ?? 'valid'}`)
  }
  const { shape, dtype, data } = r.right
  let bytes: Uint8Array
  try {
    bytes = decodeBase64(data)
  } catch (err) {
    return E.left(`the data is not valid base64 (${(err as Error).message})`)
  }
  const need = numel(shape) * BYTES[dtype]
  if (bytes.length !== need) return E.left(`the data has ${bytes.length} bytes but shape ${showShape(shape)} ${dtype} needs ${need}`)
  const values = fromBytes(bytes, dtype)
  if (dtype !== 'int32') return E.right({ shape, dtype, data: values })
  const numClasses = (u as { numClasses?: unknown }).numClasses
  if (numClasses === undefined) return E.right({ shape, data: values })
  if (typeof numClasses !== 'number') return E.left(`the tensor record is malformed: numClasses is ${showValue(numClasses)}, not a positive integer`)
  return E.right({ shape, numClasses, data: values })
}
