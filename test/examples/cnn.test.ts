import { describe, expect, it } from 'vitest'
import { runCnn } from '../../examples/cnn.js'

describe('examples/cnn', () => {
  it('the same seed gives the same accuracy and bit-identical params', () => {
    const a = runCnn({ epochs: 1 })
    const b = runCnn({ epochs: 1 })
    expect(a.sizes).toEqual({ train: 7000, validation: 1000, test: 2000 })
    expect(b.accuracy).toBe(a.accuracy)
    expect(b.state.params).toEqual(a.state.params)
  }, 120_000)

  it("npm run example:cnn’s full run reaches at least 98.0% on the held-out digits", () => {
    const { accuracy, state } = runCnn()
    expect(state.best.epoch).toBeGreaterThan(3)
    expect(accuracy).toBeGreaterThanOrEqual(0.98)
  }, 300_000)
})
