import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runDeep } from '../../examples/deep.js'
import { filterTilesPng, learningCurveSvg } from '../../examples/figures.js'

describe('examples/deep', () => {
  it('trains the four ways on a small split, prints a table and writes every figure', () => {
    const outDir = mkdtempSync(join(tmpdir(), 'deep-'))
    const lines: string[] = []
    const rows = runDeep({ hidden: 16, epochs: 2, pretrainEpochs: 1, sizes: { train: 300, validation: 200 }, outDir, log: (l) => lines.push(l), module: 'rbm' })
    expect(rows.map((r) => r.name)).toEqual([
      'plain', 'dropout 0.2', 'batch norm, running averages', 'batch norm, exact statistics', 'pre-trained (RBMs) + fine-tuned',
    ])
    for (const r of rows) expect(r.testError).toBeGreaterThanOrEqual(0)
    expect(lines.some((l) => /layer 3 epoch 1 {2}reconstruction error/.test(l))).toBe(true)
    expect(readdirSync(outDir).sort()).toEqual([
      'deep-batchnorm.svg', 'deep-dropout.svg', 'deep-filters-rbm.png', 'deep-plain.svg', 'deep-pretrained-rbm.svg',
    ])
    const png = readFileSync(join(outDir, 'deep-filters-rbm.png'))
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
    expect(readFileSync(join(outDir, 'deep-plain.svg'), 'utf8')).toMatch(/<svg[^]*epoch[^]*validation error[^]*<\/svg>/)
  })

  it('draws labelled axes and checks the filter shape', () => {
    const svg = learningCurveSvg('t', [{ epoch: 1, trainLoss: 1, validationLoss: 0.9, validationError: 0.3, rateFactor: 1 }], 1)
    expect(svg).toContain('cross-entropy per example')
    expect(() => filterTilesPng({ shape: [100, 4], data: new Float32Array(400) })).toThrow(/\[100,4\]/)
  })
})
