import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import {
  andThen, batchNorm, conv2d, decodeCheckpoint, dense, encodeCheckpoint, evaluate, exactBatchNormStatistics, flatten, input, key, labels,
  maxPool2d, normal, pipe, relu, softmaxCrossEntropy, valueAndGrad,
} from '../../src/index.js'

// The library's other tools on a small convolutional network: evaluate, checkpoints and the
// exact batch-norm statistics (per channel on [H, W, C]).
const net = pipe(
  input([8, 8, 2]),
  andThen(conv2d(3, 4, { padding: 'same' })), andThen(batchNorm(4)), andThen(relu), andThen(maxPool2d(2)),
  andThen(flatten), andThen(dense(64, 3)),
)
const x = normal(key(1), [6, 8, 8, 2])
const y = labels([0, 1, 2, 0, 1, 2], 3)

describe('a small CNN with the rest of the library', () => {
  it('evaluates and differentiates', () => {
    const params = net.init(key(0))
    const e = evaluate(net, softmaxCrossEntropy, params, { x, y })
    expect(Number.isFinite(e.loss)).toBe(true)
    const [loss, grads] = valueAndGrad(net, softmaxCrossEntropy)(params, x, y, { training: true, state: net.initState() })
    expect(loss).toBeCloseTo(e.loss, 0)
    expect(grads[1].w.shape).toEqual([3, 3, 2, 4])
  })
  it('round-trips its params through a checkpoint bit-exactly, and refuses another architecture naming the path', () => {
    const params = net.init(key(0))
    const back = decodeCheckpoint(encodeCheckpoint({ params }), { params: net.init(key(5)) })
    expect(E.isRight(back) && back.right.params).toEqual(params)
    const other = pipe(input([8, 8, 2]), andThen(conv2d(3, 5, { padding: 'same' })), andThen(batchNorm(5)), andThen(relu), andThen(maxPool2d(2)), andThen(flatten), andThen(dense(80, 3)))
    const wrong = decodeCheckpoint(encodeCheckpoint({ params }), { params: other.init(key(0)) })
    expect(E.isLeft(wrong) && wrong.left.message).toContain('[3,3,2,4]')
  })
  it('computes exact batch-norm statistics per channel over batch and both spatial axes', () => {
    const params = net.init(key(0))
    const state = exactBatchNormStatistics(net, params, x)
    const h = net.layers[1]!.apply(params[1], x)[0] as { data: Float32Array }
    const n = h.data.length / 4
    for (let c = 0; c < 4; c++) {
      let m = 0
      for (let i = 0; i < n; i++) m += h.data[i * 4 + c]!
      m /= n
      let v = 0
      for (let i = 0; i < n; i++) v += (h.data[i * 4 + c]! - m) ** 2
      v /= n - 1
      expect(state[2]!.mean.data[c]).toBeCloseTo(m, 5)
      expect(state[2]!.variance.data[c]).toBeCloseTo(v, 4)
    }
  })
})
