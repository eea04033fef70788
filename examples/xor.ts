/**
 * XOR: the problem a single neuron cannot solve, solved by a 2-8-1 net with plain gradient steps
 * θ ← θ − α∇θ from a fixed seed.
 *
 * Run: `npm run example:xor`
 */
import { pipe } from 'fp-ts/lib/function.js'
import { andThen, binaryCrossEntropy, dense, key, scale, sigmoid, sub, tanh, tensor, valueAndGrad, zipTree } from '../src/index.js'

const x = tensor([4, 2], [0, 0, 0, 1, 1, 0, 1, 1])
const y = tensor([4, 1], [0, 1, 1, 0])

// The output layer is linear: binaryCrossEntropy applies the sigmoid itself, stably.
const net = pipe(dense(2, 8), andThen(tanh), andThen(dense(8, 1)))
const lossAndGrad = valueAndGrad(net, binaryCrossEntropy)

/** Trains on XOR and returns the final outputs σ(f(x)) and the accuracy in [0, 1]. */
export const trainXor = (seed = 42, steps = 2000, learningRate = 0.5, log: (line: string) => void = () => {}) => {
  let params = net.init(key(seed))
  for (let step = 1; step <= steps; step++) {
    const [loss, grads] = lossAndGrad(params, x, y)
    params = zipTree([params, grads], ([p, g]) => sub(p!, scale(g!, learningRate)))
    if (step % 500 === 0) log(`step ${step}  loss ${loss.toFixed(5)}`)
  }
  const outputs = Array.from(sigmoid.apply({}, net.apply(params, x)[0])[0].data)
  const accuracy = outputs.filter((p, i) => (p > 0.5 ? 1 : 0) === y.data[i]).length / 4
  return { outputs, accuracy }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { outputs, accuracy } = trainXor(42, 2000, 0.5, console.log)
  console.log(`outputs ${outputs.map((p) => p.toFixed(3)).join(' ')}  accuracy ${100 * accuracy}%`)
}
