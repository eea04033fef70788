import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  andThen, autoencoder, avgPool2d, batchNorm, conv2d, dense, flatten, fromStorage, input, key, labels, maxPool2d, normal, relu, reshape,
  softmax, softmaxCrossEntropy, splitData, toOnnx, valueAndGrad, ShapeError, ValueError, type AnyLayer, type Tensor,
} from '../../src/index.js'
import { loadMnist } from '../../src/node/index.js'
import { lenet } from '../../examples/cnn.js'
import { dimsOf, graphOf, maxAbs, maxAbsDiff, onnx, runOrt, type Onnx } from './ort.js'

// Convolutional networks through toOnnx: tensorfold's NHWC at the graph boundary, ONNX's NCHW
// inside; onnxruntime must give tensorfold's eval forward pass.

/** Params with every tensor named `b` (biases, zero at init) replaced by N(0, 0.3) draws, so that bias export is tested. */
const withRandomBiases = <P>(params: P, seed: number): P =>
  (params as readonly Record<string, Tensor>[]).map((p, i) =>
    'b' in p ? { ...p, b: normal(key(seed + i), [...p.b!.shape], 0, 0.3) } : p) as P

/** One plain SGD step by hand (no optimizer, no fit): `p − rate·g` for every tensor of a tuple of records. */
const sgdStep = <P>(params: P, grads: P, rate: number): P =>
  (params as readonly Record<string, Tensor>[]).map((p, i) =>
    Object.fromEntries(Object.entries(p).map(([k, t]) => {
      const g = (grads as readonly Record<string, Tensor>[])[i]![k]!
      return [k, fromStorage(t.shape, t.data.map((v, j) => v - rate * g.data[j]!))]
    }))) as P

const attributesOf = (n: Onnx.INodeProto) =>
  Object.fromEntries((n.attribute ?? []).map((a) => [a.name, a.ints && a.ints.length > 0 ? a.ints.map(Number) : Number(a.i)]))

