import { describe, expect, it } from 'vitest'
import { ValueError } from '../../src/index.js'
import { mnistDataset, type MnistDigit } from '../../src/node/mnist.js'

// The bad-input matrix of the MNIST loader, fed fake digits in the `mnist` package's format:
// errors name the dataset row (from 0), the package's digit and image, and the pixel.

const image = (c: number, fill = 0.5) => ({ input: new Array(784).fill(fill), output: Array.from({ length: 10 }, (_, k) => (k === c ? 1 : 0)) })
const digit = (images: unknown[]): MnistDigit => ({ length: images.length, set: (a, b) => images.slice(a, b) })
const digits = (edit: (all: unknown[][]) => void = () => undefined): MnistDigit[] => {
  const all = Array.from({ length: 10 }, (_, c) => [image(c), image(c)])
  edit(all)
  return all.map(digit)
}

describe('mnistDataset (what loadMnist validates)', () => {
  it('good digits give [20, 784] float32 rows ordered by class', () => {
    const d = mnistDataset(digits())
    expect([d.x.shape, d.x.dtype, Array.from(d.y.data)]).toEqual([[20, 784], 'float32', [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9]])
  })
  const cases: [string, (all: any[][]) => void, string][] = [
    ['a pixel above 1', (all) => (all[1]![1].input[300] = 1.5), "row 3 (the package's digit 1, image 1), pixel 300 (line 10, column 20 of the 28×28 image) is 1.5, outside [0, 1]"],
    ['a negative pixel', (all) => (all[9]![0].input[0] = -0.25), "row 18 (the package's digit 9, image 0), pixel 0 (line 0, column 0 of the 28×28 image) is -0.25, outside [0, 1]"],
    ['a NaN pixel', (all) => (all[0]![1].input[783] = NaN), "row 1 (the package's digit 0, image 1), input[783]: NaN is not a finite number"],
    ['a short image', (all) => all[2]![0].input.pop(), "row 4 (the package's digit 2, image 0) has 783 inputs but 784 were expected"],
    ['an output that is not one-hot', (all) => (all[3]![1].output[5] = 1), "row 7 (the package's digit 3, image 1), output: [0,0,0,1,0,1,0,0,0,0] is not one-hot (entry 5 is 1)"],
    ['a digit without images', (all) => (all[4] = []), 'the mnist package has no images of digit 4'],
  ]
  for (const [name, edit, message] of cases) it(name, () => expect(() => mnistDataset(digits(edit))).toThrow(new ValueError('loadMnist', message)))
})
