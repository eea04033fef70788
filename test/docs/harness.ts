// Shared by the docs tests: assemble programs from pieces (a prelude, a README block, a JSDoc
// example), type-check them in one run of the project's compiler (TypeScript 7), bundle and run them.
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build, type Plugin } from 'esbuild'

export const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * Where generated programs go. NOTE: not test/docs/.generated: the main tsconfig's `test/**\/*.ts`
 * matches dot-folders and .mts files too, so `npm run typecheck` would pick them up (and a
 * compile-error block must not compile). node_modules is excluded from it and git-ignored.
 */
export const generatedDir = (name: string): string => join(root, 'node_modules', '.cache', 'tensorfold-docs', name)

/** A piece of a program: its text and a label for its first line (`README.md:24`, `prelude mlp`). */
export interface Piece {
  readonly text: string
  readonly origin: (line: number) => string
}

export const piece = (text: string, origin: string | ((line: number) => string)): Piece => ({
  text,
  origin: typeof origin === 'string' ? (i) => `${origin}, line ${i + 1}` : origin,
})

/** A program: its text and, for each of its lines, where that line came from. */
export interface Program {
  readonly text: string
  readonly origins: readonly string[]
}

// `import { a, type B, c as d } from 'm'` (one or several lines). Other forms are left in place.
const namedImport = /^import\s+(type\s+)?\{([^}]*)\}\s*from\s*'([^']+)'\s*;?[ \t]*$/gm

/**
 * Concatenates pieces into one module. Their named imports are merged, one statement per module at
 * the top (two pieces may both import `key`), and replaced by blank lines so that every other line
 * keeps its place and its origin.
 */
export const assemble = (pieces: readonly Piece[]): Program => {
  const imports = new Map<string, Map<string, string>>() // module → local name → import clause
  const importedAt = new Map<string, string>() // module → origin of its first import
  const body: string[] = []
  const origins: string[] = []
  for (const p of pieces) {
    const text = p.text.replace(namedImport, (whole, typeOnly: string | undefined, names: string, from: string, offset: number) => {
      const clauses = imports.get(from) ?? new Map<string, string>()
      imports.set(from, clauses)
      if (!importedAt.has(from)) importedAt.set(from, p.origin(p.text.slice(0, offset).split('\n').length - 1))
      for (const raw of names.split(',').map((n) => n.trim()).filter((n) => n !== '')) {
        const clause = typeOnly !== undefined && !raw.startsWith('type ') ? `type ${raw}` : raw
        const local = clause.replace(/^type\s+/, '').split(/\s+as\s+/).pop()!
        // A value import wins over a type-only import of the same name.
        if (!clauses.has(local) || clauses.get(local)!.startsWith('type ')) clauses.set(local, clause)
      }
      return '\n'.repeat(whole.split('\n').length - 1)
    })
    text.split('\n').forEach((line, i) => {
      body.push(line)
      origins.push(p.origin(i))
    })
  }
  const head = [...imports].map(([from, clauses]) => `import { ${[...clauses.values()].join(', ')} } from '${from}'`)
  const headOrigins = [...imports.keys()].map((from) => `${importedAt.get(from)} (imports merged)`)
  return { text: [...head, ...body].join('\n') + '\n', origins: [...headOrigins, ...origins] }
}

/** One diagnostic of tsc: file (relative to the project), 1-based line and column, code, full message. */
export interface Diagnostic {
  readonly file: string
  readonly line: number
  readonly column: number
  readonly code: string
  readonly message: string
}

/** Parses `tsc --pretty false` output: `file(line,col): error TSn: message` plus indented continuation lines. */
export const parseDiagnostics = (out: string): Diagnostic[] => {
  const ds: Diagnostic[] = []
  for (const chunk of out.split(/\n(?=\S)/)) {
    const m = /^(.+?)\((\d+),(\d+)\): error (TS\d+): ([\s\S]*)$/.exec(chunk.trimEnd())
    if (m !== null) ds.push({ file: m[1]!, line: Number(m[2]), column: Number(m[3]), code: m[4]!, message: m[5]! })
    else if (chunk.trim() !== '') ds.push({ file: '', line: 0, column: 0, code: 'tsc', message: chunk.trim() })
  }
  return ds
}

