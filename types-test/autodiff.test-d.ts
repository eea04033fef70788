import { pipe } from 'fp-ts/lib/function.js'
import { expectError, expectType } from 'tsd'
import {
  ad, andThen, dense, labelLoss, labels, layer, loss, ones, relu, uniform, valueAndGrad, zeros, key,
  type CustomLayer, type DenseParams, type LabelLoss, type NoParams, type Sequential, type Tensor, type TargetLoss,
} from '../src/index.js'

// ---- ops: typed by shape as the plain ops are

// matmul [M,K]×[K,N] → [M,N] in its three layouts; a wrong inner dimension does not compile.
expectType<ad.Var<[2, 4]>>(ad.matmul(zeros([2, 3]), zeros([3, 4])))
expectError(ad.matmul(zeros([2, 3]), zeros([5, 4])))
expectType<ad.Var<[3, 4]>>(ad.matmulTN(zeros([2, 3]), zeros([2, 4])))
expectError(ad.matmulTN(zeros([2, 3]), zeros([3, 4])))
expectType<ad.Var<[2, 5]>>(ad.matmulNT(zeros([2, 3]), zeros([5, 3])))
expectError(ad.matmulNT(zeros([2, 3]), zeros([5, 4])))
declare const x: ad.Var<[number, 784]>
expectType<ad.Var<[number, 10]>>(ad.matmul(x, zeros([784, 10])))
expectError(ad.matmul(x, zeros([783, 10])))

// Elementwise ops need one shape (Vars and tensors mix).
expectType<ad.Var<[2, 3]>>(ad.add(zeros([2, 3]), ad.constant(ones([2, 3]))))
expectError(ad.add(zeros([2, 2]), zeros([2, 3])))
expectError(ad.sub(x, zeros([2, 783])))
expectError(ad.mul(zeros([2, 3]), zeros([3, 2])))
expectError(ad.div(zeros([2, 3]), zeros([2])))
expectType<ad.Var<[number, 784]>>(ad.scale(ad.relu(ad.exp(ad.log(ad.sqrt(ad.square(x))))), 2))
expectType<ad.Var<[4]>>(ad.addScalar(ad.sigmoid(ad.tanh(ad.abs(ad.recip(ad.neg(zeros([4])))))), 1))

// Bias along the last axis: the width must agree.
expectType<ad.Var<[8, 3]>>(ad.addBias(zeros([8, 3]), zeros([3])))
expectType<ad.Var<[number, 12, 12, 6]>>(ad.addBias(zeros([2, 12, 12, 6]) as unknown as ad.Var<[number, 12, 12, 6]>, zeros([6])))
expectError(ad.addBias(zeros([8, 3]), zeros([5])))

// Reductions and their adjoint.
expectType<ad.Var<[3]>>(ad.sum(zeros([2, 3]), 0))
expectType<ad.Var<[2]>>(ad.sum(zeros([2, 3]), 1))
expectType<ad.Var<[number]>>(ad.mean(x, -1))
expectType<ad.Var<[5, 6]>>(ad.sum(zeros([4, 5, 6]), 0))
expectType<ad.Var<[4, 5]>>(ad.mean(zeros([4, 5, 6]), -1))
expectType<ad.Var<[]>>(ad.sumAll(x))
expectType<ad.Var<[]>>(ad.meanAll(x))
expectType<ad.Var<[4, 3]>>(ad.expand(zeros([3]), 0, 4))
expectType<ad.Var<[number, 784]>>(ad.expand(ad.mean(x, -1), -1, 784))
expectError(ad.add(x, ad.expand(ad.mean(x, -1), -1, 783)))

// Shapes: reshape, flatten (the product computed), transpose, slice and concat (widths computed).
expectType<ad.Var<[3, 2]>>(ad.reshape(zeros([2, 3]), [3, 2]))
expectType<ad.Var<[2, 256]>>(ad.flatten(zeros([2, 4, 4, 16])))
expectType<ad.Var<[3, 2]>>(ad.transpose(zeros([2, 3])))
expectType<ad.Var<[2, 2]>>(ad.slice(zeros([2, 5]), 1, 3))
expectType<ad.Var<[2, 7]>>(ad.concat(zeros([2, 3]), zeros([2, 4])))
expectError(ad.concat(zeros([2, 3]), zeros([3, 4])))
expectType<ad.Var<[2, 10]>>(ad.softmax(zeros([2, 10])))
expectType<ad.Var<[2, 10]>>(ad.logSoftmax(zeros([2, 10])))

// Convolution and pooling: sizes computed by the compiler as for the layers.
declare const images: ad.Var<[number, 28, 28, 1]>
expectType<ad.Var<[number, 24, 24, 6]>>(ad.conv2d(images, zeros([5, 5, 1, 6])))
expectType<ad.Var<[number, 14, 14, 8]>>(ad.conv2d(images, zeros([3, 3, 1, 8]), { stride: 2, padding: 'same' }))
expectError(ad.conv2d(images, zeros([5, 5, 3, 6])))
expectType<ad.Var<[number, 12, 12, 6]>>(ad.maxPool2d(ad.conv2d(images, zeros([5, 5, 1, 6])), 2))
expectType<ad.Var<[number, 14, 14, 1]>>(ad.avgPool2d(images, 2))

