import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { decodeBase64 } from '../../src/internal/base64.js'
import { wasmAdamBase64 } from '../../src/kernels/wasmAdamBinary.js'
import { adamF32 } from '../../src/kernels/wasmAdam.js'
import { wasmBase64 } from '../../src/kernels/wasmBinary.js'
import { lcgWide } from '../util/lcg.js'

// The wasm SIMD Adam step against the JS loop it replaces (the float32 loop of fusedAdam), bit for bit.

type F = Float32Array
const ref = (g: F, p: F, m: F, v: F, [B1, B2, A1, A2, S1, S2, E, c]: readonly number[]): [F, F, F] => {
  const n = g.length, po = new Float32Array(n), mo = new Float32Array(n), vo = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const gi = g[i]!
    const mi = B1! * m[i]! + A1! * gi
    const vi = B2! * v[i]! + A2! * gi * gi
    mo[i] = mi
    vo[i] = vi
    po[i] = p[i]! + Math.fround(c! * Math.fround((mi * S1!) / (Math.sqrt(vi * S2!) + E!)))
  }
  return [po, mo, vo]
}
const rand = lcgWide // magnitudes over 12 decades
const u32 = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length))

describe('wasm Adam kernel', () => {
  it.each([1, 2, 3, 8, 1001, 20_000])('n = %i: same bits as the JS loop, over 3 steps', (n) => {
    let p: F = rand(n, 1, 2), m: F = new Float32Array(n), v: F = new Float32Array(n)
    let rp = p, rm = m, rv = v
    for (let t = 1; t <= 3; t++) {
      const g = rand(n, 10 + t, 4)
      if (n > 3) g.set([0, -0, 1e-40, 3e38], 0) // zero, subnormal and huge gradients
      const k = [0.9, 0.999, 0.1, 1 - 0.999, 1 / (1 - 0.9 ** t), 1 / (1 - 0.999 ** t), 1e-8, -1e-3] as const
      const po = new Float32Array(n), mo = new Float32Array(n), vo = new Float32Array(n)
      const gBefore = u32(g), pBefore = u32(p)
      expect(adamF32(g, p, m, v, po, mo, vo, ...k)).toBe(true)
      ;[rp, rm, rv] = ref(g, rp, rm, rv, k)
      expect(u32(po)).toEqual(u32(rp))
      expect(u32(mo)).toEqual(u32(rm))
      expect(u32(vo)).toEqual(u32(rv))
      expect(u32(g)).toEqual(gBefore)
      expect(u32(p)).toEqual(pBefore)
      ;[p, m, v] = [po, mo, vo]
    }
  })
  it('both wasm modules stay below the 4 KB browsers allow for synchronous compilation', () => {
    expect(decodeBase64(wasmAdamBase64).length).toBeLessThan(4096)
    expect(decodeBase64(wasmBase64).length).toBeLessThan(4096)
  })
  it('the committed binary is what `npm run build:wasm` produces from src/kernels/assembly/adam.ts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorfold-wasm-adam-'))
    try {
      const src = (rel: string) => fileURLToPath(new URL(`../../src/kernels/${rel}`, import.meta.url))
      const [out, adamOut] = [join(dir, 'wasmBinary.ts'), join(dir, 'wasmAdamBinary.ts')]
      execFileSync(process.execPath, [src('assembly/build.mjs'), '--out', out, '--adam-out', adamOut], { stdio: 'pipe' })
      const b64 = (text: string) => /wasmAdamBase64 =\s*'([^']*)'/.exec(text)?.[1]
      const fresh = b64(readFileSync(adamOut, 'utf8'))
      expect(fresh).toBeTruthy()
      expect(b64(readFileSync(src('wasmAdamBinary.ts'), 'utf8'))).toBe(fresh)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 20_000)
})
