import { execFileSync } from 'node:child_process'
import { build } from 'esbuild'
import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import {
  activation, adam, andThen, autoencoder, batchNorm, dense, dropout, fit, key, linear, normal, input, relu, sigmoid, softmax,
  softmaxCrossEntropy, splitData, tanh, toOnnx, ShapeError, ValueError, type AnyLayer, type Tensor,
} from '../../src/index.js'
import { loadMnist } from '../../src/node/index.js'
import { decode, dimsOf, graphOf, maxAbs, maxAbsDiff, onnx, runOrt, type Onnx } from './ort.js'

describe('toOnnx: a 784-256-128-10 relu MLP', () => {
  const mnist = loadMnist()
  const { train, validation, test } = splitData(key(0), mnist, { train: 2000, validation: 500 })
  const net = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 128)), andThen(relu), andThen(dense(128, 10)))
  // One short epoch, so the weights are trained rather than freshly initialised.
  const trained = fit({ net, loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: 64, epochs: 1, key: key(1) }, train, validation)
  const params = trained.best.params
  const bytes = toOnnx(net, params)

  it('gives tensorfold’s outputs on random inputs', async () => {
    const x = normal(key(2), [64, 784], 0.5, 0.5)
    const ort = await runOrt(bytes, x)
    const [y] = net.apply(params, x)
    expect(ort.dims).toEqual([64, 10])
    const d = maxAbsDiff(ort.data, y.data)
    console.log(`MLP, random inputs: max |ORT − tensorfold| = ${d.toExponential(2)} (outputs up to ${maxAbs(y.data).toFixed(2)})`)
    expect(maxAbs(y.data)).toBeGreaterThan(0.5)
    expect(d).toBeLessThan(1e-5)
  })

  it('gives tensorfold’s outputs and predictions on MNIST test digits', async () => {
    const x = test.x as Tensor<[number, 784]>
    const ort = await runOrt(bytes, x)
    const [y] = net.apply(params, x)
    expect(ort.dims).toEqual([x.shape[0], 10])
    const d = maxAbsDiff(ort.data, y.data)
    const argmax = (v: ArrayLike<number>, r: number) => {
      let best = 0
      for (let c = 1; c < 10; c++) if (v[r * 10 + c]! > v[r * 10 + best]!) best = c
      return best
    }
    let agree = 0, correct = 0
    for (let r = 0; r < x.shape[0]; r++) {
      if (argmax(ort.data, r) === argmax(y.data, r)) agree++
      if (argmax(ort.data, r) === test.y.data[r]) correct++
    }
    console.log(`MLP, ${x.shape[0]} MNIST digits: max |ORT − tensorfold| = ${d.toExponential(2)} (outputs up to ${maxAbs(y.data).toFixed(2)}), ORT accuracy ${(correct / x.shape[0]).toFixed(4)}`)
    expect(d).toBeLessThan(1e-5)
    expect(agree).toBe(x.shape[0])
    expect(correct / x.shape[0]).toBeGreaterThan(0.8)
  })

  it('decodes back with onnx-proto: IR, opset, producer, shapes and little-endian float32 weights', () => {
    const m = decode(bytes)
    expect(Number(m.irVersion)).toBe(8)
    expect(m.producerName).toBe('tensorfold')
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 13]])
    const g = m.graph as Onnx.GraphProto
    expect(g.input.map((v) => [v.name, dimsOf(v)])).toEqual([['input', ['batch', 784]]])
    expect(g.output.map((v) => [v.name, dimsOf(v)])).toEqual([['output', ['batch', 10]]])
    expect(g.input[0]!.type!.tensorType!.elemType).toBe(onnx.TensorProto.DataType.FLOAT)
    expect(g.node.map((n) => [n.name, n.opType])).toEqual([
      ['l0_dense', 'Gemm'], ['l1_activation', 'Relu'], ['l2_dense', 'Gemm'], ['l3_activation', 'Relu'], ['l4_dense', 'Gemm'],
    ])
    expect(g.initializer.map((t) => [t.name, (t.dims ?? []).map(Number)])).toEqual([
      ['l0_dense.w', [784, 256]], ['l0_dense.b', [256]], ['l2_dense.w', [256, 128]], ['l2_dense.b', [128]],
      ['l4_dense.w', [128, 10]], ['l4_dense.b', [10]],
    ])
    const w = g.initializer[0] as Onnx.TensorProto
    expect(w.dataType).toBe(onnx.TensorProto.DataType.FLOAT)
    const view = new DataView(w.rawData.buffer, w.rawData.byteOffset, w.rawData.byteLength)
    expect(w.rawData.byteLength).toBe(784 * 256 * 4)
    for (const i of [0, 1, 1000, 784 * 256 - 1]) expect(view.getFloat32(i * 4, true)).toBe(params[0].w.data[i])
  })

  it('names the graph input and output as asked, and exports with every opset 13 … 21', async () => {
    const x = normal(key(3), [5, 784])
    const [y] = net.apply(params, x)
    for (let opset = 13; opset <= 21; opset++) {
      const b = toOnnx(net, params, { inputName: 'pixels', outputName: 'logits', opset })
      const m = decode(b)
      expect(Number(m.opsetImport[0]!.version)).toBe(opset)
      expect(Number(m.irVersion)).toBe(opset <= 18 ? 8 : opset <= 20 ? 9 : 10)
      expect(maxAbsDiff((await runOrt(b, x, 'pixels', 'logits')).data, y.data)).toBeLessThan(1e-5)
    }
  })
})

