// ONNX protobuf plumbing for the exporter: the generated messages and small constructors for the
// pieces a graph is made of (float32 initializers, nodes, typed inputs/outputs).
// NOTE: onnx-proto is CommonJS (`module.exports = $root`), so Node's ESM loader sees only a
// default export; a named `import { onnx }` fails at run time. Bundlers accept the default import too.
import onnxProto from 'onnx-proto'
import type { onnx as Onnx } from 'onnx-proto'

/** The protobufjs-generated ONNX messages (`onnx.ModelProto`, `onnx.TensorProto`, ...). */
export const onnx = onnxProto.onnx
export type { Onnx }

/** A node attribute value: an int, a float, or a list of ints (all our ops need). */
export type AttributeValue = number | { readonly float: number } | readonly number[]

/**
 * A float32 initializer `name` of the given dims, values rounded from float32 or float64 storage and
 * written as little-endian `raw_data` (ONNX requires little-endian whatever the host).
 */
export const floatInitializer = (name: string, dims: readonly number[], values: ArrayLike<number>): Onnx.ITensorProto => {
  const bytes = new Uint8Array(values.length * 4)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true)
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytes }
}

/** An int64 initializer `name` of the given dims (e.g. the target shape of a Reshape), as little-endian `raw_data`. */
export const int64Initializer = (name: string, dims: readonly number[], values: readonly number[]): Onnx.ITensorProto => {
  const bytes = new Uint8Array(values.length * 8)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]!), true)
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, rawData: bytes }
}

const attribute = (name: string, v: AttributeValue): Onnx.IAttributeProto => {
  const A = onnx.AttributeProto.AttributeType
  if (typeof v === 'number') return { name, type: A.INT, i: v }
  if ('float' in v) return { name, type: A.FLOAT, f: v.float }
  return { name, type: A.INTS, ints: [...v] }
}

/** A node of the default (ai.onnx) domain: `opType(inputs) → outputs`, named `name`. */
export const node = (
  opType: string,
  name: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>> = {},
): Onnx.INodeProto => ({
  opType,
  name,
  input: [...inputs],
  output: [...outputs],
  attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
})

/** A float32 graph input or output `[batch, ...features]` whose first axis is the symbolic `batch`. */
export const batchedFloat = (name: string, features: readonly number[]): Onnx.IValueInfoProto => ({
  name,
  type: {
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: [{ dimParam: 'batch' }, ...features.map((d) => ({ dimValue: d }))] },
    },
  },
})