describe('toOnnx: the LeNet of examples/cnn.ts', () => {
  const mnist = loadMnist()
  const { train, test } = splitData(key(0), mnist, { train: 1920, validation: 100 })
  const images = (x: Tensor) => reshape(x, [x.shape[0]!, 28, 28, 1])
  // 60 SGD steps of 32 digits, so that the weights are trained rather than freshly initialised.
  const lossAndGrad = valueAndGrad(lenet, softmaxCrossEntropy)
  let params = lenet.init(key(1))
  for (let s = 0; s < 60; s++) {
    const rows = Array.from({ length: 32 }, (_, r) => (s * 32 + r) % train.x.shape[0])
    const x = images(fromStorage([32, 784], Float32Array.from(rows.flatMap((r) => Array.from(train.x.data.subarray(r * 784, (r + 1) * 784))))))
    const y = labels(rows.map((r) => train.y.data[r]!), 10)
    params = sgdStep(params, lossAndGrad(params, x as never, y)[1], 0.1)
  }
  const bytes = toOnnx(lenet, params)

  it('gives tensorfold’s outputs on random [B, 28, 28, 1] inputs', async () => {
    const x = normal(key(2), [32, 28, 28, 1], 0.5, 0.5)
    const ort = await runOrt(bytes, x)
    const [y] = lenet.apply(params, x as never)
    expect(ort.dims).toEqual([32, 10])
    const d = maxAbsDiff(ort.data, y.data)
    console.log(`LeNet, random inputs: max |ORT − tensorfold| = ${d.toExponential(2)} (outputs up to ${maxAbs(y.data).toFixed(2)})`)
    expect(maxAbs(y.data)).toBeGreaterThan(0.5)
    expect(d).toBeLessThan(1e-5)
  })

  it('gives tensorfold’s outputs and predictions on MNIST test digits reshaped to [N, 28, 28, 1]', async () => {
    const n = 2000
    const x = images(fromStorage([n, 784], test.x.data.slice(0, n * 784)))
    const ort = await runOrt(bytes, x)
    const [y] = lenet.apply(params, x as never)
    expect(ort.dims).toEqual([n, 10])
    const d = maxAbsDiff(ort.data, y.data)
    const argmax = (v: ArrayLike<number>, r: number) => {
      let best = 0
      for (let c = 1; c < 10; c++) if (v[r * 10 + c]! > v[r * 10 + best]!) best = c
      return best
    }
    let agree = 0, correct = 0
    for (let r = 0; r < n; r++) {
      if (argmax(ort.data, r) === argmax(y.data, r)) agree++
      if (argmax(ort.data, r) === test.y.data[r]) correct++
    }
    console.log(`LeNet, ${n} MNIST digits: max |ORT − tensorfold| = ${d.toExponential(2)} (outputs up to ${maxAbs(y.data).toFixed(2)}), ORT accuracy ${(correct / n).toFixed(4)}`)
    expect(d).toBeLessThan(1e-5)
    expect(agree).toBe(n)
    expect(correct / n).toBeGreaterThan(0.5)
  })

  it('has an NHWC graph boundary, Conv/MaxPool between Transposes, flatten as Reshape, and [F, C, K, K] weights', () => {
    const g = graphOf(bytes)
    expect(g.input.map((v) => [v.name, dimsOf(v)])).toEqual([['input', ['batch', 28, 28, 1]]])
    expect(g.output.map((v) => [v.name, dimsOf(v)])).toEqual([['output', ['batch', 10]]])
    expect(g.node.map((n) => n.opType)).toEqual([
      'Identity', 'Identity', // input, randomShift (the identity in eval mode)
      'Transpose', 'Conv', 'Transpose', 'Relu', 'Transpose', 'MaxPool',
      // maxPool2d then conv2d: the NCHW→NHWC→NCHW pair between them is dropped.
      'Conv', 'Transpose', 'Relu', 'Transpose', 'MaxPool', 'Transpose',
      'Reshape', 'Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm',
    ])
    const conv = g.node.find((n) => n.name === 'l5_conv2d')!
    expect(attributesOf(conv)).toEqual({ kernel_shape: [5, 5], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 })
    expect(attributesOf(g.node.find((n) => n.name === 'l4_maxPool2d')!)).toEqual({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] })
    const init = new Map(g.initializer.map((t) => [t.name, t as Onnx.TensorProto]))
    expect((init.get('l2_conv2d.w')!.dims ?? []).map(Number)).toEqual([6, 1, 5, 5])
    expect((init.get('l5_conv2d.w')!.dims ?? []).map(Number)).toEqual([16, 6, 5, 5])
    // ONNX w[f][c][i][j] is tensorfold's w[i][j][c][f].
    const w = init.get('l5_conv2d.w')!
    const view = new DataView(w.rawData.buffer, w.rawData.byteOffset, w.rawData.byteLength)
    for (const [f, c, i, j] of [[0, 0, 0, 0], [3, 2, 1, 4], [15, 5, 4, 0], [7, 1, 2, 3]] as const)
      expect(view.getFloat32((((f * 6 + c) * 5 + i) * 5 + j) * 4, true)).toBe(params[5].w.data[((i * 5 + j) * 6 + c) * 16 + f])
    const shape = init.get('l8_flatten.shape')!
    expect(shape.dataType).toBe(onnx.TensorProto.DataType.INT64)
    const sv = new DataView(shape.rawData.buffer, shape.rawData.byteOffset, shape.rawData.byteLength)
    expect([0, 1].map((k) => Number(sv.getBigInt64(k * 8, true)))).toEqual([-1, 256])
  })
})

