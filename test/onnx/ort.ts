// Shared by the ONNX tests: run an exported model in onnxruntime-node, compare outputs, decode graphs.
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node'
import onnxProto from 'onnx-proto'
import type { onnx as Onnx } from 'onnx-proto'
import { expect } from 'vitest'
import type { Tensor } from '../../src/index.js'

export const { onnx } = onnxProto
export type { Onnx }

/** Runs an exported model in onnxruntime on `x: [B, ...features]` and returns its single output. */
export const runOrt = async (bytes: Uint8Array, x: Tensor, inputName = 'input', outputName = 'output') => {
  const session = await InferenceSession.create(bytes)
  const feed = { [inputName]: new OrtTensor('float32', Float32Array.from(x.data), [...x.shape]) }
  const out = (await session.run(feed))[outputName]!
  return { dims: [...out.dims], data: out.data as Float32Array }
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}
export const maxAbs = (a: ArrayLike<number>): number => maxAbsDiff(a, new Float64Array(a.length))

/** Decodes model bytes and the dims of a graph input/output: a symbolic dim as its name. */
export const decode = (bytes: Uint8Array) => onnx.ModelProto.decode(bytes)
export const graphOf = (bytes: Uint8Array) => decode(bytes).graph as Onnx.GraphProto
export const dimsOf = (v: { type?: { tensorType?: { shape?: { dim?: { dimParam?: string | null; dimValue?: unknown }[] | null } | null } | null } | null }) =>
  (v.type?.tensorType?.shape?.dim ?? []).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue)))
