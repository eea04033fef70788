import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ad, fold, gradCheck, key, normal, uniform, type GradCheckReport, type Key, type Tensor } from '../../src/index.js'

// Property: random compositions of the ops of `ad` (random depth, shapes and op choice) have
// gradients that agree with central finite differences in float64, to 1e-6. A composition is a
// program: a list of steps, each an op applied to earlier results (or to fresh params of the shape
// the op needs), interpreted twice: once to make the params, once inside gradCheck.

const OPS = ['unary', 'binary', 'matmul', 'reduce', 'expand', 'reshape', 'transpose', 'slice', 'concat', 'softmax', 'addBias', 'conv', 'pool'] as const
type Op = (typeof OPS)[number]
interface Step {
  readonly op: Op
  readonly i: number
  readonly j: number
  readonly n: number
  readonly flag: boolean
}
interface Program {
  readonly inputs: readonly (readonly [number, number])[]
  readonly steps: readonly Step[]
  readonly seed: number
}

type V = ad.Var
type V2 = ad.Var<[number, number]>
type V1 = ad.Var<[number]>

/** Runs a program; `param(shape)` gives the next param (made on the first run, a Var in gradCheck's). */
const run = (p: Program, param: (shape: readonly number[]) => ad.VarLike, k: Key): ad.Var => {
  const pool: V[] = p.inputs.map((s) => param(s) as V2)
  const as2 = (v: V): V2 => (v.shape.length === 2 ? (v as V2) : ad.reshape(v, [1, v.shape[0]!]))
  const last = (v: V) => v.shape[v.shape.length - 1]!
  const positive = (v: V) => ad.addScalar(ad.square(v), 0.5)
  p.steps.forEach((s, t) => {
    const a = pool[s.i % pool.length]!
    const b = pool[s.j % pool.length]!
    const same = (want: readonly number[]) => (b.shape.length === want.length && b.shape.every((d, q) => d === want[q]) ? b : (param(want) as V))
    const n = 1 + (s.n % 3)
    let out: V
    switch (s.op) {
      case 'unary': {
        const fs = [
          (v: V) => ad.exp(ad.tanh(v)), (v: V) => ad.tanh(v), (v: V) => ad.sigmoid(v), (v: V) => ad.relu(v), (v: V) => ad.abs(v),
          (v: V) => ad.square(v), (v: V) => ad.log(positive(v)), (v: V) => ad.sqrt(positive(v)), (v: V) => ad.recip(positive(v)),
          (v: V) => ad.neg(v), (v: V) => ad.scale(v, 0.7), (v: V) => ad.addScalar(v, -0.3),
        ]
        out = fs[s.n % fs.length]!(a) as V
        break
      }
      case 'binary': {
        const c = same(a.shape)
        const fs = [() => ad.add(a, c), () => ad.sub(a, c), () => ad.mul(a, c), () => ad.div(a, positive(c))]
        out = fs[s.n % fs.length]!() as V
        break
      }
      case 'matmul': {
        const x = as2(a)
        const [r, c] = x.shape
        out = s.n % 3 === 0 ? ad.matmul(x, same([c, n]) as V2) : s.n % 3 === 1 ? ad.matmulTN(x, same([r, n]) as V2) : ad.matmulNT(x, same([n, c]) as V2)
        break
      }
      case 'reduce':
        out = a.shape.length === 1
          ? (s.flag ? ad.sum(ad.expand(a as V1, 0, n), 0) : ad.mean(ad.expand(a as V1, -1, n), -1))
          : s.flag ? (s.n % 2 === 0 ? ad.sum(a as V2, 0) : ad.sum(a as V2, -1)) : s.n % 2 === 0 ? ad.mean(a as V2, 0) : ad.mean(a as V2, 1)
        break
      case 'expand': {
        const v = a.shape.length === 1 ? (a as V1) : ad.reshape(a, [a.shape[0]! * last(a)])
        out = s.flag ? ad.expand(v, 0, n) : ad.expand(v, -1, n)
        break
      }
      case 'reshape':
        if (a.shape.length === 1) out = ad.reshape(a, s.flag ? [1, last(a)] : [last(a), 1])
        else out = s.flag ? ad.reshape(a, [last(a), a.shape[0]!]) : s.n % 2 === 0 ? ad.reshape(a, [a.shape[0]! * last(a)]) : ad.flatten(a as V2)
        break
      case 'transpose':
        out = ad.transpose(as2(a))
        break
      case 'slice': {
        const w = last(a)
        const start = s.n % w, end = start + 1 + (s.j % (w - start))
        out = ad.slice(a as V2, start, end)
        break
      }
      case 'concat': {
        const lead = a.shape.slice(0, -1)
        const c = same([...lead, n]) as V2
        out = s.flag ? ad.concat(a as V2, c) : ad.concat(c, a as V2)
        break
      }
      case 'softmax':
        out = s.flag ? ad.softmax(a) : ad.logSoftmax(a)
        break
      case 'addBias':
        out = ad.addBias(a as V2, same([last(a)]) as V1)
        break
      case 'conv': {
        const [r, c] = as2(a).shape
        const kk = 1 + (s.n % 2), f = 1 + (s.j % 2)
        const padding = s.flag || r < kk || c < kk ? 'same' : 'valid'
        const y = ad.conv2d(ad.reshape(a, [1, r, c, 1]), param([kk, kk, 1, f]) as never, { stride: 1 + (s.n % 3 === 2 ? 1 : 0), padding })
        out = ad.reshape(y, [y.shape[1], y.shape[2] * y.shape[3]])
        break
      }
      case 'pool': {
        const [r, c] = as2(a).shape
        // NOTE: distinct values in every window (a fixed jitter), so that no maximum is a tie.
        const x = ad.add(ad.reshape(a, [1, r, c, 1]), uniform(fold(k, t), [1, r, c, 1], -1, 1, 'float64'))
        const y = s.flag ? ad.maxPool2d(x, 2, { padding: 'same' }) : ad.avgPool2d(x, 2, { padding: 'same' })
        out = ad.reshape(y, [y.shape[1], y.shape[2]])
        break
      }
    }
    pool.push(out)
  })
  return pool[pool.length - 1]!
}

