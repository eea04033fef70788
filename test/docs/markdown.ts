// The README's code blocks and the HTML comment that marks how a test treats each ```ts block.
//
//   (no comment)                      a complete program: type-checked and run with Node
//   <!-- fragment: NAME -->           part of a program: test/docs/readmePreludes.ts's prelude NAME
//                                     (the data and names the block uses but does not define) goes
//                                     first; then type-checked and run
//   <!-- no-run: REASON -->           type-checked only (it needs files, a package, or minutes)
//   <!-- compile-error -->            must not compile: each line followed by `//   ~~~ message`
//                                     fails with that message, at the column of the first `~`,
//                                     and no other line fails
//
// Directives combine with `;`: `<!-- fragment: mnist; no-run: trains for minutes -->`.

export interface Directives {
  readonly fragment?: string
  readonly noRun?: string
  readonly compileError: boolean
}

export interface CodeBlock {
  /** 1-based line in the markdown of the block's first code line. */
  readonly line: number
  readonly lang: string
  readonly code: string
  readonly directives: Directives
}

/** Parses a marker comment's text (without `<!--` and `-->`); throws on anything it does not know. */
export const parseDirectives = (text: string): Directives => {
  let fragment: string | undefined
  let noRun: string | undefined
  let compileError = false
  for (const item of text.split(';').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^([a-z-]+)(?:\s*:\s*(.*))?$/.exec(item)
    const [name, arg] = [m?.[1], m?.[2]?.trim()]
    if (name === 'fragment' && arg !== undefined && /^[\w-]+$/.test(arg)) fragment = arg
    else if (name === 'no-run' && arg !== undefined && arg !== '') noRun = arg
    else if (name === 'compile-error' && arg === undefined) compileError = true
    else throw new Error(`unknown code block directive '${item}' (known: fragment: NAME; no-run: REASON; compile-error)`)
  }
  if (compileError && noRun !== undefined) throw new Error(`'compile-error' blocks never run; drop 'no-run' in '${text}'`)
  return { ...(fragment === undefined ? {} : { fragment }), ...(noRun === undefined ? {} : { noRun }), compileError }
}

/** Every fenced code block; a ```ts block takes its directives from an HTML comment on the line just above it. */
export const codeBlocks = (markdown: string): CodeBlock[] => {
  const lines = markdown.split('\n')
  const blocks: CodeBlock[] = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})\s*([\w-]*)\s*$/.exec(lines[i]!)
    if (open === null) continue
    const fence = open[1]!
    const end = lines.findIndex((l, j) => j > i && l.trimEnd() === fence)
    if (end < 0) throw new Error(`markdown line ${i + 1}: code block never closed`)
    const above = i > 0 ? /^<!--(.*)-->\s*$/.exec(lines[i - 1]!) : null
    const lang = open[2]!
    blocks.push({
      line: i + 2,
      lang,
      code: lines.slice(i + 1, end).join('\n'),
      directives: above === null || !/^(ts|typescript)$/.test(lang) ? { compileError: false } : parseDirectives(above[1]!),
    })
    i = end
  }
  return blocks
}

/**
 * In a compile-error block: each annotated code line (0-based), the column (1-based) where the
 * error starts (the annotation's first `~`), and the message expected there.
 */
export const expectedErrors = (code: string): { line: number; column: number; message: string }[] => {
  const lines = code.split('\n')
  const out: { line: number; column: number; message: string }[] = []
  lines.forEach((l, i) => {
    const m = /^\s*\/\/\s*~+\s*(.+)$/.exec(l)
    if (m === null) return
    let target = i - 1
    while (target >= 0 && /^\s*\/\/\s*~+/.test(lines[target]!)) target--
    if (target < 0) throw new Error(`compile-error annotation on line ${i + 1} has no code line above it`)
    out.push({ line: target, column: l.indexOf('~') + 1, message: m[1]!.trim() })
  })
  return out
}
