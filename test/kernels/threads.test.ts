import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  adam, andThen, conv2d, dense, flatten, input, key, kernelInfo, labels, maxPool2d, pipe, relu, setKernelThreads,
  softmaxCrossEntropy, tensor, trainStep,
} from '../../src/index.js';
import type { Labels } from '../../src/index.js';
import { conv2dBackwardInput, conv2dBackwardParams, conv2dForward, conv2dGeometry } from '../../src/kernels/conv2d.js';
import type { Padding } from '../../src/kernels/convGeometry.js';
import { threadStats } from '../../src/kernels/kernelThreads.js';
import type { Layout } from '../../src/kernels/layout.js';
import { matmulRef } from '../../src/kernels/matmulRef.js';
import { reluForward } from '../../src/kernels/relu.js';
import { setConvBudgets } from '../../src/kernels/wasmConv2d.js';
import { matmulF32, setSplitThresholds, startWasmThreads } from '../../src/kernels/wasmMatmul.js';
import { lcgUniform } from '../util/lcg.js';

// The threaded GEMM (src/kernels/kernelThreads.ts): worker threads over the kernel's shared wasm
// memory compute blocks of a product. It must agree with the float64 reference, give the same bits
// as one thread, and leave a training run bit-identical.

const LAYOUTS: readonly Layout[] = ['nn', 'tn', 'nt'];
const SIZES = [1, 3, 7, 33, 257] as const;

/** Deterministic values in [-scale, scale). */
const rand = lcgUniform;

const sameBits = (x: Float32Array, y: Float32Array): boolean =>
  x.length === y.length && x.every((v, i) => Object.is(v, y[i]));

const withThreads = <T>(n: number, f: () => T): T => {
  setKernelThreads(n);
  try {
    return f();
  } finally {
    setKernelThreads(2);
  }
};

