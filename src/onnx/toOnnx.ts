import type { AnyLayer, ParamsOf, StateOf } from '../layers/Layer.js'
import { sameShape, type Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { exporters, toNchw, toNhwc } from './exporters.js'
import { batchedFloat, onnx, type Onnx } from './proto.js'

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions<St = unknown> {
  /** The network's state (batch-norm running statistics), as `fit` returns it in `netState`; default: the initial state, as `apply` without `ctx.state`. */
  readonly netState?: St | undefined
  /** The name of the graph input (default `'input'`). */
  readonly inputName?: string
  /** The name of the graph output (default `'output'`). */
  readonly outputName?: string
  /** The ONNX opset, 13 … 21 (default 13, which onnxruntime ≥ 1.7 reads). */
  readonly opset?: number
}

// The IR version that each opset was released with (onnx/docs/Versioning.md): older readers refuse newer IRs.
const irVersion = (opset: number): number => (opset <= 18 ? 8 : opset <= 20 ? 9 : 10)
const minOpset = 13, maxOpset = 21

interface Entry {
  readonly layer: AnyLayer
  readonly params: unknown
  readonly state: unknown
}

// NOTE: layers are inspected at run time by their fields, not their types (which are being generalised).
const fieldOf = (l: AnyLayer, k: string): unknown => (l as unknown as Readonly<Record<string, unknown>>)[k]
const kindOf = (l: AnyLayer): unknown => fieldOf(l, 'kind')
/** A layer's declared feature shape (`inShape` / `outShape`), when it carries one at run time. */
const declared = (l: AnyLayer, k: 'inShape' | 'outShape'): Shape | undefined => {
  const s = fieldOf(l, k)
  return Array.isArray(s) && s.every((d) => Number.isInteger(d) && d >= 0) ? (s as Shape) : undefined
}

/** The layers of a (possibly nested) composition in order, each with its params and state. */
const entries = (net: AnyLayer, params: unknown, state: unknown): Entry[] => {
  if (kindOf(net) !== 'sequential') return [{ layer: net, params, state }]
  const layers = fieldOf(net, 'layers')
  if (!Array.isArray(layers)) throw new ValueError('toOnnx', `the composition ${net.name} has no layers array`)
  const tuple = (arg: string, t: unknown) => {
    if (!Array.isArray(t) || t.length !== layers.length)
      throw new ValueError('toOnnx', `${arg} must have one entry per layer of ${net.name} (${layers.length}), got ${Array.isArray(t) ? `${t.length} entries` : typeof t}`)
    return t as readonly unknown[]
  }
  const ps = tuple('params', params)
  const ss = state === undefined ? undefined : tuple('netState', state)
  return (layers as readonly AnyLayer[]).flatMap((l, i) => entries(l, ps[i], ss?.[i]))
}

const isTranspose = (n: Onnx.INodeProto, perm: readonly number[]): boolean => {
  if (n.opType !== 'Transpose') return false
  const p = n.attribute?.find((x) => x.name === 'perm')?.ints?.map(Number)
  return p !== undefined && p.length === perm.length && p.every((d, i) => d === perm[i])
}

/**
 * Drops each Transpose NHWC→NCHW that reads a Transpose NCHW→NHWC (what adjacent spatial layers
 * leave between them, e.g. conv2d then maxPool2d): its readers read the NCHW tensor instead, and
 * the first Transpose goes too when nothing else reads it. `nodes` are in topological order.
 */
const elideTransposePairs = (nodes: readonly Onnx.INodeProto[], outputName: string): Onnx.INodeProto[] => {
  const readers = new Map<string, number>([[outputName, 1]])
  for (const n of nodes) for (const i of n.input ?? []) readers.set(i, (readers.get(i) ?? 0) + 1)
  const producer = new Map<string, Onnx.INodeProto>()
  const renamed = new Map<string, string>()
  const dropped = new Set<Onnx.INodeProto>()
  const kept: Onnx.INodeProto[] = []
  for (const n of nodes) {
    const inputs = (n.input ?? []).map((i) => renamed.get(i) ?? i)
    const from = inputs.length === 1 ? producer.get(inputs[0]!) : undefined
    const out = n.output?.length === 1 ? n.output[0]! : undefined
    if (from !== undefined && out !== undefined && out !== outputName && isTranspose(n, toNchw) && isTranspose(from, toNhwc)) {
      renamed.set(out, from.input![0]!)
      const left = readers.get(inputs[0]!)! - 1
      readers.set(inputs[0]!, left)
      if (left === 0) dropped.add(from)
      continue
    }
    const copy = { ...n, input: inputs }
    kept.push(copy)
    for (const o of n.output ?? []) producer.set(o, copy)
  }
  return kept.filter((n) => !dropped.has(n))
}

/**
 * Exports a network in eval mode as an ONNX model (a serialised `ModelProto`, IR 8+, opset 13+,
 * producer `tensorfold`), to run in onnxruntime, a browser or any ONNX runtime.
 *
 * - `net`: a layer or a composition of input, dense, linear/sigmoid/tanh/relu, softmax (over the
 *   last axis), dropout (the identity, as in eval mode), batch-norm layers (the fixed affine map
 *   of eval mode, from the running statistics in `options.netState`), conv2d, maxPool2d,
 *   avgPool2d (any stride, 'valid' or 'same'), flatten and reshape.
 * - graph input `options.inputName`: float32 `[batch, ...features]` with a symbolic `batch` axis;
 *   graph output `options.outputName`: float32 `[batch, ...outFeatures]`. Images stay in
 *   tensorfold's NHWC layout at both ends (`[batch, H, W, C]`); conv2d and pooling transpose to
 *   ONNX's NCHW and back inside the graph. The model computes
 *   `net.apply(params, x, { state: netState })` (eval mode) up to float32 rounding.
 * - Nodes and initializers are named after the layer index and kind: `l0_dense` reads `l0_dense.w`
 *   (`[I, O]`) and `l0_dense.b` (`[O]`); `l1_conv2d` reads `l1_conv2d.w` (`[F, C, K, K]`, permuted
 *   from tensorfold's `[K, K, C, F]`). Weights are float32 (float64 params are rounded).
 *
 * Each layer `kind` has one exporter in a table (`src/onnx/exporters.ts`); new kinds plug in there.
 *
 * @throws ValueError for a layer with no exporter, e.g. `toOnnx: layer 3 (autoencoder(784→256, sigmoid)) cannot be exported: ...`,
 *   or bad options; ShapeError for params or state that do not fit the network.
 * @example
 * const bytes = toOnnx(mlp, trained.best.params, { netState: trained.best.netState })   // Uint8Array
 * const session = await InferenceSession.create(bytes)                                  // onnxruntime-node
 * @category onnx
 */
export const toOnnx = <L extends AnyLayer>(net: L, params: ParamsOf<L>, options: ToOnnxOptions<StateOf<L>> = {}): Uint8Array => {
  const { inputName = 'input', outputName = 'output', opset = minOpset, netState } = options
  if (!Number.isInteger(opset) || opset < minOpset || opset > maxOpset)
    throw new ValueError('toOnnx', `options.opset must be an integer in ${minOpset} … ${maxOpset}, got ${opset}`)
  for (const [arg, n] of [['inputName', inputName], ['outputName', outputName]] as const)
    if (typeof n !== 'string' || n === '') throw new ValueError('toOnnx', `options.${arg} must be a non-empty string, got ${JSON.stringify(n)}`)
  if (inputName === outputName) throw new ValueError('toOnnx', `options.inputName and options.outputName are both '${inputName}'`)

  const layers = entries(net, params, netState)
  if (layers.length === 0) throw new ValueError('toOnnx', `the network ${JSON.stringify(net.name)} has no layers`)
  const nodes: Onnx.INodeProto[] = [], initializers: Onnx.ITensorProto[] = []
  // The feature shape flowing between layers: unknown until a layer fixes it (its params, or its
  // declared inShape). While it is unknown every layer so far kept its input's shape, so the first
  // shape fixed is the graph input's.
  let inShape = declared(net, 'inShape'), shape = inShape
  let from = 'the network input', current = inputName
  const expectShape = (what: string, s: Shape | undefined) => {
    if (s === undefined) return
    if (shape === undefined) inShape = shape = s
    else if (!sameShape(shape, s)) throw new ShapeError('toOnnx', `${what} features ${showShape(s)} but ${from} gives ${showShape(shape)}`)
  }
  layers.forEach(({ layer, params: p, state }, i) => {
    const kind = kindOf(layer)
    const where = `layer ${i} (${layer.name})`
    const exporter = typeof kind === 'string' && Object.hasOwn(exporters, kind) ? exporters[kind] : undefined
    if (exporter === undefined)
      throw new ValueError('toOnnx', `${where} cannot be exported: no ONNX exporter for kind ${JSON.stringify(kind)} (known: ${Object.keys(exporters).join(', ')})`)
    expectShape(`${where} takes`, declared(layer, 'inShape'))
    const prefix = `l${i}_${kind as string}`
    const output = i === layers.length - 1 ? outputName : `${prefix}.out`
    const r = exporter({ layer, params: p, state, prefix, input: current, output, shape, where })
    expectShape(`${where} has params for`, r.inShape)
    shape = r.outShape ?? declared(layer, 'outShape') ?? shape
    from = where
    current = output
    nodes.push(...r.nodes)
    initializers.push(...r.initializers)
  })
  if (inShape === undefined || shape === undefined)
    throw new ValueError('toOnnx', `no layer of ${net.name} fixes the input's feature shape: start the network with input(shape)`)
  const graphNodes = elideTransposePairs(nodes, outputName)
  const written = [...initializers.map((t) => t.name), ...graphNodes.flatMap((n) => n.output ?? [])]
  for (const [arg, n, times] of [['inputName', inputName, 0], ['outputName', outputName, 1]] as const)
    if (written.filter((w) => w === n).length !== times)
      throw new ValueError('toOnnx', `options.${arg} '${n}' is also the name of an internal tensor; choose another`)

  const model: Onnx.IModelProto = {
    irVersion: irVersion(opset),
    producerName: 'tensorfold',
    docString: net.name,
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'tensorfold',
      node: graphNodes,
      initializer: initializers,
      input: [batchedFloat(inputName, inShape)],
      output: [batchedFloat(outputName, shape)],
    },
  }
  // NOTE: protobufjs may hand back a subclass of Uint8Array on Node; copy into a plain one.
  return new Uint8Array(onnx.ModelProto.encode(model).finish())
}
