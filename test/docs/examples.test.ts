import { join, relative } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { overrides, shared, type Entry } from './examplePreludes.js'
import { assemble, explain, piece, removeProject, root, typecheck, writeProject, type Diagnostic, type Program } from './harness.js'
import { declaredNames, examplesIn, exportedNames, reachableFiles, type Example } from './jsdoc.js'

// Issue 8: every `@example` in the JSDoc of the files reachable from the public entry points
// (src/index.ts, src/node/index.ts) type-checks against the real API, all in one run of
// TypeScript 7. Each example gets: the public API (`tensorfold`, `tensorfold/node`), its own
// module's exports (internal helpers are documented too), and the preludes of the free names it
// uses (examplePreludes.ts).

const src = join(root, 'src')
const entries = [join(src, 'index.ts'), join(src, 'node', 'index.ts')]
const files = reachableFiles(entries)
const examples = files.flatMap((f) => examplesIn(f, src))
const publicNames = { tensorfold: exportedNames(entries[0]!), 'tensorfold/node': exportedNames(entries[1]!) }
// NOTE: numbered, as `Dataset` and `dataset` differ only in case (and tsc checks file name casing).
const fileOf = (e: Example) => `${String(examples.indexOf(e)).padStart(3, '0')}-${e.key.replace(/[^\w]+/g, '_')}.ts`

/** Identifiers the code mentions (outside comments and strings, not after a `.`). */
const mentioned = (code: string): Set<string> =>
  new Set(code.replace(/\/\/.*$/gm, '').replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''").match(/(?<![.\w$])[A-Za-z_$][\w$]*/g) ?? [])

/** The prelude entries an example needs, dependencies first. */
const preludeOf = (e: Example, own: ReadonlySet<string>): string[] => {
  const table: Record<string, Entry> = { ...shared, ...overrides[e.key] }
  const defined = new Set([...declaredNames(e.code), ...own])
  const out: string[] = []
  const added = new Set<string>()
  const add = (name: string) => {
    if (added.has(name) || defined.has(name) || table[name] === undefined) return
    added.add(name)
    table[name].needs?.forEach(add)
    out.push(table[name].code)
  }
  // Override entries always go in (they may declare what the example's own code needs).
  Object.keys(overrides[e.key] ?? {}).forEach(add)
  // Names mentioned by the example, then (transitively) by the entries added for it.
  let frontier = [...mentioned(e.code)]
  while (frontier.length > 0) {
    const before = new Set(added)
    frontier.forEach(add)
    frontier = [...added].filter((n) => !before.has(n)).flatMap((n) => [...mentioned(table[n]!.code)])
  }
  return out
}

const programOf = (e: Example): Program => {
  const ownNames = exportedNames(e.file)
  const declared = declaredNames(e.code)
  const ownModule = `tensorfold-src/${relative(src, e.file).split('\\').join('/').replace(/\.ts$/, '.js')}`
  const imports = Object.entries(publicNames).map(([from, names]) => {
    const wanted = [...names].filter((n) => !ownNames.has(n) && !declared.has(n))
    return `import { ${wanted.join(', ')} } from '${from}'`
  })
  const own = [...ownNames].filter((n) => !declared.has(n))
  if (own.length > 0) imports.push(`import { ${own.join(', ')} } from '${ownModule}'`)
  const where = relative(root, e.file)
  return assemble([
    piece(imports.join('\n'), 'imports'),
    piece(preludeOf(e, ownNames).join('\n'), `prelude of ${e.key}`),
    piece(e.code, (i) => `${where}:${e.line + i}`),
  ])
}

let diagnostics = new Map<string, Diagnostic[]>()
const programs = new Map(examples.map((e) => [fileOf(e), programOf(e)] as const))

beforeAll(() => {
  const t = Date.now()
  const project = writeProject('examples', programs)
  diagnostics = typecheck(project)
  removeProject(project)
  console.log(`JSDoc examples: ${examples.length} in ${files.length} files, type-checked in ${Date.now() - t} ms`)
}, 60_000)

describe('JSDoc @example blocks', () => {
  it('are found: the entry points reach the modules, and there are 50 or more', () => {
    expect(files).toContain(join(src, 'layers', 'dense.ts'))
    expect(examples.map((e) => e.key)).toContain('layers/dense.ts#dense')
    expect(examples.length).toBeGreaterThanOrEqual(50)
  })

  it('every override names an example that exists', () => {
    const keys = new Set(examples.map((e) => e.key))
    expect(Object.keys(overrides).filter((k) => !keys.has(k))).toEqual([])
  })

  it.each(examples.map((e) => [e.key, e] as const))('%s type-checks', (_, e) => {
    const program = programs.get(fileOf(e))!
    expect((diagnostics.get(fileOf(e)) ?? []).map((d) => explain(program, d))).toEqual([])
  })
})
