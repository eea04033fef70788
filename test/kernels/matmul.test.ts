import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { matmulKernel } from '../../src/kernels/matmul.js';
import { matmulRef } from '../../src/kernels/matmulRef.js';
import { matmulF32, wasmAvailable } from '../../src/kernels/wasmMatmul.js';
import type { Layout } from '../../src/kernels/layout.js';
import { lcgUniform } from '../util/lcg.js';

const LAYOUTS: readonly Layout[] = ['nn', 'tn', 'nt'];

/** Deterministic values in [-scale, scale). */
const rand = lcgUniform;

const maxAbs = (x: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
};

/** Check a float32 product against the float64 reference with a K-scaled tolerance. */
function check(m: number, k: number, n: number, layout: Layout, seed: number): void {
  const a = rand(m * k, seed, 1.5);
  const b = rand(k * n, seed + 7, 0.75);
  const got = matmulKernel(a, b, m, k, n, layout);
  const want = matmulRef(Float64Array.from(a), Float64Array.from(b), m, k, n, layout);
  expect(got).toBeInstanceOf(Float32Array);
  expect(got.length).toBe(m * n);
  let err = 0;
  for (let i = 0; i < m * n; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
  const tol = 1e-6 * Math.max(k, 1) * maxAbs(a) * maxAbs(b);
  if (!(err <= tol)) throw new Error(`${layout} [${m},${k},${n}]: max err ${err} > ${tol}`);
}

describe('matmulRef', () => {
  it('matches the definition of op(A)·op(B) for each layout', () => {
    const [m, k, n] = [3, 4, 5];
    const a = Float64Array.from(rand(m * k, 1));
    const b = Float64Array.from(rand(k * n, 2));
    const opA = (l: Layout, i: number, p: number) => (l === 'tn' ? a[p * m + i]! : a[i * k + p]!);
    const opB = (l: Layout, p: number, j: number) => (l === 'nt' ? b[j * k + p]! : b[p * n + j]!);
    for (const l of LAYOUTS) {
      const c = matmulRef(a, b, m, k, n, l);
      expect(c).toBeInstanceOf(Float64Array);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += opA(l, i, p) * opB(l, p, j);
          expect(c[i * n + j]).toBeCloseTo(s, 12);
        }
      }
    }
  });
});

describe('wasm matmul kernel', () => {
  it('is available in Node 20', () => {
    expect(wasmAvailable()).toBe(true);
  });

  const sizes = [1, 3, 7, 33, 257];
  for (const layout of LAYOUTS) {
    it(`${layout}: all m,k,n in {1,3,7,33,257}`, () => {
      let seed = 1;
      for (const m of sizes) for (const k of sizes) for (const n of sizes) check(m, k, n, layout, seed++);
    });
  }

  it('MLP 784-256-128-10 (batch 128) forward and backprop products', () => {
    const B = 128;
    for (const [i, o] of [[784, 256], [256, 128], [128, 10]] as const) {
      check(B, i, o, 'nn', i);      // y = x·W
      check(i, B, o, 'tn', i + 1);  // dW = xᵀ·dy
      check(B, o, i, 'nt', i + 2);  // dx = dy·Wᵀ
    }
  });

  it('handles K and N block edges (k > 256, n > 1024) and k = 0', () => {
    check(5, 600, 1030, 'nn', 11);
    check(9, 520, 1031, 'tn', 12);
    check(6, 513, 1029, 'nt', 13);
    expect(Array.from(matmulKernel(new Float32Array(0), new Float32Array(0), 2, 0, 3, 'nn')))
      .toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reuses memory across calls and ignores trailing input elements', () => {
    const a = rand(40 * 30 + 5, 3), b = rand(30 * 20 + 9, 4);
    const first = matmulF32(a, b, 40, 30, 20, 'nn');
    matmulF32(rand(300 * 300, 5), rand(300 * 300, 6), 300, 300, 300, 'nt'); // grows memory
    const again = matmulF32(a, b, 40, 30, 20, 'nn');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(() => matmulF32(a, b, 50, 30, 20, 'nn')).toThrow(RangeError);
    expect(() => matmulF32(a, b, 1.5, 2, 2, 'nn')).toThrow(RangeError);
  });

  it('keeps Float64Array inputs in float64 (reference path)', () => {
    const a = Float64Array.from([1 + 1e-12, 2]), b = Float64Array.from([3, 4]);
    const c = matmulKernel(a, b, 1, 2, 1, 'nn');
    expect(c).toBeInstanceOf(Float64Array);
    expect(c[0]).toBe((1 + 1e-12) * 3 + 8);
  });
});

describe('committed wasm binary', () => {
  it('equals a fresh asc build of src/kernels/assembly/matmul.ts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tensorfold-wasm-'));
    try {
      const out = join(dir, 'wasmBinary.ts');
      const src = (rel: string) => fileURLToPath(new URL(`../../src/kernels/${rel}`, import.meta.url));
      execFileSync(process.execPath, [src('assembly/build.mjs'), '--out', out], { stdio: 'pipe' });
      const b64 = (text: string) => /wasmBase64 =\s*'([^']*)'/.exec(text)?.[1];
      const fresh = b64(readFileSync(out, 'utf8'));
      expect(fresh).toBeTruthy();
      expect(b64(readFileSync(src('wasmBinary.ts'), 'utf8'))).toBe(fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});
