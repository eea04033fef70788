import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assemble, bundle, explain, mapLimit, piece, removeProject, root, runNode, typecheck, writeProject, type Diagnostic, type Program, type Project, type RunResult } from './harness.js'
import { codeBlocks, expectedErrors, type CodeBlock } from './markdown.js'
import { readmePreludes } from './readmePreludes.js'

// Issue 8: every ```ts block of the README is a program (see markdown.ts for the markers). All are
// type-checked in one run of TypeScript 7 against the sources (`tensorfold` mapped to src/), and
// the runnable ones are bundled with esbuild and run with Node under a time limit.

const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = codeBlocks(readme).filter((b) => b.lang === 'ts' || b.lang === 'typescript')
const fileOf = (b: CodeBlock) => `readme-L${b.line}.ts`
const runnable = (b: CodeBlock) => !b.directives.compileError && b.directives.noRun === undefined
// Each runnable block takes 0.1 to 4 s alone; the limit leaves room for a loaded machine (npm test).
const RUN_LIMIT_MS = 30_000

const programOf = (b: CodeBlock): Program => {
  const name = b.directives.fragment
  const prelude = name === undefined ? [] : [piece(readmePreludes[name] ?? '', `prelude '${name}'`)]
  return assemble([...prelude, piece(b.code, (i) => `README.md:${b.line + i}`)])
}

// Controls: blocks that must fail, so that a pass means the check is live (a wrong name, a wrong
// type, a wrong message would all be caught).
const controls = new Map<string, Program>([
  ['control-wrong-name.ts', assemble([piece("import { densee } from 'tensorfold'\nconsole.log(densee)", 'control')])],
  ['control-wrong-type.ts', assemble([piece("import { matmul, zeros } from 'tensorfold'\nconsole.log(matmul(zeros([2, 3]), zeros([4, 5])))", 'control')])],
])

let project: Project | undefined
let diagnostics = new Map<string, Diagnostic[]>()
const runs = new Map<string, RunResult>()
const timings: Record<string, number> = {}

beforeAll(async () => {
  let t = Date.now()
  const programs = new Map<string, Program>([...blocks.map((b) => [fileOf(b), programOf(b)] as const), ...controls])
  project = writeProject('readme', programs)
  diagnostics = typecheck(project)
  timings.typecheck = Date.now() - t
  t = Date.now()
  const toRun = blocks.filter(runnable).map(fileOf)
  const outputs = await bundle(project, toRun)
  timings.bundle = Date.now() - t
  t = Date.now()
  const dir = project.dir // where a block's files (run.json) go
  const results = await mapLimit(toRun, 2, (f) => runNode(outputs.get(f)!, dir, RUN_LIMIT_MS))
  toRun.forEach((f, i) => runs.set(f, results[i]!))
  timings.run = Date.now() - t
  console.log(`README blocks: ${blocks.length} (${toRun.length} run); ms`, timings, Object.fromEntries([...runs].map(([f, r]) => [f, r.ms])))
}, 180_000)

afterAll(() => {
  if (project !== undefined) removeProject(project)
})

const errorsOf = (b: CodeBlock): string[] => (diagnostics.get(fileOf(b)) ?? []).map((d) => explain(programOf(b), d))

describe('README.md code blocks', () => {
  it('are found, every fragment has a prelude and every prelude a fragment', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10)
    const names = new Set(blocks.flatMap((b) => (b.directives.fragment === undefined ? [] : [b.directives.fragment])))
    expect([...names].filter((n) => readmePreludes[n] === undefined), 'fragments without a prelude').toEqual([])
    expect(Object.keys(readmePreludes).filter((n) => !names.has(n)), 'preludes no block uses').toEqual([])
  })

  it('the checks are live: a wrong name and a wrong type fail to compile', () => {
    expect(diagnostics.get('control-wrong-name.ts')?.map((d) => d.message).join('\n')).toContain("has no exported member named 'densee'")
    expect(diagnostics.get('control-wrong-type.ts')?.map((d) => d.message).join('\n')).toContain("Type '4' is not assignable to type '3'")
  })

  describe.each(blocks.filter((b) => !b.directives.compileError).map((b) => [`README.md:${b.line}`, b] as const))('%s', (_, b) => {
    it('type-checks', () => expect(errorsOf(b)).toEqual([]))
    if (runnable(b))
      it('runs', () => {
        const r = runs.get(fileOf(b))!
        expect(r.timedOut, `ran over ${RUN_LIMIT_MS} ms`).toBe(false)
        // A stack names lines of the generated program (source maps): say which README lines they are.
        const program = programOf(b)
        const output = r.output.replace(/readme-L\d+\.ts:(\d+)(?::\d+)?/g, (at, line: string) => `${at} (${program.origins[Number(line) - 1]})`)
        expect({ code: r.code, output: r.code === 0 ? '' : output }).toEqual({ code: 0, output: '' })
      })
  })

  describe.each(blocks.filter((b) => b.directives.compileError).map((b) => [`README.md:${b.line}`, b] as const))('%s (a compile error)', (_, b) => {
    const expected = expectedErrors(b.code)
    it('annotates at least one line', () => expect(expected.length).toBeGreaterThan(0))
    it('fails on each annotated line with the message shown, and nowhere else', () => {
      const program = programOf(b)
      const got = (diagnostics.get(fileOf(b)) ?? []).map((d) => ({
        origin: program.origins[d.line - 1]!,
        column: d.column,
        message: d.message.replace(/\s+/g, ' '),
      }))
      for (const e of expected) {
        const origin = `README.md:${b.line + e.line}`
        const here = got.filter((g) => g.origin === origin).map((g) => `column ${g.column}: ${g.message}`)
        expect(here.join('\n'), `${origin} should fail at column ${e.column} with: ${e.message}`).toContain(`column ${e.column}: `)
        expect(here.find((h) => h.startsWith(`column ${e.column}: `)), `${origin}, column ${e.column}`).toContain(e.message)
      }
      const annotated = new Set(expected.map((e) => `README.md:${b.line + e.line}`))
      expect(got.filter((g) => !annotated.has(g.origin)).map((g) => `${g.origin}: ${g.message}`)).toEqual([])
    })
  })
})

describe('README.md', () => {
  it('says how to install before the first import', () => {
    const install = readme.indexOf('\n## Install')
    const firstImport = readme.search(/^import .* from 'tensorfold/m)
    expect(install).toBeGreaterThan(0)
    expect(install).toBeLessThan(firstImport)
    expect(readme.slice(install, firstImport)).toContain('npm install tensorfold')
  })

  it('keeps the two commands a newcomer runs first', () => {
    expect(readme).toContain('npm ci && npm start')
    expect(readme).toMatch(/^npm test /m)
  })
})
