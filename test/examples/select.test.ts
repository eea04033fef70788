import { describe, expect, it } from 'vitest'
import { runSelect } from '../../examples/select.js'

describe('examples/select', () => {
  it('selects the trial with the lowest validation error and tests only that one', () => {
    const lines: string[] = []
    const { search, testError } = runSelect({ trials: 3, epochs: 2, digits: 1500, log: (l) => lines.push(l) })
    expect(search.trials.length).toBe(3)
    expect(search.best.score).toBe(Math.min(...search.trials.map((t) => t.score)))
    expect(search.best.score).toBe(search.best.result.best.score)
    expect(testError).toBeGreaterThan(0)
    expect(testError).toBeLessThan(0.3)
    expect(lines.filter((l) => l.startsWith('its test error')).length).toBe(1)
  })
})