export interface Project {
  readonly dir: string
  /** File name (in `dir`) → program. */
  readonly programs: ReadonlyMap<string, Program>
}

/**
 * Writes programs and a tsconfig (the project's compiler options, `paths` mapping `tensorfold` and
 * `tensorfold/node` to the sources) into a fresh folder of node_modules/.cache.
 */
export const writeProject = (name: string, programs: ReadonlyMap<string, Program>): Project => {
  // NOTE: one folder per process, as several test runs may share this working tree.
  const dir = generatedDir(`${name}-${process.pid}`)
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const up = relative(dir, root).split('\\').join('/')
  const tsconfig = {
    extends: `${up}/tsconfig.json`,
    compilerOptions: {
      noEmit: true,
      rootDir: up,
      // `tensorfold-src/…` reaches any module (for the JSDoc examples of internal helpers).
      paths: { tensorfold: [`${up}/src/index.ts`], 'tensorfold/node': [`${up}/src/node/index.ts`], 'tensorfold-src/*': [`${up}/src/*`] },
    },
    files: [...programs.keys()],
    include: [],
  }
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
  for (const [file, p] of programs) writeFileSync(join(dir, file), p.text)
  return { dir, programs }
}

export const removeProject = (project: Project): void => rmSync(project.dir, { recursive: true, force: true })

/** Type-checks a project with the project's own compiler (TypeScript 7): its diagnostics, by file. */
export const typecheck = (project: Project): Map<string, Diagnostic[]> => {
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(project.dir, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: project.dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.error !== undefined) throw r.error
  const byFile = new Map<string, Diagnostic[]>()
  for (const d of parseDiagnostics(`${r.stdout}${r.stderr}`)) {
    const file = d.file.split(/[\\/]/).pop()!
    if (!project.programs.has(file)) throw new Error(`tsc reported an error outside the generated programs:\n${d.file}(${d.line},${d.column}): ${d.message}`)
    byFile.set(file, [...(byFile.get(file) ?? []), d])
  }
  return byFile
}

/** A diagnostic told where its line came from, e.g. `README.md:31: TS2304 Cannot find name 'x'.`. */
export const explain = (program: Program, d: Diagnostic): string =>
  `${program.origins[d.line - 1] ?? `line ${d.line}`}: ${d.code} ${d.message}`

// `tensorfold` and `tensorfold/node` are the sources; every other package stays external and is
// resolved from the repository's node_modules at run time, as a user's installed dependencies.
const tensorfoldFromSource: Plugin = {
  name: 'tensorfold-from-source',
  setup(b) {
    b.onResolve({ filter: /^tensorfold(\/node)?$/ }, (args) => ({
      path: join(root, 'src', args.path === 'tensorfold' ? 'index.ts' : 'node/index.ts'),
    }))
  },
}

/** Bundles each program into `<dir>/out/<name>.mjs` (one esbuild call); returns the output paths. */
export const bundle = async (project: Project, files: readonly string[]): Promise<Map<string, string>> => {
  const out = join(project.dir, 'out')
  await build({
    entryPoints: files.map((f) => join(project.dir, f)),
    outdir: out,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: [tensorfoldFromSource],
    sourcemap: 'inline', // stack traces name the generated program's lines (and src/ lines)
    logLevel: 'silent',
  })
  return new Map(files.map((f) => [f, join(out, f.replace(/\.ts$/, '.mjs'))]))
}

export interface RunResult {
  readonly code: number | null
  readonly signal: string | null
  readonly timedOut: boolean
  readonly output: string
  readonly ms: number
}

/** Runs `node --enable-source-maps file` with a time limit (the process is killed when it runs over). */
export const runNode = (file: string, cwd: string, timeoutMs: number): Promise<RunResult> =>
  new Promise((resolve) => {
    const start = Date.now()
    const child = spawn(process.execPath, ['--enable-source-maps', file], { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (b: Buffer) => (output += b.toString()))
    child.stderr.on('data', (b: Buffer) => (output += b.toString()))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, timedOut, output, ms: Date.now() - start })
    })
  })

/** Maps `f` over `items`, at most `n` at a time, keeping the order. */
export const mapLimit = async <T, R>(items: readonly T[], n: number, f: (t: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await f(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker))
  return results
}
