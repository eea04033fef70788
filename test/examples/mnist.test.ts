import { pipe } from 'fp-ts/lib/function.js'
import { describe, expect, it } from 'vitest'
import { adam, andThen, dense, evaluate, initOptimizer, key, relu, softmaxCrossEntropy, take, trainStep, type StepState } from '../../src/index.js'
import { loadMnist } from '../../src/node/index.js'
import { runMnist } from '../../examples/mnist.js'

describe('examples/mnist', () => {
  it('the 784-256-128-10 MLP overfits 50 training digits to 100% training accuracy (the debugging check)', () => {
    const fifty = take(loadMnist(), Int32Array.from({ length: 50 }, (_, i) => i * 199))
    const net = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 128)), andThen(relu), andThen(dense(128, 10)))
    const stepFn = trainStep(net, softmaxCrossEntropy, adam(1e-3))
    const params = net.init(key(0))
    let state: StepState<typeof params, ReturnType<ReturnType<typeof adam>['init']>, ReturnType<typeof net.initState>> = {
      ...initOptimizer(adam(1e-3), params),
      netState: undefined,
    }
    expect(evaluate(net, softmaxCrossEntropy, params, fifty).error).toBeGreaterThan(0.5)
    for (let i = 0; i < 60; i++) state = stepFn(state, fifty, key(i))[0]
    expect(evaluate(net, softmaxCrossEntropy, state.params, fifty).error).toBe(0)
  })

  it('the same seed gives the same accuracy and bit-identical final params', () => {
    const a = runMnist({ epochs: 2 })
    const b = runMnist({ epochs: 2 })
    expect(a.sizes).toEqual({ train: 7000, validation: 1000, test: 2000 })
    expect(b.accuracy).toBe(a.accuracy)
    expect(b.state.params).toEqual(a.state.params)
  })

  it('npm start’s full run reaches at least 95% test accuracy on the held-out digits', () => {
    const { accuracy, state } = runMnist()
    expect(state.best.epoch).toBeGreaterThan(1)
    expect(accuracy).toBeGreaterThanOrEqual(0.95)
  }, 240_000)
})