describe('toOnnx: batch norm (eval mode), dropout, sigmoid, tanh, linear and softmax', () => {
  const net = pipe(
    dense(20, 16), andThen(batchNorm(16)), andThen(tanh), andThen(dropout(0.3)),
    andThen(dense(16, 12)), andThen(batchNorm(12, { eps: 1e-3 })), andThen(sigmoid), andThen(linear),
    andThen(dense(12, 5)), andThen(softmax),
  )
  const params = net.init(key(4))
  // Inputs far from N(0, 1), and a few training-mode passes, give running statistics far from (0, 1).
  const batch = (i: number) => normal(key(100 + i), [32, 20], 2, 3)
  let netState = net.initState()
  for (let i = 0; i < 8; i++) netState = net.apply(params, batch(i), { training: true, key: key(200 + i), state: netState })[2]!
  const x = normal(key(5), [40, 20], 2, 3)

  it('has non-trivial running statistics to export', () => {
    expect(maxAbs(netState[1].mean.data)).toBeGreaterThan(0.5)
    expect(maxAbsDiff(netState[1].variance.data, new Float32Array(16).fill(1))).toBeGreaterThan(0.5)
  })

  it('gives tensorfold’s eval-mode outputs with the running statistics', async () => {
    const ort = await runOrt(toOnnx(net, params, { netState }), x)
    const [y] = net.apply(params, x, { state: netState })
    expect(ort.dims).toEqual([40, 5])
    const d = maxAbsDiff(ort.data, y.data)
    console.log(`batch norm + dropout + sigmoid/tanh/softmax: max |ORT − tensorfold| = ${d.toExponential(2)}`)
    expect(d).toBeLessThan(1e-5)
    // The statistics matter: the same net with the initial state gives other outputs.
    const [yInit] = net.apply(params, x)
    expect(maxAbsDiff(yInit.data, y.data)).toBeGreaterThan(1e-2)
  })

  it('without netState, gives tensorfold’s eval-mode outputs with the initial statistics (as apply does)', async () => {
    const ort = await runOrt(toOnnx(net, params), x)
    expect(maxAbsDiff(ort.data, net.apply(params, x)[0].data)).toBeLessThan(1e-5)
  })

  it('maps each layer to its op, with batch norm as Mul + Add', () => {
    const g = graphOf(toOnnx(net, params, { netState }))
    expect(g.node.map((n) => n.opType)).toEqual([
      'Gemm', 'Mul', 'Add', 'Tanh', 'Identity', 'Gemm', 'Mul', 'Add', 'Sigmoid', 'Identity', 'Gemm', 'Softmax',
    ])
    expect(g.initializer.map((t) => t.name)).toContain('l1_batchNorm.scale')
    expect(g.initializer.map((t) => t.name)).toContain('l5_batchNorm.shift')
    expect(g.output.map(dimsOf)).toEqual([['batch', 5]])
  })

  it('exports a single layer that is not a composition', async () => {
    const bn = batchNorm(20).bind([20])
    const p = bn.init(key(6))
    const st = bn.apply(p, batch(0), { training: true, state: bn.initState() })[2]!
    const ort = await runOrt(toOnnx(bn, p, { netState: st }), x)
    expect(maxAbsDiff(ort.data, bn.apply(p, x, { state: st })[0].data)).toBeLessThan(1e-5)
  })

  it('exports a network that starts with input(shape), batch norm per channel over [3, 4]', async () => {
    const net = pipe(input([3, 4]), andThen(batchNorm(4)), andThen(relu))
    const p = net.init(key(8))
    const st = net.apply(p, normal(key(9), [16, 3, 4], 1, 2), { training: true, state: net.initState() })[2]!
    const bytes = toOnnx(net, p, { netState: st })
    const g = graphOf(bytes)
    expect(g.node.map((n) => n.opType)).toEqual(['Identity', 'Mul', 'Add', 'Relu'])
    expect(g.input.map(dimsOf)).toEqual([['batch', 3, 4]])
    expect(g.output.map(dimsOf)).toEqual([['batch', 3, 4]])
    const x34 = normal(key(10), [7, 3, 4], 1, 2)
    const ort = await runOrt(bytes, x34)
    expect(ort.dims).toEqual([7, 3, 4])
    expect(maxAbsDiff(ort.data, net.apply(p, x34, { state: st })[0].data)).toBeLessThan(1e-5)
  })
})

