/**
 * `npm run example:browser`: bundles the page into examples/browser/dist/page and serves it on
 * http://127.0.0.1:8080/ (`PORT=… npm run example:browser` for another port). A module worker
 * needs http(s): opening index.html from a file:// URL does not start the worker.
 *
 * The page is served cross-origin isolated (`Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp` on every response), which is what lets the matmul
 * kernel share its memory with worker threads: on a machine with several cores the page then
 * shows `threads` above 1.
 * `ISOLATED=0 npm run example:browser` serves it without those headers, as most hosts do: the
 * kernel then runs on the training worker's thread alone, with the same results.
 */
import { createReadStream, statSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { bundleBrowserExample, sourceDir } from './bundle.js'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

/** The headers that make a page cross-origin isolated (`crossOriginIsolated === true`, so `SharedArrayBuffer` works). */
const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} // NOTE: no Cross-Origin-Resource-Policy needed: require-corp admits same-origin files as they are.

export interface ServeOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number
  readonly host?: string
  /** Send the cross-origin isolation headers with every file (default false). */
  readonly isolated?: boolean
}

/** A static file server for `dir` on `host:port`. GET only; no directory listings. */
export const serveStatic = (dir: string, { port = 0, host = '127.0.0.1', isolated = false }: ServeOptions = {}):
  Promise<{ url: string; close: () => Promise<void> }> => {
  const root = resolve(dir)
  /** The file a GET of `url` names, or undefined (outside `root`, missing, not a file, malformed). */
  const fileFor = (url: string): string | undefined => {
    try {
      const path = decodeURIComponent(new URL(url, 'http://localhost').pathname) // URL drops `..` segments
      const file = resolve(join(root, path.endsWith('/') ? `${path}index.html` : path))
      return file.startsWith(root + sep) && statSync(file, { throwIfNoEntry: false })?.isFile() ? file : undefined
    } catch {
      return undefined
    }
  }
  const server = createServer((req, res) => {
    const file = req.method === 'GET' ? fileFor(req.url ?? '/') : undefined
    if (file === undefined) {
      res.writeHead(req.method === 'GET' ? 404 : 405, { 'content-type': 'text/plain' }).end(`${req.method} ${req.url}: not found`)
      return
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store',
      ...(isolated && ISOLATION_HEADERS),
    })
    createReadStream(file).pipe(res)
  })
  return new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo
      ok({ url: `http://${host}:${actual}/`, close: () => new Promise<void>((done) => server.close(() => done())) })
    })
  })
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const out = join(sourceDir, 'dist', 'page')
  await bundleBrowserExample(out)
  const port = Number(process.env.PORT ?? 8080)
  const isolated = process.env.ISOLATED !== '0'
  try {
    const { url } = await serveStatic(out, { port, isolated })
    console.log(`Built ${out}\nOpen ${url} in a browser (Ctrl-C stops the server). ` +
      (isolated ? 'Cross-origin isolated: the kernel may use worker threads (ISOLATED=0 to turn that off).'
        : 'Not cross-origin isolated (ISOLATED=0): the kernel runs on one thread.'))
  } catch (e) {
    console.error(`Cannot serve on 127.0.0.1:${port} (${e instanceof Error ? e.message : e}); try PORT=8081 npm run example:browser`)
    process.exitCode = 1
  }
}
