import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { root } from './harness.js'

// Issue 8: `npm run docs` builds the API reference with TypeDoc (typedoc.json) and no warning may
// pass (treatWarningsAsErrors): a broken {@link}, a README link to a missing file, a compile error
// in the TypeScript 5.9 that TypeDoc reads the sources with. This runs the same conversion and
// validation without writing HTML (about 8 s of CPU).

describe('npm run docs', () => {
  it('TypeDoc converts and validates the public API with no warning', () => {
    const typedoc = join(root, 'tools', 'typedoc', 'node_modules', 'typedoc', 'bin', 'typedoc')
    const r = spawnSync(process.execPath, [typedoc, '--treatWarningsAsErrors', '--emit', 'none'], { cwd: root, encoding: 'utf8' })
    const output = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '') // eslint-disable-line no-control-regex
    expect({ code: r.status, warnings: output.match(/\[(warning|error)\].*/g) ?? [] }).toEqual({ code: 0, warnings: [] })
  }, 120_000)
})
