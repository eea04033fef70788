import { describe, expect, it } from 'vitest'
import { key, leaves } from '../../src/index.js'
import { networks, runResidual } from '../../examples/residual.js'

describe('examples/residual', () => {
  it('the residual and the plain network have the same layers and params, and differ only by the skips', () => {
    const { residual, plain } = networks(8)
    expect(residual.name).toBe('dense(784→8) → relu → residual(dense(8→8) → relu → dense(8→8)) → relu → residual(dense(8→8) → relu → dense(8→8)) → relu → residual(dense(8→8) → relu → dense(8→8)) → relu → dense(8→10)')
    expect(plain.name).toBe('dense(784→8) → relu → dense(8→8) → relu → dense(8→8) → relu → dense(8→8) → relu → dense(8→8) → relu → dense(8→8) → relu → dense(8→8) → relu → dense(8→10)')
    const count = (params: unknown) => leaves(params).reduce((n, l) => n + l.tensor.data.length, 0)
    expect(count(residual.init(key(0)))).toBe(count(plain.init(key(0))))
    expect(count(plain.init(key(0)))).toBe(784 * 8 + 8 + 6 * (8 * 8 + 8) + 8 * 10 + 10)
  })

  it('a short run: both networks learn (far above the 10% of chance), and the same seed gives the same bits', () => {
    const lines: string[] = []
    const a = runResidual({ epochs: 1, log: (l) => lines.push(l) })
    const b = runResidual({ epochs: 1 })
    expect(a.sizes).toEqual({ train: 7000, validation: 1000, test: 2000 })
    expect(a.residual.accuracy).toBeGreaterThan(0.85)
    expect(a.plain.accuracy).toBeGreaterThan(0.85)
    expect(a.residual.state.history[0]!.trainLoss).toBeLessThan(Math.log(10) / 2)
    expect(b.residual.accuracy).toBe(a.residual.accuracy)
    expect(b.plain.accuracy).toBe(a.plain.accuracy)
    expect(b.residual.state.params).toEqual(a.residual.state.params)
    expect(b.plain.state.params).toEqual(a.plain.state.params)
    // The printed summary: both test accuracies and the final losses of both training curves.
    const table = lines.slice(lines.findIndex((l) => l.startsWith('network')))
    expect(table[0]).toMatch(/train loss: epoch 1 +final +final validation loss +test accuracy/)
    expect(table[1]).toContain(`${(100 * a.residual.accuracy).toFixed(2)}%`)
    expect(table[2]).toContain(`${(100 * a.plain.accuracy).toFixed(2)}%`)
  }, 120_000)
})
