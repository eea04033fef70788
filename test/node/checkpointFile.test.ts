import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { key, normal, zeros } from '../../src/index.js'
import { loadCheckpoint, saveCheckpoint } from '../../src/node/index.js'

const dir = () => mkdtempSync(join(tmpdir(), 'tensorfold-ckpt-'))
const template = () => ({ params: [{ w: zeros([3, 2]), b: zeros([2]) }], epoch: 0 })

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trips through a file bit-exactly and leaves no temp file', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    const payload = { params: [{ w: normal(key(1), [3, 2]), b: normal(key(2), [2]) }], epoch: 4 }
    await saveCheckpoint(p, payload)
    const r = await loadCheckpoint(p, template())
    if (E.isLeft(r)) throw new Error(r.left.message)
    expect(r.right.params[0]!.w.data).toEqual(payload.params[0]!.w.data)
    expect(r.right.epoch).toBe(4)
    expect(readdirSync(d)).toEqual(['ckpt.json'])
    await saveCheckpoint(p, { ...payload, epoch: 5 })
    const r2 = await loadCheckpoint(p, template())
    expect(E.isRight(r2) && r2.right.epoch).toBe(5)
    expect(readdirSync(d)).toEqual(['ckpt.json'])
  })
  it('keeps the previous checkpoint when the payload cannot be encoded', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    await saveCheckpoint(p, { params: [{ w: zeros([3, 2]), b: zeros([2]) }], epoch: 1 })
    const before = readFileSync(p, 'utf8')
    await expect(saveCheckpoint(p, { params: [() => 0], epoch: 2 })).rejects.toThrow('encodeCheckpoint: at params[0] a function cannot be stored')
    expect(readFileSync(p, 'utf8')).toBe(before)
    expect(readdirSync(d)).toEqual(['ckpt.json'])
  })
  it('removes the temp file when the rename fails, and leaves the target alone', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    mkdirSync(p) // a directory in the way: the temp file is written, then the rename fails
    writeFileSync(join(p, 'keep'), 'x')
    await expect(saveCheckpoint(p, template())).rejects.toThrow()
    expect(readdirSync(d)).toEqual(['ckpt.json'])
    expect(readdirSync(p)).toEqual(['keep'])
  })
  it('rejects when the directory does not exist', async () => {
    await expect(saveCheckpoint(join(dir(), 'missing', 'ckpt.json'), template())).rejects.toThrow(/ENOENT/)
  })
  it('a missing file is a Left naming the path', async () => {
    const p = join(dir(), 'nope.json')
    const r = await loadCheckpoint(p, template())
    expect(E.isLeft(r) && r.left.message).toMatch(new RegExp(`^checkpoint: cannot read '${p.replace(/[.\\]/g, '\\$&')}' \\(ENOENT`))
  })
  it('a truncated or wrong-architecture file is a Left naming the path in the payload and the file', async () => {
    const d = dir()
    const p = join(d, 'ckpt.json')
    await saveCheckpoint(p, { params: [{ w: zeros([4, 2]), b: zeros([2]) }], epoch: 1 })
    const r = await loadCheckpoint(p, template())
    expect(E.isLeft(r) && r.left.message).toBe(`checkpoint: at params[0].w the file has shape [4,2] but the model has [3,2] (in '${p}')`)
    writeFileSync(p, readFileSync(p, 'utf8').slice(0, 50))
    const t = await loadCheckpoint(p, template())
    expect(E.isLeft(t) && t.left.message).toMatch(/^checkpoint: the file is not valid JSON/)
  })
})
