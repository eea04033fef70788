import { describe, expect, it } from 'vitest'
import {
  ad, add, addBias, addScalar, astype, avgPool2d, conv2d, div, flatten, fold, key, map, matmul, matmulNT, matmulTN, maxPool2d, mean, mul, relu,
  reshape, scale, sigmoid, softmax, sub, sum, tanh, tensor, toArray, transpose, uniform, zeros, type Activation, type DType, type Tensor,
} from '../../src/index.js'
import { checkVjp, maxRelDiff } from './util.js'

// Every op of `ad`: its forward equals the plain op (or the layer, or a loop written out), in
// float32 and float64, and its backward passes gradCheck in float64. One table, one helper.

type Make = (dtype: DType) => readonly Tensor[]
interface Case {
  readonly name: string
  readonly inputs: Make
  readonly op: (...xs: ad.Var[]) => ad.Var
  /** The plain op, layer or loop the forward must equal. */
  readonly reference: (...xs: Tensor[]) => ArrayLike<number>
  /** `exact`: bit for bit (the same kernel); else within a few ulps (a derived op rounds differently). */
  readonly exact: boolean
}

const k0 = key(42)
let counter = 0
/** Random inputs: normal, or in [lo, hi) (away from the poles of log, sqrt, 1/x). */
const rnd = (shape: readonly number[], lo = -2, hi = 2) => {
  const k = fold(k0, counter++)
  return (dtype: DType) => uniform(k, shape, lo, hi, dtype)
}
const ins = (...makers: ((d: DType) => Tensor)[]): Make => (d) => makers.map((m) => m(d))
const layerOut = (l: Activation, x: Tensor) => l.apply({}, x as never)[0].data
const bind = (l: { bind: (s: readonly number[]) => unknown }, x: Tensor) =>
  l.bind(x.shape.slice(1)) as { apply: (p: unknown, x: never) => readonly [Tensor, ...unknown[]] }
const as2 = (t: Tensor) => t as Tensor<[number, number]>

// Loops written out, for ops with no plain counterpart.
const sliceRef = (x: Tensor, s: number, e: number) => {
  const n = x.shape[x.shape.length - 1]!, out: number[] = []
  for (let r = 0; r < x.data.length / n; r++) for (let j = s; j < e; j++) out.push(x.data[r * n + j]!)
  return out
}
const concatRef = (a: Tensor, b: Tensor) => {
  const na = a.shape[a.shape.length - 1]!, nb = b.shape[b.shape.length - 1]!, out: number[] = []
  for (let r = 0; r < a.data.length / na; r++) out.push(...a.data.subarray(r * na, (r + 1) * na), ...b.data.subarray(r * nb, (r + 1) * nb))
  return out
}
const expandRef = (x: Tensor, axis: 0 | -1, n: number) =>
  axis === 0 ? Array.from({ length: n }, () => toArray(x)).flat() : toArray(x).flatMap((v) => Array<number>(n).fill(v))