// [y, back] of any composition, and the value and gradient of a scalar function of a tree.
const [y, back] = ad.vjp((a, b) => ad.tanh(ad.matmul(a, b)), ones([2, 3]), ones([3, 4]))
expectType<Tensor<[2, 4]>>(y)
expectType<readonly [Tensor<[2, 3]>, Tensor<[3, 4]>]>(back(ones([2, 4])))
expectError(back(ones([2, 5])))
const tree = { w: ones([2, 3]), b: ones([3]) }
expectType<readonly [number, { w: Tensor<[2, 3]>; b: Tensor<[3]> }]>(ad.valueAndGrad((p) => ad.sumAll(ad.addBias(p.w, p.b)), tree))
expectError(ad.valueAndGrad((p) => ad.addBias(p.w, p.b), tree))

// ---- custom layers: ordinary Layers, their shapes checked

const layerNorm = <const N extends number>(n: N, eps = 1e-5) =>
  layer({
    name: `layerNorm(${n})`,
    inShape: [n],
    init: () => ({ gamma: ones([n]), beta: zeros([n]) }),
    forward: ({ gamma, beta }, x) => {
      const centred = ad.sub(x, ad.expand(ad.mean(x, -1), -1, n))
      const std = ad.sqrt(ad.addScalar(ad.mean(ad.square(centred), -1), eps))
      return ad.addBias(ad.mul(ad.div(centred, ad.expand(std, -1, n)), ad.expand(gamma, 0, x.shape[0])), beta)
    },
  })
expectType<CustomLayer<[8], [8], { gamma: Tensor<[8]>; beta: Tensor<[8]> }>>(layerNorm(8))
const net = pipe(dense(4, 8), andThen(layerNorm(8)), andThen(relu), andThen(dense(8, 3)))
expectType<Sequential<[4], [3], readonly [DenseParams<4, 8>, { gamma: Tensor<[8]>; beta: Tensor<[8]> }, NoParams, DenseParams<8, 3>], readonly [undefined, undefined, undefined, undefined]>>(net)
// A custom layer of the wrong width in a chain: "expects [7] but gets [8]".
expectError(pipe(dense(4, 8), andThen(layerNorm(7))))

// The output shape is the one forward returns, or the one declared; a forward that returns another
// shape than outShape does not compile ("Type 'Var<[number, 5]>' is not assignable to type 'Var<[number, 4]>'").
const proj = layer({ name: 'proj', inShape: [4], init: (k) => ({ w: uniform(k, [4, 5]) }), forward: ({ w }, x) => ad.matmul(x, w) })
expectType<CustomLayer<[4], [5], { w: Tensor<[4, 5]> }>>(proj)
expectType<CustomLayer<[4], [5], { w: Tensor<[4, 5]> }>>(layer({ name: 'p', inShape: [4], outShape: [5], init: (k) => ({ w: uniform(k, [4, 5]) }), forward: ({ w }, x) => ad.matmul(x, w) }))
expectError(layer({ name: 'p', inShape: [4], outShape: [4], init: (k) => ({ w: uniform(k, [4, 5]) }), forward: ({ w }, x) => ad.matmul(x, w) }))
expectError(layer({ name: 'p', inShape: [4], outShape: [5, 1], init: (k) => ({ w: uniform(k, [4, 5]) }), forward: ({ w }, x) => ad.matmul(x, w) }))
// Inside forward the params are Vars of init's shapes: a wrong product does not compile.
expectError(layer({ name: 'p', inShape: [3], init: (k) => ({ w: uniform(k, [4, 5]) }), forward: ({ w }, x) => ad.matmul(x, w) }))
// forward must return a Var.
expectError(layer({ name: 'p', inShape: [3], init: () => ({}), forward: (_, x) => x.value }))

// ---- custom losses: a TargetLoss or a LabelLoss, and targets follow the kind

const huber = loss({ name: 'huber', forward: (yHat, y) => ad.meanAll(ad.abs(ad.sub(yHat, y))) })
expectType<TargetLoss>(huber)
const nll = labelLoss({ name: 'nll', forward: (logits, y) => ad.scale(ad.sumAll(ad.mul(ad.logSoftmax(logits), ad.oneHot(y))), -1) })
expectType<LabelLoss>(nll)
expectType<readonly [number, Tensor<[2, 3]>]>(huber(zeros([2, 3]), zeros([2, 3])))
expectError(huber(zeros([2, 3]), zeros([2, 4])))
expectError(nll(zeros([2, 3]), labels([0, 1], 4)))
expectError(loss({ name: 'perRow', forward: (yHat, y) => ad.sum(ad.sub(yHat, y), 1) }))
const regress = valueAndGrad(net, huber)
expectType<number>(regress(net.init(key(0)), zeros([5, 4]), zeros([5, 3]))[0])
expectError(regress(net.init(key(0)), zeros([5, 4]), labels([0, 1, 2, 0, 1], 3)))
const classify = valueAndGrad(net, nll)
expectError(classify(net.init(key(0)), zeros([5, 4]), zeros([5, 3])))
