// How each kind of layer becomes ONNX nodes: one table entry per `kind`.
//
// Adding a layer kind is adding one entry to `exporters`. An entry gets the layer, its params and
// state, the names of the tensor to read and the tensor to write, and the feature shape coming in
// (without the batch axis), and returns its nodes, its initializers and the feature shapes it
// takes and gives. `toOnnx` checks that neighbouring shapes agree. Between layers tensors stay in
// tensorfold's layout (NHWC for images), so each entry is self-contained. The entries planned next:
//   conv2d:    Transpose(NHWC→NCHW, perm [0,3,1,2]) → Conv(w permuted to [O,C,kh,kw], b) → Transpose(perm [0,2,3,1])
//   maxPool2d: Transpose → MaxPool(kernel_shape, strides) → Transpose      (avgPool2d: AveragePool)
//   flatten:   Reshape to [-1, numel(features)] (NHWC row-major is tensorfold's layout, so no Transpose)
import type { AnyLayer } from '../layers/Layer.js'
import type { Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import type { Tensor } from '../tensor/Tensor.js'
import { isTensor } from '../tree/tree.js'
import { floatInitializer, node, type AttributeValue, type Onnx } from './proto.js'

/** What an exporter is given for layer `index` of the network. */
export interface ExportArgs {
  readonly layer: AnyLayer
  readonly params: unknown
  readonly state: unknown
  /** The network-wide name of this layer, `l<index>_<kind>`: prefix of its nodes and initializers. */
  readonly prefix: string
  /** The name of the tensor this layer reads (`[batch, ...shape]`) and the one it must write. */
  readonly input: string
  readonly output: string
  /** The incoming feature shape (without the batch axis), if a layer before fixed it. */
  readonly shape: Shape | undefined
  /** For error messages: `layer 3 (dense(5→2))`. */
  readonly where: string
}

/** What an exporter gives back. */
export interface Exported {
  readonly nodes: readonly Onnx.INodeProto[]
  readonly initializers: readonly Onnx.ITensorProto[]
  /** The feature shape the layer requires, when its params or config fix one. */
  readonly inShape?: Shape
  /** The feature shape it gives (default: the layer's own `outShape` if it has one, else the shape it received). */
  readonly outShape?: Shape
}

/** Turns one layer into ONNX nodes. */
export type Exporter = (args: ExportArgs) => Exported

// ─── helpers ───────────────────────────────────────────────────────────────────────────────────

const tensorArg = (a: ExportArgs, arg: string, t: unknown, rank: number): Tensor => {
  if (!isTensor(t) || t.shape.length !== rank)
    throw new ShapeError('toOnnx', `${a.where}: ${arg} must be a tensor of rank ${rank}, got ${isTensor(t) ? showShape(t.shape) : typeof t}`)
  return t
}

const field = (tree: unknown, k: string): unknown =>
  typeof tree === 'object' && tree !== null ? (tree as Record<string, unknown>)[k] : undefined

// ─── entries ───────────────────────────────────────────────────────────────────────────────────

/** `y = x·W + b` with `w: [I, O]`: one Gemm (A = x, B = w, C = b broadcast over the batch). */
const dense: Exporter = (a) => {
  const w = tensorArg(a, 'params.w', field(a.params, 'w'), 2)
  const b = tensorArg(a, 'params.b', field(a.params, 'b'), 1)
  const [i, o] = w.shape as readonly [number, number]
  if (b.shape[0] !== o) throw new ShapeError('toOnnx', `${a.where}: params.b has shape ${showShape(b.shape)} but params.w has ${showShape(w.shape)}`)
  return {
    nodes: [node('Gemm', a.prefix, [a.input, `${a.prefix}.w`, `${a.prefix}.b`], [a.output])],
    initializers: [floatInitializer(`${a.prefix}.w`, [i, o], w.data), floatInitializer(`${a.prefix}.b`, [o], b.data)],
    inShape: [i],
    outShape: [o],
  }
}

/** `input(shape)`, the identity that fixes a network's input shape (checked by `toOnnx` from its `inShape`). */
const input: Exporter = (a) => ({ nodes: [node('Identity', a.prefix, [a.input], [a.output])], initializers: [] })

/** Parameter-free elementwise layers and softmax, by `name`. Dropout in eval mode is the identity. */
const activationOps: Readonly<Record<string, { readonly op: string; readonly attributes?: Readonly<Record<string, AttributeValue>> }>> = {
  linear: { op: 'Identity' },
  sigmoid: { op: 'Sigmoid' },
  tanh: { op: 'Tanh' },
  relu: { op: 'Relu' },
  // NOTE: opset ≥ 13 Softmax normalises along `axis` alone (before 13 it flattened from `axis` on).
  softmax: { op: 'Softmax', attributes: { axis: -1 } },
}

const activation: Exporter = (a) => {
  const name = a.layer.name
  const spec = /^dropout\(/.test(name) ? { op: 'Identity' } : activationOps[name]
  if (spec === undefined)
    throw new ValueError('toOnnx', `${a.where} cannot be exported: no ONNX op for activation '${name}' (known: ${Object.keys(activationOps).join(', ')}, dropout(p))`)
  return { nodes: [node(spec.op, a.prefix, [a.input], [a.output], spec.attributes)], initializers: [] }
}

/**
 * Batch norm in eval mode is tensorfold's fixed affine map per unit, `y = s ⊙ x + t` with
 * `s = γ / √(variance + ε)` and `t = β − s ⊙ mean` (src/layers/batchNorm.ts), exported as Mul then
 * Add with `s` and `t` precomputed in float64 exactly as tensorfold computes them.
 * NOTE: without a state the running statistics are the initial ones (mean 0, variance 1), as in
 * `apply` without `ctx.state`.
 */
const batchNorm: Exporter = (a) => {
  const eps = (a.layer as { readonly eps?: unknown }).eps
  if (typeof eps !== 'number') throw new ValueError('toOnnx', `${a.where}: a batch-norm layer must have a numeric eps, got ${typeof eps}`)
  const gamma = tensorArg(a, 'params.gamma', field(a.params, 'gamma'), 1)
  const beta = tensorArg(a, 'params.beta', field(a.params, 'beta'), 1)
  const w = gamma.shape[0]!
  const stat = (k: 'mean' | 'variance', init: number): ArrayLike<number> =>
    a.state === undefined ? new Float64Array(w).fill(init) : tensorArg(a, `netState.${k}`, field(a.state, k), 1).data
  const mean = stat('mean', 0), variance = stat('variance', 1)
  for (const [arg, n] of [['params.beta', beta.shape[0]], ['netState.mean', mean.length], ['netState.variance', variance.length]] as const)
    if (n !== w) throw new ShapeError('toOnnx', `${a.where}: ${arg} has ${n} units but params.gamma has ${w}`)
  if (a.shape !== undefined && a.shape[a.shape.length - 1] !== w)
    throw new ShapeError('toOnnx', `${a.where} normalises ${w} units but gets features ${showShape(a.shape)}`)
  const s = new Float64Array(w), t = new Float64Array(w)
  for (let j = 0; j < w; j++) {
    s[j] = gamma.data[j]! / Math.sqrt(variance[j]! + eps)
    t[j] = beta.data[j]! - s[j]! * mean[j]!
  }
  const scaled = `${a.prefix}.scaled`
  return {
    nodes: [
      node('Mul', `${a.prefix}.mul`, [a.input, `${a.prefix}.scale`], [scaled]),
      node('Add', `${a.prefix}.add`, [scaled, `${a.prefix}.shift`], [a.output]),
    ],
    initializers: [floatInitializer(`${a.prefix}.scale`, [w], s), floatInitializer(`${a.prefix}.shift`, [w], t)],
    // Per unit of the last axis (Mul and Add broadcast), so any feature shape ending in w fits.
    inShape: a.shape ?? [w],
  }
}

/**
 * The exporter of each layer `kind`. A layer whose kind is not here cannot be exported; see the
 * file header for how conv2d, pooling and flatten plug in.
 */
export const exporters: Readonly<Record<string, Exporter>> = { input, dense, activation, batchNorm }
