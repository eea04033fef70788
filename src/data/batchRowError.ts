import { ShapeError } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'

// Losses and layers see a minibatch, so their errors say "label 1 is 5" or "at flat index 12" about
// the minibatch. A minibatch from `minibatches` knows the dataset row of each of its rows; this
// puts the dataset row into such a message.

/** The minibatch position a loss message names: `label <i> is`, or `at flat index <k>` with `width` values per row. */
const positionIn = (message: string, width: number): number | undefined => {
  const label = /\blabel (\d+) is\b/.exec(message)
  if (label !== null) return Number(label[1])
  const flat = /\bat flat index (\d+)\b/.exec(message)
  if (flat !== null && width > 0) return Math.floor(Number(flat[1]) / width)
  return undefined
}

/**
 * The error `err` thrown while training on a minibatch, with the dataset row added when its
 * message names a minibatch position: `softmaxCrossEntropy: label 1 is 5 but logits has 3 classes
 * (minibatch row 1 is dataset row 4711)`. `rows` is the minibatch's `rows`, `width` the number of
 * values per row of the tensors the loss checks (the network's output size). Other errors, and
 * errors of other kinds, are returned unchanged.
 *
 * @example
 * try { stepFn(state, batch, key(0)) } catch (e) { throw batchRowError(e, batch.rows, numel(net.outShape)) }
 */
export const batchRowError = (err: unknown, rows: Int32Array, width: number): unknown => {
  if (!(err instanceof ValueError || err instanceof ShapeError)) return err
  const message = err.message.slice(err.op.length + 2)
  const i = positionIn(message, width)
  if (i === undefined || i >= rows.length) return err
  const note = `${message} (minibatch row ${i} is dataset row ${rows[i]})`
  const out = err instanceof ValueError ? new ValueError(err.op, note) : new ShapeError(err.op, note)
  return Object.assign(out, { cause: err })
}
