/**
 * Builds the page with esbuild: main.js (the page) and worker.js (the module worker) as browser ES
 * modules, plus index.html, into one directory. Node-only (used by serve.ts and the browser test).
 */
import { build } from 'esbuild'
import { copyFile, mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * This example's source folder. Found from the repository root (the nearest folder above this file
 * holding examples/browser/worker.ts), so it is the same whether this module runs from its source
 * or from the bundled `examples/browser/dist/serve.mjs`.
 */
export const sourceDir = ((): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'examples', 'browser')
    if (existsSync(join(candidate, 'worker.ts'))) return candidate
    if (dirname(dir) === dir) throw new Error(`examples/browser: cannot find the sources above ${fileURLToPath(import.meta.url)}`)
  }
})()

/** Bundles the page into `outdir` (created if needed) and returns the files written. */
export const bundleBrowserExample = async (outdir: string): Promise<string[]> => {
  await mkdir(outdir, { recursive: true })
  const result = await build({
    entryPoints: [join(sourceDir, 'main.ts'), join(sourceDir, 'worker.ts')],
    outdir,
    bundle: true,
    format: 'esm', // the worker is a module worker: new Worker(url, { type: 'module' })
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
    metafile: true,
  })
  await copyFile(join(sourceDir, 'index.html'), join(outdir, 'index.html'))
  return [...Object.keys(result.metafile.outputs), join(outdir, 'index.html')]
}