describe('toOnnx: strided and same-padded windows on odd sizes', () => {
  // Every 'same' window here pads unevenly (⌊total/2⌋ before, the rest after), and the average pool
  // has windows that overlap the padding, where tensorfold divides by the real elements only.
  const small = pipe(
    input([7, 9, 3]),
    andThen(conv2d(4, 5, { stride: 2, padding: 'same' })),   // [4, 5, 5]   pads H 1/2, W 1/2
    andThen(avgPool2d(3, { stride: 2, padding: 'same' })),    // [2, 3, 5]   pads H 0/1, W 1/1
    andThen(maxPool2d(2, { padding: 'same' })),                // [1, 2, 5]   pads H 0/0, W 0/1
  )
  const params = withRandomBiases(small.init(key(11)), 50)
  const x = normal(key(12), [6, 7, 9, 3])

  it('gives tensorfold’s outputs, NHWC [B, 1, 2, 5] at the graph output', async () => {
    const bytes = toOnnx(small, params)
    const ort = await runOrt(bytes, x)
    const [y] = small.apply(params, x as never)
    expect(ort.dims).toEqual([6, 1, 2, 5])
    expect(graphOf(bytes).output.map(dimsOf)).toEqual([['batch', 1, 2, 5]])
    const d = maxAbsDiff(ort.data, y.data)
    console.log(`conv2d stride 2 same + avgPool2d same + maxPool2d same on [7, 9, 3]: max |ORT − tensorfold| = ${d.toExponential(2)} (outputs up to ${maxAbs(y.data).toFixed(2)})`)
    expect(maxAbs(y.data)).toBeGreaterThan(0.1)
    expect(d).toBeLessThan(1e-5)
  })

  it('writes explicit TensorFlow-split pads, count_include_pad 0, and drops the Transpose pairs between adjacent windows', () => {
    const g = graphOf(toOnnx(small, params))
    expect(g.node.map((n) => n.opType)).toEqual(['Identity', 'Transpose', 'Conv', 'AveragePool', 'MaxPool', 'Transpose'])
    const [, , conv, avg, max] = g.node as [unknown, unknown, Onnx.INodeProto, Onnx.INodeProto, Onnx.INodeProto]
    expect(attributesOf(conv)).toEqual({ kernel_shape: [4, 4], strides: [2, 2], pads: [1, 1, 2, 2], dilations: [1, 1], group: 1 })
    expect(attributesOf(avg)).toEqual({ kernel_shape: [3, 3], strides: [2, 2], pads: [0, 1, 1, 1], count_include_pad: 0 })
    expect(attributesOf(max)).toEqual({ kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 1] })
    expect(avg.input).toEqual(conv.output)
    expect(max.input).toEqual(avg.output)
    expect(g.node.some((n) => n.attribute?.some((a) => a.name === 'auto_pad'))).toBe(false)
  })

  it('exports with every opset 13 … 21, and on a batch of 1', async () => {
    const x1 = normal(key(13), [1, 7, 9, 3])
    const [y1] = small.apply(params, x1 as never)
    for (let opset = 13; opset <= 21; opset++)
      expect(maxAbsDiff((await runOrt(toOnnx(small, params, { opset }), x1)).data, y1.data)).toBeLessThan(1e-5)
  })

  it('exports conv2d same with an even kernel, batch norm per channel, stride-1 avgPool2d same, reshape, softmax and flatten', async () => {
    const net = pipe(
      input([7, 9, 3]),
      andThen(conv2d(2, 4, { padding: 'same' })),                // [7, 9, 4]   pads 0/1
      andThen(batchNorm(4)), andThen(relu),
      andThen(avgPool2d(2, { stride: 1, padding: 'same' })),     // [7, 9, 4]   pads 0/1
      andThen(conv2d(3, 6, { stride: 2 })),                      // [3, 4, 6]
      andThen(reshape([12, 6])), andThen(softmax),
      andThen(flatten), andThen(dense(72, 5)),
    )
    const p = withRandomBiases(net.init(key(20)), 60)
    let st = net.initState()
    for (let i = 0; i < 4; i++) st = net.apply(p, normal(key(30 + i), [8, 7, 9, 3], 1, 2) as never, { training: true, state: st })[2]!
    const bytes = toOnnx(net, p, { netState: st })
    const xb = normal(key(21), [5, 7, 9, 3], 1, 2)
    const ort = await runOrt(bytes, xb)
    const [y] = net.apply(p, xb as never, { state: st })
    expect(ort.dims).toEqual([5, 5])
    const d = maxAbsDiff(ort.data, y.data)
    console.log(`conv2d even kernel same + batch norm + avgPool2d stride 1 same + reshape + softmax + flatten: max |ORT − tensorfold| = ${d.toExponential(2)} (outputs up to ${maxAbs(y.data).toFixed(2)})`)
    expect(maxAbs(y.data)).toBeGreaterThan(0.1)
    expect(d).toBeLessThan(1e-5)
    const g = graphOf(bytes)
    expect(g.node.filter((n) => n.opType === 'Reshape').map((n) => n.name)).toEqual(['l6_reshape', 'l8_flatten'])
    expect(attributesOf(g.node.find((n) => n.name === 'l1_conv2d')!).pads).toEqual([0, 0, 1, 1])
  })
})