const cases: readonly Case[] = [
  { name: 'add', inputs: ins(rnd([3, 4]), rnd([3, 4])), op: (a, b) => ad.add(a!, b!), reference: (a, b) => add(a!, b!).data, exact: true },
  { name: 'sub', inputs: ins(rnd([3, 4]), rnd([3, 4])), op: (a, b) => ad.sub(a!, b!), reference: (a, b) => sub(a!, b!).data, exact: true },
  { name: 'mul', inputs: ins(rnd([3, 4]), rnd([3, 4])), op: (a, b) => ad.mul(a!, b!), reference: (a, b) => mul(a!, b!).data, exact: true },
  { name: 'div', inputs: ins(rnd([3, 4]), rnd([3, 4], 0.5, 2)), op: (a, b) => ad.div(a!, b!), reference: (a, b) => div(a!, b!).data, exact: false },
  { name: 'scale', inputs: ins(rnd([2, 5])), op: (a) => ad.scale(a!, -1.5), reference: (a) => scale(a!, -1.5).data, exact: true },
  { name: 'addScalar', inputs: ins(rnd([2, 5])), op: (a) => ad.addScalar(a!, 0.25), reference: (a) => addScalar(a!, 0.25).data, exact: true },
  { name: 'neg', inputs: ins(rnd([4])), op: (a) => ad.neg(a!), reference: (a) => scale(a!, -1).data, exact: true },
  { name: 'square', inputs: ins(rnd([2, 3])), op: (a) => ad.square(a!), reference: (a) => map(a!, (v) => v * v).data, exact: true },
  { name: 'abs', inputs: ins(rnd([2, 3])), op: (a) => ad.abs(a!), reference: (a) => map(a!, Math.abs).data, exact: true },
  { name: 'exp', inputs: ins(rnd([2, 3])), op: (a) => ad.exp(a!), reference: (a) => map(a!, Math.exp).data, exact: true },
  { name: 'log', inputs: ins(rnd([2, 3], 0.5, 3)), op: (a) => ad.log(a!), reference: (a) => map(a!, Math.log).data, exact: true },
  { name: 'sqrt', inputs: ins(rnd([2, 3], 0.5, 3)), op: (a) => ad.sqrt(a!), reference: (a) => map(a!, Math.sqrt).data, exact: true },
  { name: 'recip', inputs: ins(rnd([2, 3], 0.5, 3)), op: (a) => ad.recip(a!), reference: (a) => map(a!, (v) => 1 / v).data, exact: true },
  { name: 'relu', inputs: ins(rnd([3, 4])), op: (a) => ad.relu(a!), reference: (a) => layerOut(relu, a!), exact: true },
  { name: 'sigmoid', inputs: ins(rnd([3, 4], -8, 8)), op: (a) => ad.sigmoid(a!), reference: (a) => layerOut(sigmoid, a!), exact: true },
  { name: 'tanh', inputs: ins(rnd([3, 4])), op: (a) => ad.tanh(a!), reference: (a) => layerOut(tanh, a!), exact: true },
  { name: 'matmul', inputs: ins(rnd([3, 4]), rnd([4, 5])), op: (a, b) => ad.matmul(a as never, b as never), reference: (a, b) => matmul(as2(a!), as2(b!)).data, exact: true },
  { name: 'matmulTN', inputs: ins(rnd([4, 3]), rnd([4, 5])), op: (a, b) => ad.matmulTN(a as never, b as never), reference: (a, b) => matmulTN(as2(a!), as2(b!)).data, exact: true },
  { name: 'matmulNT', inputs: ins(rnd([3, 4]), rnd([5, 4])), op: (a, b) => ad.matmulNT(a as never, b as never), reference: (a, b) => matmulNT(as2(a!), as2(b!)).data, exact: true },
  { name: 'addBias', inputs: ins(rnd([4, 3]), rnd([3])), op: (x, b) => ad.addBias(x as never, b as never), reference: (x, b) => addBias(as2(x!), b as Tensor<[number]>).data, exact: true },
  { name: 'addBias (NHWC)', inputs: ins(rnd([2, 3, 3, 2]), rnd([2])), op: (x, b) => ad.addBias(x as never, b as never), reference: (x, b) => addBias(as2(reshape(x!, [18, 2])), b as Tensor<[number]>).data, exact: true },
  { name: 'sum axis 0', inputs: ins(rnd([4, 3])), op: (x) => ad.sum(x as ad.Var<[number, number]>, 0), reference: (x) => sum(as2(x!), 0).data, exact: true },
  { name: 'sum axis 1', inputs: ins(rnd([4, 3])), op: (x) => ad.sum(x as ad.Var<[number, number]>, 1), reference: (x) => sum(as2(x!), 1).data, exact: true },
  { name: 'sum axis −1 (rank 3)', inputs: ins(rnd([2, 3, 4])), op: (x) => ad.sum(x as ad.Var<[number, number, number]>, -1), reference: (x) => sum(as2(reshape(x!, [6, 4])), 1).data, exact: true },
  { name: 'sum axis 0 (rank 3)', inputs: ins(rnd([2, 3, 4])), op: (x) => ad.sum(x as ad.Var<[number, number, number]>, 0), reference: (x) => sum(as2(reshape(x!, [2, 12])), 0).data, exact: true },
  { name: 'mean axis 0', inputs: ins(rnd([4, 3])), op: (x) => ad.mean(x as ad.Var<[number, number]>, 0), reference: (x) => mean(as2(x!), 0).data, exact: false },
  { name: 'mean axis 1', inputs: ins(rnd([4, 3])), op: (x) => ad.mean(x as ad.Var<[number, number]>, 1), reference: (x) => mean(as2(x!), 1).data, exact: false },
  { name: 'sumAll', inputs: ins(rnd([3, 2])), op: (x) => ad.sumAll(x!), reference: (x) => [toArray(x!).reduce((s, v) => s + v, 0)], exact: false },
  { name: 'meanAll', inputs: ins(rnd([3, 2])), op: (x) => ad.meanAll(x!), reference: (x) => [toArray(x!).reduce((s, v) => s + v, 0) / 6], exact: false },
  { name: 'expand axis 0', inputs: ins(rnd([3])), op: (x) => ad.expand(x!, 0, 4), reference: (x) => expandRef(x!, 0, 4), exact: true },
  { name: 'expand axis −1', inputs: ins(rnd([2, 3])), op: (x) => ad.expand(x!, -1, 4), reference: (x) => expandRef(x!, -1, 4), exact: true },
  { name: 'reshape', inputs: ins(rnd([2, 6])), op: (x) => ad.reshape(x!, [3, 4]), reference: (x) => reshape(x!, [3, 4]).data, exact: true },
  { name: 'flatten', inputs: ins(rnd([2, 3, 2, 2])), op: (x) => ad.flatten(x as ad.Var<[number, number, number, number]>), reference: (x) => flatten(x as never).data, exact: true },
  { name: 'transpose', inputs: ins(rnd([2, 5])), op: (x) => ad.transpose(x as ad.Var<[number, number]>), reference: (x) => transpose(as2(x!)).data, exact: true },
  { name: 'slice', inputs: ins(rnd([3, 5])), op: (x) => ad.slice(x as ad.Var<[number, number]>, 1, 4), reference: (x) => sliceRef(x!, 1, 4), exact: true },
  { name: 'concat', inputs: ins(rnd([2, 2, 3]), rnd([2, 2, 1])), op: (a, b) => ad.concat(a as never, b as never), reference: (a, b) => concatRef(a!, b!), exact: true },
  { name: 'softmax', inputs: ins(rnd([3, 4], -5, 5)), op: (x) => ad.softmax(x!), reference: (x) => layerOut(softmax, x!), exact: false },
  { name: 'softmax (rank 3)', inputs: ins(rnd([2, 2, 3], -5, 5)), op: (x) => ad.softmax(x!), reference: (x) => layerOut(softmax, x!), exact: false },
  { name: 'logSoftmax', inputs: ins(rnd([3, 4], -5, 5)), op: (x) => ad.logSoftmax(x!), reference: (x) => map(softmax.apply({}, x as never)[0], Math.log).data, exact: false },
  {
    name: 'conv2d',
    inputs: ins(rnd([2, 5, 5, 2]), rnd([3, 3, 2, 3])),
    op: (x, w) => ad.conv2d(x as never, w as never),
    reference: (x, w) => bind(conv2d(3, 3), x!).apply({ w, b: zeros([3], w!.dtype) }, x as never)[0].data,
    exact: true,
  },
  {
    name: 'conv2d (stride 2, same)',
    inputs: ins(rnd([2, 5, 5, 2]), rnd([3, 3, 2, 3])),
    op: (x, w) => ad.conv2d(x as never, w as never, { stride: 2, padding: 'same' }),
    reference: (x, w) => bind(conv2d(3, 3, { stride: 2, padding: 'same' }), x!).apply({ w, b: zeros([3], w!.dtype) }, x as never)[0].data,
    exact: true,
  },
  { name: 'maxPool2d', inputs: ins(rnd([2, 4, 4, 3])), op: (x) => ad.maxPool2d(x as never, 2), reference: (x) => bind(maxPool2d(2), x!).apply({}, x as never)[0].data, exact: true },
  {
    name: 'maxPool2d (3, stride 2, same)',
    inputs: ins(rnd([1, 5, 5, 2])),
    op: (x) => ad.maxPool2d(x as never, 3, { stride: 2, padding: 'same' }),
    reference: (x) => bind(maxPool2d(3, { stride: 2, padding: 'same' }), x!).apply({}, x as never)[0].data,
    exact: true,
  },
  { name: 'avgPool2d', inputs: ins(rnd([2, 4, 4, 3])), op: (x) => ad.avgPool2d(x as never, 2), reference: (x) => bind(avgPool2d(2), x!).apply({}, x as never)[0].data, exact: true },
  {
    name: 'avgPool2d (3, stride 2, same)',
    inputs: ins(rnd([1, 5, 5, 2])),
    op: (x) => ad.avgPool2d(x as never, 3, { stride: 2, padding: 'same' }),
    reference: (x) => bind(avgPool2d(3, { stride: 2, padding: 'same' }), x!).apply({}, x as never)[0].data,
    exact: true,
  },
]

