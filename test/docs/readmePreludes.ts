// Preludes of the README's fragments (`<!-- fragment: NAME -->`): what a block uses but does not
// define (data, the network of an earlier block), as real values: real API, no `declare`, no casts.
// A block's own imports are merged with these. Where the README trains on the 7,000 / 1,000 / 2,000
// split, a prelude that is run takes a smaller split of the same digits, so the block runs in seconds.

const mlp = `
import { andThen, dense, pipe, relu } from 'tensorfold'
const mlp = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))
`

// Small real splits of the MNIST digits the 'mnist' package ships.
const splits = `
import { key, splitData } from 'tensorfold'
import { loadMnist } from 'tensorfold/node'
const { train, validation, test } = splitData(key(0), loadMnist(), { train: 128, validation: 64, test: 64 })
`

const config = `${splits}
import { adam, andThen, dense, fit, fitAsync, pipe, relu, softmaxCrossEntropy } from 'tensorfold'
const config = { net: pipe(dense(784, 32), andThen(relu), andThen(dense(32, 10))), loss: softmaxCrossEntropy, optimizer: adam(1e-3), batchSize: 64, epochs: 2, key: key(1) }
`

export const readmePreludes: Readonly<Record<string, string>> = {
  grads: `${mlp}
import { key, labels, softmaxCrossEntropy, uniform, valueAndGrad } from 'tensorfold'
const params = mlp.init(key(0))
const lossAndGrad = valueAndGrad(mlp, softmaxCrossEntropy)
const gradsList = [1, 2, 3].map((i) => lossAndGrad(params, uniform(key(i), [4, 784]), labels([3, 1, 4, 1], 10))[1])
`,
  mnist: `${mlp}
import { loadMnist } from 'tensorfold/node'
const data = loadMnist()
`,
  splits,
  config,
  trained: `${config}
const state = fit(config, train, validation)
`,
}
