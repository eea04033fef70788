// The `@example` blocks of the JSDoc in every source file reachable from the public entry points,
// read with the TypeScript 5.9 parser (TypeScript 7 has no JS API; only parsing is needed here).
import { readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import ts from 'typescript5'

export interface Example {
  /** `layers/dense.ts#dense` (the file under src/ and the declaration it documents), unique. */
  readonly key: string
  /** Absolute path of the source file. */
  readonly file: string
  /** 1-based line of the example's first code line in the source file. */
  readonly line: number
  readonly code: string
}

const parse = (file: string, text: string = readFileSync(file, 'utf8')) =>
  ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)

/** The source files reachable from `entries` through relative imports and re-exports (`.js` → `.ts`). */
export const reachableFiles = (entries: readonly string[]): string[] => {
  const seen = new Set<string>()
  const visit = (file: string) => {
    if (seen.has(file)) return
    seen.add(file)
    for (const ref of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles)
      if (ref.fileName.startsWith('.')) visit(join(dirname(file), ref.fileName.replace(/\.js$/, '.ts')))
  }
  entries.forEach(visit)
  return [...seen].sort()
}

/** The names a module exports (declarations with `export` and `export { … }` lists). */
export const exportedNames = (file: string): Set<string> => {
  const names = new Set<string>()
  for (const s of parse(file).statements) {
    if (ts.isExportDeclaration(s)) {
      if (s.exportClause !== undefined && ts.isNamedExports(s.exportClause)) s.exportClause.elements.forEach((e) => names.add(e.name.text))
      continue
    }
    if (!ts.canHaveModifiers(s) || !ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue
    if (ts.isVariableStatement(s)) s.declarationList.declarations.forEach((d) => bindingNames(d.name).forEach((n) => names.add(n)))
    else if ('name' in s && s.name !== undefined && ts.isIdentifier(s.name as ts.Node)) names.add((s.name as ts.Identifier).text)
  }
  return names
}

const bindingNames = (n: ts.BindingName): string[] =>
  ts.isIdentifier(n) ? [n.text] : n.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)))

/** The names a piece of code declares at its top level (variables, functions, classes, types, imports). */
export const declaredNames = (code: string): Set<string> => {
  const names = new Set<string>()
  for (const s of parse('example.ts', code).statements) {
    if (ts.isVariableStatement(s)) s.declarationList.declarations.forEach((d) => bindingNames(d.name).forEach((n) => names.add(n)))
    else if (ts.isImportDeclaration(s)) {
      const c = s.importClause
      if (c?.name !== undefined) names.add(c.name.text)
      const b = c?.namedBindings
      if (b !== undefined) (ts.isNamespaceImport(b) ? [b.name] : b.elements.map((e) => e.name)).forEach((n) => names.add(n.text))
    } else if ('name' in s && s.name !== undefined && ts.isIdentifier(s.name as ts.Node)) names.add((s.name as ts.Identifier).text)
  }
  return names
}

/** What a JSDoc comment is attached to: `dense`, `Layer`, `Layer.apply`. */
const nameOf = (node: ts.Node): string => {
  const own = (n: ts.Node): string | undefined => {
    if (ts.isVariableStatement(n)) return bindingNames(n.declarationList.declarations[0]!.name)[0]
    const name = (n as { name?: ts.Node }).name
    return name !== undefined && (ts.isIdentifier(name) || ts.isStringLiteral(name)) ? name.text : undefined
  }
  const parent = node.parent !== undefined && !ts.isSourceFile(node.parent) ? own(node.parent) : undefined
  return [parent, own(node) ?? ts.SyntaxKind[node.kind]].filter((s) => s !== undefined).join('.')
}

/** Every `@example` in a file, with the declaration it documents. */
export const examplesIn = (file: string, srcRoot: string): Example[] => {
  const sf = parse(file)
  const out: Example[] = []
  const visit = (node: ts.Node) => {
    for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [])
      for (const tag of doc.tags ?? []) {
        if (tag.tagName.text !== 'example') continue
        const raw = sf.text.slice(tag.tagName.end, tag.end).replace(/\*\/$/, '')
        const lines = raw.split('\n').map((l, i) => (i === 0 ? l : l.replace(/^\s*\*( |$)/, '')))
        const first = lines[0]!.trim() === '' ? 1 : 0 // code starts on the tag's line or the next
        const code = lines.slice(first).join('\n').replace(/^\s*```\w*\n|\n\s*```\s*$/g, '').trimEnd()
        const line = sf.getLineAndCharacterOfPosition(tag.tagName.end).line + 1 + first
        out.push({ key: `${relative(srcRoot, file)}#${nameOf(node)}`, file, line, code })
      }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  // Two examples on one declaration (overloads, a type and its constructor) get #2, #3 …
  const count = new Map<string, number>()
  return out.map((e) => {
    const n = (count.get(e.key) ?? 0) + 1
    count.set(e.key, n)
    return n === 1 ? e : { ...e, key: `${e.key}#${n}` }
  })
}
