import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it, vi } from 'vitest'
import { encodeCheckpoint, zeros } from '../../src/index.js'

// The bad-input matrix of checkpoint files: failing disks, interrupted saves, damaged files. Errors
// name the target path (never a temporary file) and, for a bad file, the field in it.

const failing = vi.hoisted(() => ({ write: false }))
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>()
  const open: typeof fs.open = async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args)
    if (!failing.write) return handle
    // A disk that fills up half-way through the write.
    return Object.assign(Object.create(handle) as typeof handle, {
      writeFile: async (text: string) => {
        await handle.writeFile(text.slice(0, 10))
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${String(args[0])}'`), { code: 'ENOSPC' })
      },
      close: () => handle.close(),
    })
  }
  return { ...fs, open }
})
const { loadCheckpoint, saveCheckpoint } = await import('../../src/node/index.js')

const dir = () => mkdtempSync(join(tmpdir(), 'tensorfold-bad-'))
const template = () => ({ w: zeros([2]), epoch: 0 })
/** A process id that no longer exists: a child that has exited. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!
const tempOf = (name: string, pid: number) => `.${name}.${pid}.0b7e4c2a-3f1d-4e5a-9c8b-7a6d5e4f3a2b.tmp`

describe('saveCheckpoint: failures name the target and leave nothing behind', () => {
  it('a disk that fills up mid-write: the previous file is intact, no temporary file is left, the error names the target', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    await saveCheckpoint(p, { w: zeros([2]), epoch: 1 })
    const before = readFileSync(p, 'utf8')
    failing.write = true
    const err = await saveCheckpoint(p, { w: zeros([2]), epoch: 2 }).then(() => undefined, (e: Error) => e)
    failing.write = false
    expect(err?.message).toBe(`saveCheckpoint: cannot write '${p}' (ENOSPC: no space left on device)`)
    expect(err?.message).not.toMatch(/\.tmp/)
    expect(readFileSync(p, 'utf8')).toBe(before)
    expect(readdirSync(d)).toEqual(['ckpt.json'])
  })
  it('a missing directory', async () => {
    const p = join(dir(), 'missing', 'ckpt.json')
    await expect(saveCheckpoint(p, template())).rejects.toThrow(`saveCheckpoint: cannot create a temporary file for '${p}' (ENOENT: no such file or directory)`)
  })
  it('a directory in the way of the rename', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    mkdirSync(p)
    const err = await saveCheckpoint(p, template()).then(() => undefined, (e: Error) => e)
    expect(err?.message).toMatch(new RegExp(`^saveCheckpoint: cannot rename the written file to '${p.replace(/[.\\]/g, '\\$&')}' \\(E[A-Z]+: `))
    expect(err?.message).not.toMatch(/\.tmp/)
    expect(readdirSync(d)).toEqual(['ckpt.json'])
  })
  it('a payload that cannot be saved writes nothing', async () => {
    const d = dir()
    await expect(saveCheckpoint(join(d, 'c.json'), { w: zeros([2]), epoch: -1 })).rejects.toThrow('encodeCheckpoint: at epoch the counter is -1')
    expect(readdirSync(d)).toEqual([])
  })
  it('concurrent saves to one path use distinct temporary files and leave one whole checkpoint', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    await Promise.all([1, 2, 3, 4].map((epoch) => saveCheckpoint(p, { w: zeros([2]), epoch })))
    expect(readdirSync(d)).toEqual(['ckpt.json'])
    const r = await loadCheckpoint(p, template())
    expect(E.isRight(r) && [1, 2, 3, 4].includes(r.right.epoch)).toBe(true)
  })
})

describe('temporary files of interrupted saves', () => {
  it('a save removes those whose process is gone, and keeps those of a live process', async () => {
    const d = dir()
    const stale = tempOf('ckpt.json', deadPid())
    const live = tempOf('ckpt.json', process.ppid)
    const other = tempOf('other.json', deadPid())
    for (const n of [stale, live, other]) writeFileSync(join(d, n), '{"format":')
    await saveCheckpoint(join(d, 'ckpt.json'), template())
    expect(readdirSync(d).sort()).toEqual([live, other, 'ckpt.json'].sort())
  })
  it('loading never reads them, and says so when the checkpoint itself is missing', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    const stale = tempOf('ckpt.json', deadPid())
    writeFileSync(join(d, stale), encodeCheckpoint({ w: zeros([2]), epoch: 9 }))
    const missing = await loadCheckpoint(p, template())
    expect(E.isLeft(missing) && missing.left.message).toBe(
      `checkpoint: cannot read '${p}' (ENOENT: no such file or directory); '${stale}' is the temporary file of an interrupted save, which was ignored`,
    )
    await saveCheckpoint(p, { w: zeros([2]), epoch: 2 })
    const r = await loadCheckpoint(p, template())
    expect(E.isRight(r) && r.right.epoch).toBe(2)
  })
})

describe('loadCheckpoint: a damaged or outdated file is a Left naming the file and the field', () => {
  const saved = async (edit: (doc: any) => void): Promise<string> => {
    const p = join(dir(), 'ckpt.json')
    const doc = JSON.parse(encodeCheckpoint({ w: zeros([2]), epoch: 3 }))
    edit(doc)
    writeFileSync(p, JSON.stringify(doc))
    return p
  }
  const cases: [string, (doc: any) => void, string][] = [
    ['an old version', (d) => (d.version = 1), 'checkpoint: version is 1 but this library reads version 2'],
    ['a negative epoch', (d) => (d.payload.epoch = -2), 'checkpoint: at epoch the counter is -2; counters must be non-negative integers'],
    ['a NaN weight', (d) => (d.payload.w.data = Buffer.from(new Float32Array([0, NaN]).buffer).toString('base64')),
      'checkpoint: at w the tensor has NaN at flat index 1; a checkpoint holds finite values'],
    ['a weight of another shape', (d) => (d.payload.w.shape = [1, 2]), 'checkpoint: at w the file has shape [1,2] but the model has [2]'],
  ]
  for (const [name, edit, message] of cases)
    it(name, async () => {
      const p = await saved(edit)
      const r = await loadCheckpoint(p, template())
      expect(E.isLeft(r) && r.left.message).toBe(`${message} (in '${p}')`)
    })
  it('a file that is not a checkpoint', async () => {
    const p = join(dir(), 'notes.txt')
    writeFileSync(p, 'hello')
    const r = await loadCheckpoint(p, template())
    expect(E.isLeft(r) && r.left.message).toMatch(new RegExp(`^checkpoint: the file is not valid JSON \\(.*\\); it may be truncated \\(in '${p.replace(/[.\\]/g, '\\$&')}'\\)$`))
  })
})
