import { describe, expect, it } from 'vitest'
import { trainXor } from '../../examples/xor.js'

describe('examples/xor', () => {
  it('reaches 100% accuracy on XOR from a fixed seed, bit-identically twice', () => {
    const a = trainXor(42)
    expect(a.accuracy).toBe(1)
    expect(a.outputs).toEqual(trainXor(42).outputs)
  })
})
