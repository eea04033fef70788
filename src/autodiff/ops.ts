// The differentiable ops, exported from the package as the namespace `ad`: every op takes Vars or
// tensors and returns a Var, whose backward pass is built by composition (see Var.ts). Primitives
// carry a pullback; the rest is derived from them.
export type { Var, VarLike } from './Var.js'
export { constant, stopGradient } from './Var.js'
export { vjp, valueAndGrad, type Vars, type VarsOf } from './vjp.js'
export { add, mul, scale, addScalar, neg, sub, div, square, abs } from './elementwise.js'
export { exp, log, sqrt, recip, relu, sigmoid, tanh } from './unary.js'
export { matmul, matmulTN, matmulNT } from './matmul.js'
export { sum, expand, mean, sumAll, meanAll } from './reduce.js'
export { addBias } from './addBias.js'
export { reshape, flatten, transpose, slice, concat } from './shape.js'
export { softmax, logSoftmax } from './softmax.js'
export { conv2d, maxPool2d, avgPool2d, type WindowOptions } from './conv.js'
export { oneHot } from './oneHot.js'
