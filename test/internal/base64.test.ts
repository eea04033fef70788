import { describe, expect, it } from 'vitest'
import { decodeBase64, encodeBase64 } from '../../src/internal/base64.js'
import { key, uniform } from '../../src/index.js'

const randomBytes = (seed: number, n: number): Uint8Array => Uint8Array.from(uniform(key(seed), [n], 0, 256, 'float64').data, Math.floor)

describe('base64', () => {
  it('round-trips random bytes of every length 0..40 and matches Node', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = randomBytes(n, n)
      const s = encodeBase64(bytes)
      expect(s).toBe(Buffer.from(bytes).toString('base64'))
      expect(decodeBase64(s)).toEqual(bytes)
    }
  })
  it('encodes every byte value and a large array', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(encodeBase64(all)).toBe(Buffer.from(all).toString('base64'))
    const big = randomBytes(99, 100_003)
    expect(decodeBase64(encodeBase64(big))).toEqual(big)
  })
  it('encodes a view without the rest of its buffer', () => {
    const buf = Uint8Array.of(9, 1, 2, 3, 9)
    expect(encodeBase64(buf.subarray(1, 4))).toBe('AQID')
  })
  it('rejects malformed text instead of skipping characters', () => {
    expect(() => decodeBase64('AQI')).toThrow('decodeBase64: text has length 3, which is not a multiple of 4')
    expect(() => decodeBase64('AQ!D')).toThrow('decodeBase64: character "!" at position 2 is not base64')
    expect(() => decodeBase64('A=ID')).toThrow('decodeBase64: character "=" at position 1 is not base64')
    expect(() => decodeBase64('AQ==AQID')).toThrow('decodeBase64: character "=" at position 2 is not base64')
    expect(() => decodeBase64('AQI\u00e9')).toThrow('position 3')
  })
})
