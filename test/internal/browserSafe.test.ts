import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The core must run in a browser: no Node-only imports under src/ except the Node entry (src/node/)
// and the offline wasm build script.
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? files(p) : [p]
  })

describe('src/ core', () => {
  it('imports no Node-only module outside src/node', () => {
    const offenders = files('src')
      .filter((f) => f.endsWith('.ts') && !f.startsWith(join('src', 'node')) && !f.includes(join('kernels', 'assembly')))
      .filter((f) => /from '(node:|fs|path|os|worker_threads|child_process)/.test(readFileSync(f, 'utf8')) || /\bprocess\.|\bBuffer\./.test(readFileSync(f, 'utf8')))
    expect(offenders).toEqual([])
  })
})