const dim = fc.integer({ min: 1, max: 4 })
const program: fc.Arbitrary<Program> = fc.record({
  inputs: fc.array(fc.tuple(dim, dim), { minLength: 1, maxLength: 3 }),
  steps: fc.array(
    fc.record({ op: fc.constantFrom(...OPS), i: fc.nat(8), j: fc.nat(8), n: fc.nat(11), flag: fc.boolean() }),
    { minLength: 1, maxLength: 8 },
  ),
  seed: fc.nat(1000),
})

/**
 * A report passes when every param tensor's gradient agrees to 1e-6 relative to its largest entry.
 * NOTE: where the exact gradient is zero (a bias before a softmax over the axis it shifts: softmax
 * does not change), both sides are rounding noise (~1e-11) and their relative error is meaningless;
 * such a tensor passes when its absolute error is below 1e-8.
 */
const passes = (r: GradCheckReport): boolean => r.tensors.every((t) => t.maxRelError < 1e-6 || t.maxAbsError < 1e-8)

/** The params a program makes (float64 normal), and the gradient check of Σ y ⊙ R over all of them. */
const check = (p: Program) => {
  const k = key(p.seed)
  const params: Tensor[] = []
  run(p, (shape) => (params.push(normal(fold(k, 1000 + params.length), shape, 0, 1, 'float64')), params[params.length - 1]!), k)
  const withParams = (ps: readonly ad.Var[]) => {
    let i = 0
    return run(p, () => ps[i++]!, k)
  }
  const y0 = withParams(params.map(ad.constant))
  const r = normal(fold(k, 1), [...y0.shape], 0, 1, 'float64')
  const report = gradCheck((ps: readonly Tensor[]) => ad.valueAndGrad((vs) => ad.sumAll(ad.mul(withParams(vs), r)), ps), params)
  return { report, params, y0 }
}

describe('random compositions of ad ops', () => {
  it('pass gradCheck in float64 (< 1e-6) for random depth, shapes and ops', () => {
    let ops = 0, tensors = 0, byAbsolute = 0
    fc.assert(
      fc.property(program, (p) => {
        const { report, params } = check(p)
        ops += p.steps.length
        tensors += report.tensors.length
        byAbsolute += report.tensors.filter((t) => t.maxRelError >= 1e-6).length
        expect(report.tensors.length).toBe(params.length)
        expect(passes(report), JSON.stringify(report)).toBe(true)
      }),
      { numRuns: 300, seed: 20240611 },
    )
    expect(ops).toBeGreaterThan(300) // the runs did compose ops
    expect(byAbsolute / tensors).toBeLessThan(0.05) // and nearly every gradient was checked relatively
  }, 60_000)

  it('every op kind occurs, at depths up to 8', () => {
    const seen = new Set<Op>()
    fc.sample(program, { numRuns: 300, seed: 20240611 }).forEach((p) => p.steps.forEach((s) => seen.add(s.op)))
    expect([...seen].sort()).toEqual([...OPS].sort())
  })
})
