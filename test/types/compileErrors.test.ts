import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

// tsd checks the type tests with its bundled TypeScript 6; this checks that the project's own
// compiler (TypeScript 7) rejects the same mismatches, with messages that show both widths.
const compile = (config: string): string => {
  try {
    execFileSync(resolve('node_modules/.bin/tsc'), ['-p', config], { encoding: 'utf8' })
    return ''
  } catch (e) {
    return String((e as { stdout?: string }).stdout)
  }
}

describe('TypeScript 7 rejects shape mismatches', () => {
  const out = compile('test/types/fixtures/tsconfig.json')
  const lines = readFileSync('test/types/fixtures/mismatches.ts', 'utf8').split('\n')
  const at = (tag: string) => {
    const line = lines.findIndex((l) => l.endsWith(`// @${tag}`)) + 1
    return out.split(/\n(?=\S)/).filter((m) => m.includes(`mismatches.ts(${line},`)).join('\n')
  }
  it('a wrong width in a layer chain, in at most 5 lines', () => {
    expect(at('chain')).toContain('expects [128] but gets [256]')
    expect(at('chain').split('\n').length).toBeLessThanOrEqual(5)
  })
  it('matmul inner dimensions', () => expect(at('inner')).toContain("Type '5' is not assignable to type '3'"))
  it('the input width of a network', () => expect(at('input')).toContain("Type '100' is not assignable to type '784'"))
  it('a bias of the wrong width', () => expect(at('bias')).toContain("Type '5' is not assignable to type '3'"))
  it('labels of another batch size', () => expect(at('label')).toContain("Type '2' is not assignable to type '8'"))
  it.each([
    ['flatten', 'expects [255] but gets [256]'],
    ['channels', 'conv2d expects 1 channels but gets [28,28,3]'],
    ['reshape', 'reshape to [4,64] needs 256 elements but gets [4,4,15] with 240'],
    ['classes', "Type '5' is not assignable to type '10'"],
  ])('a CNN mismatch (%s) names both shapes in at most 5 lines', (tag, message) => {
    expect(at(tag)).toContain(message)
    expect(at(tag).split('\n').length).toBeLessThanOrEqual(5)
  })
  it.each([
    ['residual', 'residual block maps [256] to [128] but x + block(x) needs [256]'],
    ['parallel', 'parallel branch 1 expects [128] but gets [256]'],
    ['parallelLead', 'parallel branch 1 gives [10,10,8] but branch 0 gives [12,12,8]; only the last axis may differ'],
  ])('a graph combinator mismatch (%s) names both shapes in at most 5 lines', (tag, message) => {
    expect(at(tag)).toContain(message)
    // NOTE: trimmed, as the last error of the output ends with a newline.
    expect(at(tag).trimEnd().split('\n').length).toBeLessThanOrEqual(5)
  })
  it('wrong training targets, on the data argument', () => {
    const line = lines.findIndex((l) => l.endsWith('// @blame'))
    const column = lines[line]!.indexOf('{ x: zeros([8, 784]), y: zeros([8, 9]) }') + 1
    expect(at('blame')).toContain(`mismatches.ts(${line + 1},`)
    expect(Number(/mismatches\.ts\(\d+,(\d+)\)/.exec(at('blame'))?.[1])).toBeGreaterThanOrEqual(column)
  })
  it('and nothing else', () => expect(out.match(/error TS/g)?.length).toBe(13))
})
