// How each kind of layer becomes ONNX nodes: one table entry per `kind`.
//
// Adding a layer kind is adding one entry to `exporters`. An entry gets the layer, its params and
// state, the names of the tensor to read and the tensor to write, and the feature shape coming in
// (without the batch axis), and returns its nodes, its initializers and the feature shapes it
// takes and gives. `toOnnx` checks that neighbouring shapes agree. Between layers tensors stay in
// tensorfold's layout (NHWC for images), so each entry is self-contained:
//   conv2d:    Transpose(NHWC→NCHW, perm [0,3,1,2]) → Conv(w permuted to [F,C,K,K], b, explicit pads) (→ Relu if fused) → Transpose(perm [0,2,3,1])
//   maxPool2d: Transpose → MaxPool(kernel_shape, strides, pads) → Transpose      (avgPool2d: AveragePool, count_include_pad 0)
//   flatten, reshape: Reshape to [-1, ...outShape] (NHWC row-major is tensorfold's layout, so no Transpose)
// `toOnnx` then drops the NCHW→NHWC→NCHW Transpose pairs that adjacent spatial layers leave.
import { convGeometry } from '../kernels/convGeometry.js'
import type { AnyLayer } from '../layers/Layer.js'
import { sameShape, type Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { numel, type Tensor } from '../tensor/Tensor.js'
import { isTensor } from '../tree/tree.js'
import { floatInitializer, int64Initializer, node, type AttributeValue, type Onnx } from './proto.js'

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

/** The permutations between tensorfold's NHWC and ONNX's NCHW (Conv, MaxPool, AveragePool). */
export const toNchw: readonly number[] = [0, 3, 1, 2]
export const toNhwc: readonly number[] = [0, 2, 3, 1]

/** The incoming `[H, W, C]` of a spatial layer. */
const spatialShape = (a: ExportArgs): readonly [number, number, number] => {
  if (a.shape === undefined || a.shape.length !== 3)
    throw new ShapeError('toOnnx', `${a.where} takes [H,W,C] but gets ${a.shape === undefined ? 'no fixed feature shape' : showShape(a.shape)}`)
  return a.shape as readonly [number, number, number]
}

/**
 * The window of a conv2d or pooling layer on the incoming `[H, W, C]`: the attributes of the NCHW
 * op (`kernel_shape`, `strides`, explicit `pads` [top, left, bottom, right], split as tensorfold
 * and TensorFlow do for 'same': ⌊total/2⌋ before, the rest after) and the output size.
 */
const windowOf = (a: ExportArgs) => {
  const [h, w] = spatialShape(a)
  const kernel = field(a.layer, 'kernel'), stride = field(a.layer, 'stride'), padding = field(a.layer, 'padding')
  const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1
  if (!positive(kernel) || !positive(stride) || (padding !== 'valid' && padding !== 'same'))
    throw new ValueError('toOnnx', `${a.where} cannot be exported: the bound layer must carry its window (kernel, stride, padding), got ` +
      `kernel ${String(kernel)}, stride ${String(stride)}, padding ${String(padding)}`)
  const g = convGeometry(h, w, kernel, kernel, stride, stride, padding, `toOnnx: ${a.where}`)
  const attributes = { kernel_shape: [kernel, kernel], strides: [stride, stride], pads: [g.padTop, g.padLeft, g.padBottom, g.padRight] }
  return { kernel, oh: g.oh, ow: g.ow, attributes }
}

/** An NCHW op between Transposes, so that the layer reads and writes NHWC as tensorfold does. */
const betweenTransposes = (
  a: ExportArgs,
  opType: string,
  extraInputs: readonly string[],
  attributes: Readonly<Record<string, AttributeValue>>,
  relu = false,
): Onnx.INodeProto[] => [
  node('Transpose', `${a.prefix}.toNchw`, [a.input], [`${a.prefix}.nchw`], { perm: toNchw }),
  node(opType, a.prefix, [`${a.prefix}.nchw`, ...extraInputs], [`${a.prefix}.nchwOut`], attributes),
  ...(relu ? [node('Relu', `${a.prefix}.relu`, [`${a.prefix}.nchwOut`], [`${a.prefix}.nchwRelu`])] : []),
  node('Transpose', `${a.prefix}.toNhwc`, [relu ? `${a.prefix}.nchwRelu` : `${a.prefix}.nchwOut`], [a.output], { perm: toNhwc }),
]

/** Whether the layer has a fused relu (`{ activation: 'relu' }`); any other fused activation cannot be exported. */
const fusedRelu = (a: ExportArgs): boolean => {
  const act = field(a.layer, 'activation')
  if (act !== undefined && act !== 'relu')
    throw new ValueError('toOnnx', `${a.where} cannot be exported: no ONNX op for the fused activation ${JSON.stringify(act)} (known: relu)`)
  return act === 'relu'
}

// ─── entries ───────────────────────────────────────────────────────────────────────────────────

/**
 * `y = x·W + b` with `w: [I, O]`: one Gemm (A = x, B = w, C = b broadcast over the batch); a dense
 * layer with a fused relu (`dense(I, O, { activation: 'relu' })`) adds a Relu after it.
 */
const dense: Exporter = (a) => {
  const w = tensorArg(a, 'params.w', field(a.params, 'w'), 2)
  const b = tensorArg(a, 'params.b', field(a.params, 'b'), 1)
  const [i, o] = w.shape as readonly [number, number]
  if (b.shape[0] !== o) throw new ShapeError('toOnnx', `${a.where}: params.b has shape ${showShape(b.shape)} but params.w has ${showShape(w.shape)}`)
  const gemm = (out: string) => node('Gemm', a.prefix, [a.input, `${a.prefix}.w`, `${a.prefix}.b`], [out])
  return {
    nodes: fusedRelu(a) ? [gemm(`${a.prefix}.gemm`), node('Relu', `${a.prefix}.relu`, [`${a.prefix}.gemm`], [a.output])] : [gemm(a.output)],
    initializers: [floatInitializer(`${a.prefix}.w`, [i, o], w.data), floatInitializer(`${a.prefix}.b`, [o], b.data)],
    inShape: [i],
    outShape: [o],
  }
}

/**
 * `input(shape)`, the identity that fixes a network's input shape (checked by `toOnnx` from its
 * `inShape`); also `randomShift`, an augmentation that is the identity in eval mode.
 */
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
 * `conv2d` (cross-correlation on NHWC, `w: [K, K, C, F]`, `b: [F]`) as ONNX Conv on NCHW between
 * two Transposes: the weights permuted to `[F, C, K, K]`, explicit pads (never `auto_pad`); a
 * fused relu (`conv2d(K, F, { activation: 'relu' })`) adds a Relu after the Conv.
 */
const conv2d: Exporter = (a) => {
  const [h, w, c] = spatialShape(a)
  const { kernel, oh, ow, attributes } = windowOf(a)
  const wt = tensorArg(a, 'params.w', field(a.params, 'w'), 4)
  const b = tensorArg(a, 'params.b', field(a.params, 'b'), 1)
  const [kh, kw, wc, f] = wt.shape as readonly [number, number, number, number]
  if (kh !== kernel || kw !== kernel)
    throw new ShapeError('toOnnx', `${a.where}: params.w has shape ${showShape(wt.shape)} but the layer's kernel is ${kernel}×${kernel}`)
  if (b.shape[0] !== f) throw new ShapeError('toOnnx', `${a.where}: params.b has shape ${showShape(b.shape)} but params.w has ${showShape(wt.shape)}`)
  const declaredOut = field(a.layer, 'outShape')
  if (Array.isArray(declaredOut) && declaredOut.length === 3 && declaredOut[2] !== f)
    throw new ShapeError('toOnnx', `${a.where}: params.w has ${f} filters (${showShape(wt.shape)}) but the layer gives ${showShape(declaredOut as Shape)}`)
  // [K, K, C, F] → [F, C, K, K]: filter f, channel ch, row i, column j.
  const onnxW = new Float64Array(wt.data.length)
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let ch = 0; ch < wc; ch++)
        for (let o = 0; o < f; o++) onnxW[((o * wc + ch) * kh + i) * kw + j] = wt.data[((i * kw + j) * wc + ch) * f + o]!
  return {
    nodes: betweenTransposes(a, 'Conv', [`${a.prefix}.w`, `${a.prefix}.b`], { ...attributes, dilations: [1, 1], group: 1 }, fusedRelu(a)),
    initializers: [floatInitializer(`${a.prefix}.w`, [f, wc, kh, kw], onnxW), floatInitializer(`${a.prefix}.b`, [f], b.data)],
    // The channels the params take, so that toOnnx names both shapes when they do not fit.
    inShape: [h, w, wc],
    outShape: [oh, ow, f],
  }
}