describe('toOnnx: dense with a fused relu', () => {
  const net = pipe(dense(20, 16, { activation: 'relu' }), andThen(dense(16, 8, { activation: 'relu' })), andThen(dense(8, 3)))
  // Biases of the scale of x·W, so that the relus cut about half the units.
  const params = net.init(key(11)).map((p, i) => ({ ...p, b: normal(key(20 + i), [p.b.shape[0]], 0, 1) })) as unknown as ReturnType<typeof net.init>

  it('writes a Gemm then a Relu for each fused layer, reading the same initializers', () => {
    const g = graphOf(toOnnx(net, params))
    expect(g.node.map((n) => [n.name, n.opType, n.input, n.output])).toEqual([
      ['l0_dense', 'Gemm', ['input', 'l0_dense.w', 'l0_dense.b'], ['l0_dense.gemm']],
      ['l0_dense.relu', 'Relu', ['l0_dense.gemm'], ['l0_dense.out']],
      ['l1_dense', 'Gemm', ['l0_dense.out', 'l1_dense.w', 'l1_dense.b'], ['l1_dense.gemm']],
      ['l1_dense.relu', 'Relu', ['l1_dense.gemm'], ['l1_dense.out']],
      ['l2_dense', 'Gemm', ['l1_dense.out', 'l2_dense.w', 'l2_dense.b'], ['output']],
    ])
  })
  it('gives tensorfold’s outputs, and a fused relu last writes the graph output', async () => {
    const x = normal(key(12), [32, 20])
    const [y] = net.apply(params, x)
    const ort = await runOrt(toOnnx(net, params), x)
    expect(ort.dims).toEqual([32, 3])
    expect(maxAbsDiff(ort.data, y.data)).toBeLessThan(1e-5)
    const last = dense(20, 4, { activation: 'relu' })
    const p = { ...last.init(key(13)), b: normal(key(14), [4], 0, 1) }
    const ortLast = await runOrt(toOnnx(last, p), x)
    expect(Array.from(ortLast.data).some((v) => v === 0)).toBe(true)
    expect(maxAbsDiff(ortLast.data, last.apply(p, x)[0].data)).toBeLessThan(1e-5)
  })
})

