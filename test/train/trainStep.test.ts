import { describe, expect, it } from 'vitest'
import {
  adam, andThen, chain, dense, key, labels, momentum, pipe, relu, scaleByAdam, scaleByLearningRate, sgd, softmaxCrossEntropy, tensor, trace, trainStep,
  type GradientTransformation,
} from '../../src/index.js'

// trainStep through the named optimizers' one-pass path gives the same bits, losses and state as
// through the hand-built chains (which have no fast path).

const net = pipe(dense(6, 5), andThen(relu), andThen(dense(5, 3)))
const batch = (seed: number) => {
  const xs: number[] = []
  let s = seed
  for (let i = 0; i < 4 * 6; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    xs.push(s / 2 ** 31 - 1)
  }
  return { x: tensor([4, 6], xs), y: labels([0, 2, 1, 2], 3) }
}
const run = (opt: GradientTransformation<unknown>) => {
  const f = trainStep(net, softmaxCrossEntropy, opt)
  const params = net.init(key(0))
  let state: Parameters<typeof f>[0] = { params, opt: opt.init(params), netState: undefined }
  const losses: number[] = []
  for (let t = 0; t < 5; t++) {
    const [next, loss] = f(state, batch(t + 1), key(t))
    state = next
    losses.push(loss)
  }
  return { losses, state: JSON.stringify(state, (_k, v: unknown) => (v instanceof Float32Array ? Array.from(new Uint32Array(v.buffer)) : v)) }
}

describe('trainStep with the fused optimizers', () => {
  it.each([
    ['adam', () => adam(1e-2), () => chain(scaleByAdam(), scaleByLearningRate(1e-2))],
    ['sgd', () => sgd(0.1), () => chain(scaleByLearningRate(0.1))],
    ['momentum', () => momentum(0.1), () => chain(trace(0.9), scaleByLearningRate(0.1))],
  ] as const)('%s: same losses, params and state bits as the unfused chain', (_name, fusedOpt, handOpt) => {
    expect(fusedOpt().updateAndApply).toBeDefined()
    const a = run(fusedOpt() as GradientTransformation<unknown>), b = run(handOpt() as GradientTransformation<unknown>)
    expect(a.losses).toEqual(b.losses)
    expect(a.state).toEqual(b.state)
    expect(a.losses[4]).not.toEqual(a.losses[0])
  })
})
