import { ValueError } from '../shape/ValueError.js'

// Standard base64 (RFC 4648 §4) with '=' padding, in plain TypeScript so that it runs in browsers.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const ENC = new Uint8Array(64)
const DEC = new Int16Array(256).fill(-1)
for (let i = 0; i < 64; i++) {
  ENC[i] = ALPHABET.charCodeAt(i)
  DEC[ALPHABET.charCodeAt(i)] = i
}
const PAD = 61 // '='

/**
 * The base64 text of `bytes` (standard alphabet, padded).
 *
 * @example
 * encodeBase64(new Uint8Array([1, 2, 3])) // 'AQID'
 */
export const encodeBase64 = (bytes: Uint8Array): string => {
  const n = bytes.length
  const out = new Uint8Array(Math.ceil(n / 3) * 4)
  let o = 0
  let i = 0
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!
    out[o++] = ENC[v >>> 18]!
    out[o++] = ENC[(v >>> 12) & 63]!
    out[o++] = ENC[(v >>> 6) & 63]!
    out[o++] = ENC[v & 63]!
  }
  if (i < n) {
    const two = i + 1 < n
    const v = (bytes[i]! << 16) | (two ? bytes[i + 1]! << 8 : 0)
    out[o++] = ENC[v >>> 18]!
    out[o++] = ENC[(v >>> 12) & 63]!
    out[o++] = two ? ENC[(v >>> 6) & 63]! : PAD
    out[o++] = PAD
  }
  // NOTE: the output is ASCII, so decoding it as UTF-8 is exact and much faster than joining chars.
  return new TextDecoder().decode(out)
}

/**
 * The bytes of padded standard base64 text. Strict: any character outside the alphabet, a length
 * that is not a multiple of 4, or misplaced padding is an error (never silently skipped).
 *
 * @throws ValueError naming the first bad character or the bad length.
 * @example
 * decodeBase64('AQID') // Uint8Array [1, 2, 3]
 */
export const decodeBase64 = (s: string): Uint8Array<ArrayBuffer> => {
  if (s.length % 4 !== 0) throw new ValueError('decodeBase64', `text has length ${s.length}, which is not a multiple of 4`)
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0
  const out = new Uint8Array((s.length / 4) * 3 - pad)
  let o = 0
  for (let i = 0; i < s.length; i += 4) {
    let v = 0
    for (let k = 0; k < 4; k++) {
      const c = s.charCodeAt(i + k)
      const d = c < 256 ? DEC[c]! : -1
      const isPad = c === PAD && i + 4 === s.length && k >= 4 - pad
      if (d < 0 && !isPad) throw new ValueError('decodeBase64', `character ${JSON.stringify(s[i + k])} at position ${i + k} is not base64`)
      v = (v << 6) | (isPad ? 0 : d)
    }
    out[o++] = v >>> 16
    if (o < out.length) out[o++] = (v >>> 8) & 255
    if (o < out.length) out[o++] = v & 255
  }
  return out
}