describe('toOnnx: errors', () => {
  it('names a layer it cannot export, by index and name', () => {
    const net = pipe(dense(784, 64), andThen(relu), andThen(dense(64, 784)), andThen(autoencoder(784, 32)))
    expect(() => toOnnx(net, net.init(key(0)))).toThrow(ValueError)
    expect(() => toOnnx(net, net.init(key(0)))).toThrow(/^toOnnx: layer 3 \(autoencoder\(784→32, sigmoid\)\) cannot be exported: no ONNX exporter for kind "autoencoder"/)
  })

  it('names an activation it has no op for', () => {
    const swish = activation('swish', (a, g) => g.set(a), (_a, _g, dy, dx) => dx.set(dy))
    const net = pipe(dense(3, 4), andThen(swish))
    expect(() => toOnnx(net, net.init(key(0)))).toThrow(/^toOnnx: layer 1 \(swish\) cannot be exported: no ONNX op for activation 'swish'/)
  })

  it('rejects params of another network, naming the layer and both shapes', () => {
    const net = pipe(dense(3, 4), andThen(relu), andThen(dense(4, 2)))
    const other = pipe(dense(3, 5), andThen(relu), andThen(dense(5, 2)))
    const bad = [net.init(key(0))[0], {}, other.init(key(0))[2]] as unknown as ReturnType<typeof net.init>
    expect(() => toOnnx(net, bad)).toThrow(ShapeError)
    expect(() => toOnnx(net, bad)).toThrow('toOnnx: layer 2 (dense(4→2)) has params for features [5] but layer 1 (relu) gives [4]')
    expect(() => toOnnx(net, [net.init(key(0))[0]] as unknown as ReturnType<typeof net.init>)).toThrow(
      'toOnnx: params must have one entry per layer of dense(3→4) → relu → dense(4→2) (3), got 1 entries',
    )
  })

  it('rejects bad options', () => {
    const net = pipe(dense(3, 4), andThen(relu))
    const p = net.init(key(0))
    expect(() => toOnnx(net, p, { opset: 12 })).toThrow('toOnnx: options.opset must be an integer in 13 … 21, got 12')
    expect(() => toOnnx(net, p, { inputName: 'x', outputName: 'x' })).toThrow("toOnnx: options.inputName and options.outputName are both 'x'")
    expect(() => toOnnx(net, p, { inputName: 'l0_dense.w' })).toThrow("toOnnx: options.inputName 'l0_dense.w' is also the name of an internal tensor")
  })

  it('says so when no layer fixes the input shape (an activation not bound to a shape)', () => {
    expect(() => toOnnx(relu as unknown as AnyLayer, {})).toThrow("toOnnx: no layer of relu fixes the input's feature shape")
  })

  it('rejects batch-norm statistics of another width', () => {
    const net = pipe(dense(3, 4), andThen(batchNorm(4)))
    const wrong = [undefined, batchNorm(5).initState()] as unknown as ReturnType<typeof net.initState>
    expect(() => toOnnx(net, net.init(key(0)), { netState: wrong })).toThrow('toOnnx: layer 1 (batchNorm(4)): netState.mean has 5 units but params.gamma has 4')
  })
})

describe('onnx-proto under plain Node ESM (outside vitest)', () => {
  it('toOnnx bundled as an ES module with its dependencies external runs in node and decodes', async () => {
    // NOTE: Node's ESM loader sees only a default export of the CommonJS onnx-proto; vitest is more lenient.
    const out = await build({
      stdin: {
        contents: `
          import { pipe } from 'fp-ts/lib/function.js'
          import onnxProto from 'onnx-proto'
import type { onnx as Onnx } from 'onnx-proto'
          import { andThen, dense, key, relu, toOnnx } from './src/index.ts'
          const net = pipe(dense(3, 4), andThen(relu))
          const m = onnxProto.onnx.ModelProto.decode(toOnnx(net, net.init(key(0))))
          console.log(JSON.stringify([m.producerName, m.graph.node.map((n) => n.opType)]))`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      write: false,
    })
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-'], { input: out.outputFiles[0]!.text, cwd: process.cwd() })
    expect(JSON.parse(stdout.toString())).toEqual(['tensorfold', ['Gemm', 'Relu']])
  })
})