describe('ad ops: forward equals the plain op', () => {
  describe.each(['float32', 'float64'] as const)('%s', (dtype) => {
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
      const xs = c.inputs(dtype)
      const before = xs.map(toArray)
      const y = c.op(...xs.map(ad.constant)).value
      const want = c.reference(...xs)
      expect(y.dtype).toBe(dtype)
      if (c.exact) expect(toArray(y)).toEqual(Array.from(want))
      else expect(maxRelDiff(y.data, want)).toBeLessThan(dtype === 'float64' ? 1e-14 : 1e-6)
      // Inputs are never written.
      expect(xs.map(toArray)).toEqual(before)
    })
  })
})

describe('ad ops: backward passes gradCheck in float64 (< 1e-6)', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_, c, i) => {
    const xs = c.inputs('float64')
    const report = checkVjp(c.op, xs, fold(key(7), i))
    expect(report.tensors.length).toBe(xs.length)
    expect(report.maxRelError).toBeLessThan(1e-6)
  })
  it.each(cases.map((c) => [c.name, c] as const))('%s: the backward pass writes into neither dy nor the inputs', (_, c) => {
    const xs = c.inputs('float64')
    const before = xs.map(toArray)
    const [y, back] = ad.vjp(c.op as (...v: ad.Var[]) => ad.Var, ...xs)
    const dy = uniform(key(9), [...y.shape], -1, 1, 'float64')
    const dyBefore = toArray(dy)
    const grads = back(dy)
    expect(grads.map((g) => g.shape)).toEqual(xs.map((x) => x.shape))
    expect([xs.map(toArray), toArray(dy)]).toEqual([before, dyBefore])
  })
})