describe('toOnnx: conv2d with a fused relu', () => {
  const net = pipe(
    input([9, 8, 2]),
    andThen(conv2d(3, 5, { padding: 'same', activation: 'relu' })),   // [9, 8, 5]
    andThen(maxPool2d(2)),                                              // [4, 4, 5]
    andThen(conv2d(2, 3, { activation: 'relu' })),                     // [3, 3, 3], the last spatial layer
  )
  const params = withRandomBiases(net.init(key(40)), 70)
  const x = normal(key(41), [6, 9, 8, 2])

  it('writes Conv then Relu in NCHW, between the same Transposes, and gives tensorfold’s outputs', async () => {
    const bytes = toOnnx(net, params)
    const g = graphOf(bytes)
    expect(g.node.map((n) => n.opType)).toEqual(['Identity', 'Transpose', 'Conv', 'Relu', 'MaxPool', 'Conv', 'Relu', 'Transpose'])
    const [y] = net.apply(params, x as never)
    const zeros = Array.from(y.data).filter((v) => v === 0).length
    expect(zeros).toBeGreaterThan(0) // the last relu did cut
    expect(zeros).toBeLessThan(y.data.length)
    const ort = await runOrt(bytes, x)
    expect(ort.dims).toEqual([6, 3, 3, 3])
    expect(maxAbsDiff(ort.data, y.data)).toBeLessThan(1e-5)
  })
})

describe('toOnnx: errors with convolutional layers', () => {
  it('still names a layer kind it cannot export, listing the spatial kinds it can', () => {
    const net = pipe(input([8, 8, 1]), andThen(conv2d(3, 2)), andThen(flatten), andThen(autoencoder(72, 8)))
    expect(() => toOnnx(net, net.init(key(0)))).toThrow(ValueError)
    expect(() => toOnnx(net, net.init(key(0)))).toThrow(
      /^toOnnx: layer 3 \(autoencoder\(72→8, sigmoid\)\) cannot be exported: no ONNX exporter for kind "autoencoder" \(known: .*conv2d, maxPool2d, avgPool2d, flatten, reshape\)/,
    )
  })

  it('rejects conv params for another channel count, naming the layer and both shapes', () => {
    const net = pipe(input([7, 9, 3]), andThen(conv2d(3, 4, { padding: 'same' })))
    const other = pipe(input([7, 9, 2]), andThen(conv2d(3, 4, { padding: 'same' })))
    expect(() => toOnnx(net, other.init(key(0)) as never)).toThrow(ShapeError)
    expect(() => toOnnx(net, other.init(key(0)) as never)).toThrow(
      'toOnnx: layer 1 (conv2d(3×3×4, same)) has params for features [7,9,2] but layer 0 (input([7,9,3])) gives [7,9,3]',
    )
    const wide = pipe(input([7, 9, 3]), andThen(conv2d(5, 4, { padding: 'same' })))
    expect(() => toOnnx(net, wide.init(key(0)) as never)).toThrow("toOnnx: layer 1 (conv2d(3×3×4, same)): params.w has shape [5,5,3,4] but the layer's kernel is 3×3")
  })

  it('names a window layer that does not carry its stride and padding', () => {
    const bound = maxPool2d(2).bind([4, 4, 1])
    const bare = { ...bound, stride: undefined } as unknown as AnyLayer
    expect(() => toOnnx(bare, {})).toThrow(
      'toOnnx: layer 0 (maxPool2d(2)) cannot be exported: the bound layer must carry its window (kernel, stride, padding), got kernel 2, stride undefined, padding valid',
    )
  })
})
