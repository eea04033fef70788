import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { zeros } from '../../src/index.js'

// Simulates a disk failure in the middle of a save: the temp file has been written and synced,
// then the rename fails (e.g. EIO, or the process is out of quota).
const failing = vi.hoisted(() => ({ rename: false }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  return { ...fs, rename: (a: string, b: string) => (failing.rename ? Promise.reject(new Error('EIO: simulated disk failure')) : fs.rename(a, b)) }
})
const { saveCheckpoint } = await import('../../src/node/index.js')

describe('saveCheckpoint under a failing disk', () => {
  it('leaves the previous checkpoint intact and removes the temp file', async () => {
    const d = mkdtempSync(join(tmpdir(), 'tensorfold-fail-'))
    const p = join(d, 'ckpt.json')
    await saveCheckpoint(p, { w: zeros([2]), epoch: 1 })
    const before = readFileSync(p, 'utf8')
    failing.rename = true
    await expect(saveCheckpoint(p, { w: zeros([2]), epoch: 2 })).rejects.toThrow('EIO: simulated disk failure')
    failing.rename = false
    expect(readFileSync(p, 'utf8')).toBe(before)
    expect(readdirSync(d)).toEqual(['ckpt.json'])
  })
})