describe('ad ops: run-time errors name the op, the argument and both shapes', () => {
  const a = zeros([2, 3]), b = zeros([2, 4])
  it.each([
    ['add', () => ad.add(a, b as never), 'add: a has shape [2,3] but b has shape [2,4]'],
    ['sub', () => ad.sub(a, b as never), 'sub: a has shape [2,3] but b has shape [2,4]'],
    ['mul', () => ad.mul(a, b as never), 'mul: a has shape [2,3] but b has shape [2,4]'],
    ['div', () => ad.div(a, b as never), 'div: a has shape [2,3] but b has shape [2,4]'],
    ['matmul', () => ad.matmul(a, b as never), 'matmul: a has shape [2,3] but b has shape [2,4] (inner dimensions 3 and 2 differ)'],
    ['addBias', () => ad.addBias(a, zeros([4]) as never), 'addBias: x has shape [2,3] but bias has shape [4]'],
    ['sum', () => ad.sum(a as never, 2 as never), 'sum: axis 2 is outside x of shape [2,3]'],
    ['expand', () => ad.expand(a, 3 as never, 2), 'expand: axis 3 is outside x of shape [2,3]'],
    ['reshape', () => ad.reshape(a, [4, 2]), 'reshape: x has shape [2,3] (6 elements) which cannot be viewed as [4,2]'],
    ['slice', () => ad.slice(a, 2, 5), 'slice: entries 2…5 are outside the last axis of x of shape [2,3]'],
    ['concat', () => ad.concat(a, zeros([3, 4]) as never), 'concat: a has shape [2,3] but b has shape [3,4] (they must agree but for the last axis)'],
    ['conv2d', () => ad.conv2d(zeros([1, 5, 5, 2]), zeros([3, 3, 1, 4]) as never), 'conv2d: x has shape [1,5,5,2] but w has shape [3,3,1,4] (channels 2 and 1 differ)'],
    ['maxPool2d', () => ad.maxPool2d(zeros([1, 2, 2, 1]), 3), "maxPool2d: 'valid' padding needs the 3×3 window to fit in the 2×2 input (use 'same' or a smaller kernel)"],
    ['exp', () => ad.exp(null as never), 'exp: a is null, not a tensor or a Var'],
    ['vjp', () => ad.vjp(() => zeros([1]) as never, a)[0], 'vjp: the function result is a tensor [1], not a Var (build it with the ops of ad)'],
    ['valueAndGrad', () => ad.valueAndGrad((p) => ad.exp(p.w) as never, { w: a }), 'valueAndGrad: the function returns shape [2,3] but a scalar [] was expected (reduce it with sumAll or meanAll)'],
  ] as const)('%s', (_, f, message) => {
    expect(f).toThrow(message)
  })
})

describe('ad ops: the check can fail', () => {
  it('a backward pass with the wrong sign is caught by the oracle', () => {
    const x = uniform(key(1), [2, 3], -1, 1, 'float64')
    // exp(2x − x) = exp(x), but with 2x's gradient stopped the analytic gradient is −exp(x).
    const wrong = (v: ad.Var) => ad.exp(ad.add(ad.stopGradient(ad.scale(v, 2)), ad.neg(v)))
    expect(checkVjp(wrong, [x], key(2)).maxRelError).toBeGreaterThan(1.9)
    expect(checkVjp((v) => ad.exp(v), [x], key(2)).maxRelError).toBeLessThan(1e-6)
  })
})

describe('ad ops: float32 inputs give float32 results and gradients', () => {
  it('matmul of float32 Vars', () => {
    const a = uniform(key(1), [2, 3]), b = uniform(key(2), [3, 2])
    const [y, back] = ad.vjp((p, q) => ad.matmul(p, q), a, b)
    const [da, db] = back(uniform(key(3), [2, 2]))
    expect([y.dtype, da.dtype, db.dtype]).toEqual(['float32', 'float32', 'float32'])
    expect(toArray(y)).toEqual(toArray(matmul(a, b)))
    expect(toArray(astype(da, 'float64')).length).toBe(6)
  })
  it('a tensor and a literal value mix as constants', () => {
    expect(toArray(ad.add(tensor([2], [1, 2]), ad.constant(tensor([2], [3, 4]))).value)).toEqual([4, 6])
  })
})