/**
 * `maxPool2d` and `avgPool2d` as ONNX MaxPool / AveragePool between two Transposes, with explicit
 * pads. MaxPool never picks a pad; AveragePool with `count_include_pad = 0` divides by the real
 * elements of each window, as tensorfold does with 'same' padding.
 */
const pool = (opType: 'MaxPool' | 'AveragePool'): Exporter => (a) => {
  const [, , c] = spatialShape(a)
  const { oh, ow, attributes } = windowOf(a)
  return {
    nodes: betweenTransposes(a, opType, [], opType === 'AveragePool' ? { ...attributes, count_include_pad: 0 } : attributes),
    initializers: [],
    outShape: [oh, ow, c],
  }
}

/**
 * `flatten` and `reshape(shape)`: a view of each example, as ONNX Reshape to `[-1, ...outShape]`.
 * Tensors are NHWC between layers, tensorfold's row-major layout, so no Transpose is needed.
 */
const reshapeView = (target: (a: ExportArgs, inShape: Shape) => Shape): Exporter => (a) => {
  if (a.shape === undefined) throw new ShapeError('toOnnx', `${a.where} gets no fixed feature shape`)
  const out = target(a, a.shape)
  if (numel(out) !== numel(a.shape))
    throw new ShapeError('toOnnx', `${a.where} gives ${showShape(out)} (${numel(out)} elements) but gets ${showShape(a.shape)} (${numel(a.shape)})`)
  return {
    nodes: [node('Reshape', a.prefix, [a.input, `${a.prefix}.shape`], [a.output])],
    initializers: [int64Initializer(`${a.prefix}.shape`, [out.length + 1], [-1, ...out])],
    outShape: out,
  }
}

const flatten = reshapeView((a, inShape) => {
  const out = [numel(inShape)]
  const declaredOut = field(a.layer, 'outShape')
  if (Array.isArray(declaredOut) && !sameShape(declaredOut as Shape, out))
    throw new ShapeError('toOnnx', `${a.where} declares features ${showShape(declaredOut as Shape)} but flattens ${showShape(inShape)} to ${showShape(out)}`)
  return out
})

const reshape = reshapeView((a) => {
  const out = field(a.layer, 'outShape')
  if (!Array.isArray(out) || !out.every((d) => Number.isInteger(d) && d >= 1))
    throw new ValueError('toOnnx', `${a.where} cannot be exported: a reshape layer must carry its outShape, got ${JSON.stringify(out)}`)
  return out as Shape
})

/**
 * The exporter of each layer `kind`. A layer whose kind is not here cannot be exported; see the
 * file header for how each entry maps to ONNX.
 */
export const exporters: Readonly<Record<string, Exporter>> = {
  input,
  randomShift: input,
  dense,
  activation,
  batchNorm,
  conv2d,
  maxPool2d: pool('MaxPool'),
  avgPool2d: pool('AveragePool'),
  flatten,
  reshape,
}
