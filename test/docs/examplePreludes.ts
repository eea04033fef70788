// Preludes of the JSDoc `@example`s (test/docs/examples.test.ts). An example is a few lines about
// one function; the names it uses but does not define come from here, typed as a user would have
// them. `shared` is offered to every example (only the entries it uses are included, with their
// `needs`); `overrides` replaces entries for one example, keyed `file#declaration`.
//
// Keep it honest: a prelude gives a free name the type a real program would give it, never `any`.

export interface Entry {
  readonly code: string
  /** Entries this one uses (included first). */
  readonly needs?: readonly string[]
}

const entry = (code: string, ...needs: string[]): Entry => ({ code, needs })

/** Names many examples share: an MNIST-sized MLP, its params, data, a training configuration. */
export const shared: Readonly<Record<string, Entry>> = {
  mlp: entry('const mlp = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))'),
  model: entry('const model = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))'),
  params: entry('declare const params: ParamsOf<typeof mlp>', 'mlp'),
  pretrainedParams: entry('declare const pretrainedParams: ParamsOf<typeof mlp>', 'mlp'),
  grads: entry('declare const grads: ParamsOf<typeof mlp>', 'mlp'),
  gradsList: entry('declare const gradsList: readonly ParamsOf<typeof mlp>[]', 'mlp'),
  // A minibatch of MNIST rows: its size is known at run time only.
  x: entry('declare const x: Tensor<[number, 784]>'),
  ys: entry('declare const ys: readonly number[]'),
  logits: entry('declare const logits: Tensor<[2, 10]>'),
  trainX: entry('declare const trainX: Tensor<[number, 784]>'),
  testX: entry('declare const testX: Tensor<[number, 784]>'),
  d: entry('declare const d: Dataset<number, 784, 10>'),
  train: entry('declare const train: Dataset<number, 784, 10>'),
  validation: entry('declare const validation: Dataset<number, 784, 10>'),
  test: entry('declare const test: Dataset<number, 784, 10>'),
  k: entry('declare const k: Key'),
  epoch: entry('declare const epoch: number'),
  validationError: entry('declare const validationError: number'),
  text: entry('declare const text: string'),
  history: entry('declare const history: readonly EpochRecord[]'),
  E: entry("import * as E from 'fp-ts/lib/Either.js'"),
  config: entry(
    'const config = { net: mlp, loss: softmaxCrossEntropy, optimizer: chain(adam(1e-3), reduceOnPlateau({ patience: 2 })), batchSize: 64, epochs: 20, key: key(0), patience: 3 }',
    'mlp',
  ),
  state: entry('const state = initTrain(config)', 'config'),
  trained: entry('const trained = fit(config, train, validation)', 'config', 'train', 'validation'),
}

// The params of the network the example builds itself (`net`, `ae`, `m`).
const paramsOf = (net: string): Entry => entry(`declare const params: ParamsOf<typeof ${net}>`)
const floatArrays = (...names: string[]): Record<string, Entry> =>
  Object.fromEntries(names.map((n) => [n, entry(`declare const ${n}: Float32Array`)]))

/**
 * Per example: the entries that differ from `shared` (same names win). `tensorfold-src/…` imports
 * any module of src/ (for an internal helper of another module).
 */
export const overrides: Readonly<Record<string, Readonly<Record<string, Entry>>>> = {
  'compose/exactBatchNormStatistics.ts#exactBatchNormStatistics': { params: paramsOf('net') },
  'layers/batchNorm.ts#batchNorm': { params: paramsOf('net') },
  'layers/dropout.ts#dropout': { params: paramsOf('net') },
  'layers/randomShift.ts#randomShift': { params: paramsOf('net'), x: entry('declare const x: Tensor<[number, 28, 28, 1]>') },
  'models/autoencoder.ts#autoencoder': { params: paramsOf('ae') },
  'models/rbm.ts#rbm': { params: paramsOf('m') },
  // A small float64 network, as gradient checks need.
  'grad/gradCheck.ts#gradCheck': {
    net: entry('const net = pipe(dense(3, 2), andThen(tanh))'),
    params64: entry("const params64 = mapTree(net.init(key(0)), (t) => astype(t, 'float64'))", 'net'),
    x: entry("const x = uniform(key(1), [4, 3], -1, 1, 'float64')"),
    y: entry("const y = uniform(key(2), [4, 2], -1, 1, 'float64')"),
  },
  'data/batchRowError.ts#batchRowError': {
    net: entry('const net = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))'),
    stepFn: entry('const stepFn = trainStep(net, softmaxCrossEntropy, adam(1e-3))', 'net'),
    state: entry('declare const state: StepState<ParamsOf<typeof net>, OptimizerStateOf<ReturnType<typeof adam>>, StateOf<typeof net>>', 'net'),
    batch: entry('declare const batch: Minibatch<Dataset<number, 784, 10>>'),
  },
  'kernels/conv2d.ts#conv2dForward': floatArrays('x', 'w', 'b', 'dy'),
  'kernels/im2col.ts#im2col': { ...floatArrays('x'), conv2dGeometry: entry("import { conv2dGeometry } from 'tensorfold-src/kernels/conv2d.js'") },
  'kernels/pool2d.ts#maxPool2d': floatArrays('x'),
  'kernels/pool2d.ts#avgPool2d': floatArrays('x'),
  'onnx/toOnnx.ts#toOnnx': { InferenceSession: entry("import { InferenceSession } from 'onnxruntime-node'") },
  'train/DivergenceError.ts#DivergenceError': { state: entry('let state = initTrain(config)', 'config') },
  'train/fitAsync.ts#fitAsync': { stopButton: entry('declare const stopButton: HTMLButtonElement') },
  'train/gridSearch.ts#gridSearch': {
    configFor: entry('declare const configFor: (h: { readonly hidden: number; readonly rate: number }) => typeof config', 'config'),
  },
  // The fine-tuning configuration of the example's own network.
  'train/pretrain.ts#pretrain': {
    config: entry('declare const config: FitConfig<[784], [10], ParamsOf<typeof net>, StateOf<typeof net>, typeof softmaxCrossEntropy, OptimizerStateOf<ReturnType<typeof adam>>>'),
  },
  'train/trainStep.ts#trainStep': {
    state: entry('declare const state: StepState<ParamsOf<typeof mlp>, OptimizerStateOf<ReturnType<typeof adam>>, StateOf<typeof mlp>>', 'mlp'),
    y: entry('declare const y: Labels<number, 10>'),
  },
}