describe('threaded float32 GEMM', () => {
  beforeAll(() => {
    setKernelThreads(3);
    expect(startWasmThreads(10_000)).toBe(3); // two workers up before the first product
    setKernelThreads(2);
  });
  afterEach(() => { // also after a failure, so that one failure stays one
    setSplitThresholds();
    setConvBudgets();
  });
  afterAll(() => {
    setSplitThresholds();
    setKernelThreads(2);
  });

  it('kernelInfo reports the workers and setKernelThreads changes the count', () => {
    expect(kernelInfo()).toEqual({ matmul: 'wasm-simd', threads: 2, maxThreads: 2 });
    expect(setKernelThreads(1)).toEqual({ matmul: 'wasm-simd', threads: 1, maxThreads: 1 });
    expect(setKernelThreads(3)).toEqual({ matmul: 'wasm-simd', threads: 3, maxThreads: 3 });
    expect(() => setKernelThreads(0)).toThrow(/setKernelThreads: threads must be a positive integer but is 0/);
    expect(() => setKernelThreads(1.5)).toThrow(RangeError);
    setKernelThreads(2);
  });

  it('agrees with the float64 reference and with one thread, bit for bit, on {1,3,7,33,257}³ in every layout, on 2 and 3 threads', () => {
    setSplitThresholds({ macs: 0, output: 0, blockMacs: 0 }); // split even the smallest products
    const before = threadStats();
    let splittable = 0;
    for (const m of SIZES) for (const k of SIZES) for (const n of SIZES) for (const layout of LAYOUTS) {
      const seed = m * 7919 + k * 104729 + n * 31 + layout.charCodeAt(1);
      const a = rand(m * k, seed, 1.5), b = rand(k * n, seed + 7, 0.75);
      const one = withThreads(1, () => matmulF32(a, b, m, k, n, layout));
      const splits = threadStats().splits;
      const two = withThreads(2, () => matmulF32(a, b, m, k, n, layout));
      const three = withThreads(3, () => matmulF32(a, b, m, k, n, layout));
      // Odd N is never split by columns (rows of C are not whole cache lines), so M must give 2 blocks of 4 rows.
      if (m > 4) {
        splittable++;
        expect(threadStats().splits, `${layout} [${m},${k},${n}] was not split`).toBe(splits + 2); // on 2 and on 3 threads
      }
      if (!sameBits(one, two) || !sameBits(one, three)) throw new Error(`${layout} [${m},${k},${n}]: threads change the bits`);
      const want = matmulRef(Float64Array.from(a), Float64Array.from(b), m, k, n, layout);
      const tol = 1e-6 * Math.max(k, 1) * 1.5 * 0.75;
      let err = 0;
      for (let i = 0; i < m * n; i++) err = Math.max(err, Math.abs(two[i]! - want[i]!));
      if (!(err <= tol)) throw new Error(`${layout} [${m},${k},${n}]: max err ${err} > ${tol}`);
    }
    setSplitThresholds();
    expect(splittable).toBe(3 * 25 * 3); // m ∈ {7, 33, 257}, any k and n, three layouts
    const after = threadStats();
    expect(after.splits - before.splits).toBe(2 * splittable);
    expect(after.workerBlocks).toBeGreaterThan(before.workerBlocks); // the workers really took blocks
  });

  it('applies the bias and relu epilogue to every block as the JS passes would, bit for bit, on 1, 2 and 3 threads', () => {
    setSplitThresholds({ macs: 0, output: 0, blockMacs: 0 });
    const special = [Number.NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3e38];
    for (const [m, k, n] of [[7, 33, 257], [257, 7, 33], [33, 257, 7], [3, 1, 1], [128, 784, 256]] as const) {
      for (const layout of LAYOUTS) {
        const a = rand(m * k, m + k, 1.5), b = rand(k * n, n + 7, 0.75), bias = rand(n, m * n, 2);
        bias.set(special.slice(0, Math.min(n, special.length)));
        const plain = withThreads(1, () => matmulF32(a, b, m, k, n, layout));
        for (const relu of [false, true]) {
          const want = Float32Array.from(plain, (v, i) => v + bias[i % n]!);
          if (relu) reluForward(want, want);
          for (const threads of [1, 2, 3]) {
            const got = withThreads(threads, () => matmulF32(a, b, m, k, n, layout, bias, relu));
            // NaN payloads may differ between the JS and the wasm add: compare NaNs as NaNs.
            const same = got.every((v, i) => Object.is(v, want[i]) || (Number.isNaN(v) && Number.isNaN(want[i]!)));
            if (!same) throw new Error(`${layout} [${m},${k},${n}] relu ${relu} on ${threads} threads differs from the JS epilogue`);
          }
        }
      }
    }
    setSplitThresholds();
  });

  it("runs a convolution's blocks of images on 1, 2 and 3 threads with the same bits, in one wave or several", () => {
    // Small blocks (a few images each), every convolution worth a hand-off: forward (with bias, and
    // with the fused relu), filter gradient (a sum of per-block partials) and input gradient, against
    // one thread in one wave.
    setSplitThresholds({ macs: 0, output: 0, blockMacs: 0 });
    const cases: readonly { x: [number, number, number, number]; w: [number, number, number, number]; stride: [number, number]; padding: Padding }[] = [
      { x: [13, 9, 8, 3], w: [3, 3, 3, 5], stride: [1, 1], padding: 'same' },
      { x: [9, 12, 12, 6], w: [5, 5, 6, 16], stride: [1, 1], padding: 'valid' },
      { x: [7, 11, 10, 2], w: [3, 2, 2, 7], stride: [2, 1], padding: 'same' },
      { x: [5, 28, 28, 1], w: [5, 5, 1, 6], stride: [2, 2], padding: 'valid' },
      { x: [600, 3, 3, 1], w: [2, 2, 1, 2], stride: [1, 1], padding: 'valid' }, // 300 blocks: waves of at most 255
      { x: [1, 14, 14, 8], w: [3, 3, 8, 16], stride: [1, 1], padding: 'same' }, // one block: its GEMMs split instead
    ];
    const before = threadStats().workerBlocks;
    for (const [ci, c] of cases.entries()) {
      const g = conv2dGeometry(c.x, c.w, c.stride, c.padding);
      const x = rand(c.x.reduce((p, d) => p * d), 10 + ci, 1), w = rand(c.w.reduce((p, d) => p * d), 20 + ci, 0.5);
      const b = rand(c.w[3], 30 + ci, 1), dy = rand(g.n * g.oh * g.ow * g.f, 40 + ci, 1);
      const colsPerImage = 4 * g.oh * g.ow * g.kh * g.kw * g.c;
      const run = (threads: number, waveBytes?: number) => withThreads(threads, () => {
        setConvBudgets({ blockBytes: 2 * colsPerImage, ...(waveBytes === undefined ? {} : { waveBytes }) });
        const y = conv2dForward(g, x, w, b).y as Float32Array;
        const yRelu = conv2dForward(g, x, w, b, true).y as Float32Array;
        const dw = conv2dBackwardParams(g, x, dy).dw as Float32Array;
        return { y, yRelu, dw, dx: conv2dBackwardInput(g, dy, w) as Float32Array };
      });
      const want = run(1);
      // A wave of about three blocks: several waves per call.
      const small = 3 * 2 * (4 * g.h * g.w * g.c + 4 * g.oh * g.ow * g.f);
      for (const [threads, waveBytes] of [[1, small], [2, undefined], [2, small], [3, undefined], [3, small]] as const) {
        const splits = threadStats().splits;
        const got = run(threads, waveBytes);
        if (threads > 1) expect(threadStats().splits, `case ${ci} on ${threads} threads`).toBeGreaterThan(splits); // blocks or GEMMs shared
        for (const k of ['y', 'yRelu', 'dw', 'dx'] as const)
          if (!sameBits(got[k], want[k])) throw new Error(`case ${ci}: ${k} on ${threads} threads (wave ${waveBytes ?? 'default'}) differs from one thread`);
      }
    }
    expect(threadStats().workerBlocks).toBeGreaterThan(before); // the workers really took blocks
  });

  it('keeps every result exact when products of different shapes and optimizer calls follow each other closely', () => {
    // Jobs of different block counts back to back, the situation in which a worker that wakes late
    // for one job could touch the next: every product must still equal its one-thread value.
    setSplitThresholds({ macs: 0, output: 0, blockMacs: 0 });
    const shapes = [[64, 48, 96], [33, 257, 7], [128, 16, 32], [7, 7, 7], [96, 64, 48]] as const;
    const cases = shapes.map(([m, k, n], i) => {
      const a = rand(m * k, 300 + i, 1), b = rand(k * n, 400 + i, 1), bias = rand(n, 500 + i, 1);
      return { m, k, n, a, b, bias, want: withThreads(1, () => matmulF32(a, b, m, k, n, 'nn', bias, i % 2 === 0)) };
    });
    const opt = adam(1e-3);
    const leafOf = (data: Float32Array) => tensor([data.length], data);
    let params = [leafOf(rand(70_001, 7, 1))], state = opt.init(params);
    const grads = [leafOf(rand(70_001, 8, 1))];
    const before = threadStats().workerBlocks;
    for (let r = 0; r < 200; r++) {
      const c = cases[r % cases.length]!;
      const got = matmulF32(c.a, c.b, c.m, c.k, c.n, 'nn', c.bias, (r % cases.length) % 2 === 0);
      if (!sameBits(got, c.want)) throw new Error(`round ${r}: [${c.m},${c.k},${c.n}] differs from one thread`);
      if (r % 10 === 0) [params, state] = opt.updateAndApply!(grads, state, params);
    }
    expect(threadStats().workerBlocks).toBeGreaterThan(before);
  });

  it('leaves a trained MLP bit-identical with and without the worker', () => {
    const net = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)));
    const batches = Array.from({ length: 4 }, (_, i) => ({
      x: tensor([128, 784], rand(128 * 784, 100 + i)),
      y: labels(Int32Array.from({ length: 128 }, (_, j) => (j * 7 + i) % 10), 10) as Labels<128, 10>,
    }));
    const run = (threads: number) => withThreads(threads, () => {
      const opt = adam(1e-3);
      const step = trainStep(net, softmaxCrossEntropy, opt);
      const p0 = net.init(key(3));
      let state: Parameters<typeof step>[0] = { params: p0, opt: opt.init(p0), netState: undefined };
      const splits = threadStats().splits;
      for (let i = 0; i < 12; i++) [state] = step(state, batches[i % batches.length]!, key(i));
      return { params: state.params, jobs: threadStats().splits - splits };
    });
    const one = run(1), two = run(2);
    expect(one.jobs).toBe(0);
    // Each step: the big layer's forward and ∂W products (its dx is never read; dense(256, 10) is
    // below the threshold) and Adam's 49 blocks of 4096 of its weights (smaller leaves stay here).
    expect(two.jobs).toBe(12 * (2 + 49));
    for (const [l, p] of [[0, 'w'], [0, 'b'], [2, 'w'], [2, 'b']] as const) {
      const a = (one.params[l] as { w: { data: Float32Array }; b: { data: Float32Array } })[p].data;
      const b = (two.params[l] as { w: { data: Float32Array }; b: { data: Float32Array } })[p].data;
      expect(sameBits(a, b), `layer ${l} ${p}`).toBe(true);
    }
  });

  it('leaves a conv net\'s step bit-identical with and without the worker', () => {
    const net = pipe(input([28, 28, 1]), andThen(conv2d(5, 16)), andThen(relu), andThen(maxPool2d(2)),
      andThen(flatten), andThen(dense(12 * 12 * 16, 10)));
    const x = tensor([32, 28, 28, 1], rand(32 * 784, 5)), y = labels(Int32Array.from({ length: 32 }, (_, j) => j % 10), 10) as Labels<32, 10>;
    const run = (threads: number) => withThreads(threads, () => {
      const opt = adam(1e-3);
      const step = trainStep(net, softmaxCrossEntropy, opt);
      const p0 = net.init(key(4));
      let state: Parameters<typeof step>[0] = { params: p0, opt: opt.init(p0), netState: undefined };
      const splits = threadStats().splits;
      for (let i = 0; i < 3; i++) [state] = step(state, { x, y }, key(i));
      return { flat: JSON.stringify(state.params, (_, v) => (v instanceof Float32Array ? Array.from(v) : v)), jobs: threadStats().splits - splits };
    });
    setSplitThresholds({ macs: 1 << 16, output: 0, blockMacs: 0 });
    const one = run(1), two = run(2);
    setSplitThresholds();
    expect(two.jobs).toBeGreaterThan(0);
    expect(two.flat).toBe(one.flat);
  });

  it('lets a Node process exit while its workers are idle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorfold-threads-'));
    try {
      const entry = join(dir, 'main.ts');
      const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
      writeFileSync(entry, `import { kernelInfo, matmul, tensor } from ${JSON.stringify(index)}
const a = tensor([512, 512], new Float32Array(512 * 512).fill(1))
for (let i = 0; i < 20; i++) matmul(a, a)
console.log(JSON.stringify(kernelInfo()))
`);
      await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', outfile: join(dir, 'main.mjs'), logLevel: 'error' });
      const t0 = Date.now();
      const out = execFileSync(process.execPath, [join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 20_000 });
      expect(JSON.parse(out)).toMatchObject({ matmul: 'wasm-simd', maxThreads: expect.any(Number) });
      expect(Date.now() - t0).toBeLessThan(15_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
