import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  conv2dBackwardInput, conv2dBackwardParams, conv2dCols, conv2dForward, conv2dGeometry,
} from '../../src/kernels/conv2d.js';
import type { Padding } from '../../src/kernels/convGeometry.js';
import { setConvBudgets } from '../../src/kernels/wasmConv2d.js';
import { wasmAvailable } from '../../src/kernels/wasmMatmul.js';
import { ShapeError } from '../../src/shape/ShapeError.js';

// Naive direct-loop conv2d (NHWC, w[KH,KW,C,F]) in float64, with its own
// TensorFlow geometry, as the oracle for the im2col + GEMM kernels.

interface Case {
  n: number; h: number; w: number; c: number; f: number;
  kh: number; kw: number; sh: number; sw: number; padding: Padding; seed: number;
}

/** Deterministic values in [-1, 1). */
function rand(len: number, seed: number): Float64Array {
  const out = new Float64Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** [out, padBefore] along one axis, straight from TensorFlow's definitions. */
function refAxis(size: number, k: number, s: number, padding: Padding): [number, number] {
  if (padding === 'valid') return [Math.floor((size - k) / s) + 1, 0];
  const out = Math.ceil(size / s);
  return [out, Math.floor(Math.max((out - 1) * s + k - size, 0) / 2)];
}

/**
 * Visits every (output element, input element, weight) triple of the
 * convolution: cb(yIndex, xIndex, wIndex). All three gradients and the
 * forward are sums over these triples.
 */
function eachTerm(t: Case, cb: (yi: number, xi: number, wi: number) => void): void {
  const [oh, pt] = refAxis(t.h, t.kh, t.sh, t.padding);
  const [ow, pl] = refAxis(t.w, t.kw, t.sw, t.padding);
  for (let b = 0; b < t.n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    for (let ky = 0; ky < t.kh; ky++) for (let kx = 0; kx < t.kw; kx++) {
      const iy = oy * t.sh - pt + ky, ix = ox * t.sw - pl + kx;
      if (iy < 0 || iy >= t.h || ix < 0 || ix >= t.w) continue;
      for (let ch = 0; ch < t.c; ch++) for (let f = 0; f < t.f; f++) {
        cb(((b * oh + oy) * ow + ox) * t.f + f, ((b * t.h + iy) * t.w + ix) * t.c + ch,
           ((ky * t.kw + kx) * t.c + ch) * t.f + f);
      }
    }
  }
}

/** Reference y, dw, db, dx in float64, plus |·|-sums bounding float32 rounding. */
function reference(t: Case, x: Float64Array, w: Float64Array, b: Float64Array, dy: Float64Array) {
  const oh = refAxis(t.h, t.kh, t.sh, t.padding)[0], ow = refAxis(t.w, t.kw, t.sw, t.padding)[0];
  const m = t.n * oh * ow;
  const y = new Float64Array(m * t.f), yAbs = new Float64Array(m * t.f);
  const dw = new Float64Array(w.length), dwAbs = new Float64Array(w.length);
  const dx = new Float64Array(x.length), dxAbs = new Float64Array(x.length);
  const add = (a: Float64Array, i: number, v: number, abs: Float64Array): void => {
    a[i] = a[i]! + v;
    abs[i] = abs[i]! + Math.abs(v);
  };
  eachTerm(t, (yi, xi, wi) => {
    add(y, yi, x[xi]! * w[wi]!, yAbs);
    add(dw, wi, x[xi]! * dy[yi]!, dwAbs);
    add(dx, xi, w[wi]! * dy[yi]!, dxAbs);
  });
  const db = new Float64Array(t.f), dbAbs = new Float64Array(t.f);
  for (let i = 0; i < m * t.f; i++) { add(y, i, b[i % t.f]!, yAbs); add(db, i % t.f, dy[i]!, dbAbs); }
  return { oh, ow, y, yAbs, dw, dwAbs, db, dx, dxAbs };
}

/** max_i |got_i − want_i| / (scale_i + 1e-30) must stay ≤ tol (scale: Σ|terms|). */
function expectClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>,
                     scale: ArrayLike<number> | null, tol: number): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const bound = tol * (scale === null ? Math.max(1, Math.abs(want[i]!)) : scale[i]! + 1e-30);
    const err = Math.abs(got[i]! - want[i]!);
    if (!(err <= bound)) throw new Error(`${what}[${i}]: got ${got[i]} want ${want[i]} (err ${err} > ${bound})`);
  }
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Runs forward and all backward pieces in the given precision and checks them. */
function checkCase(t: Case, dtype: 'float64' | 'float32'): void {
  const x64 = rand(t.n * t.h * t.w * t.c, t.seed), w64 = rand(t.kh * t.kw * t.c * t.f, t.seed + 1);
  const b64 = rand(t.f, t.seed + 2);
  const g = conv2dGeometry([t.n, t.h, t.w, t.c], [t.kh, t.kw, t.c, t.f], [t.sh, t.sw], t.padding);
  const dy64 = rand(t.n * g.oh * g.ow * t.f, t.seed + 3);
  // Float32 runs use the same code path with Float32Array inputs (typed as Float64Array for brevity).
  const conv = (a: Float64Array): Float64Array => (dtype === 'float64' ? a : Float32Array.from(a) as unknown as Float64Array);
  const [x, w, b, dy] = [conv(x64), conv(w64), conv(b64), conv(dy64)];
  // Float32 inputs are exactly representable in float64: round them first so the oracle sees the same data.
  const ref = reference(t, Float64Array.from(x), Float64Array.from(w), Float64Array.from(b), Float64Array.from(dy));
  expect([g.oh, g.ow]).toEqual([ref.oh, ref.ow]);

  const { y, cols } = conv2dForward(g, x, w, b);
  // The float32 wasm path rebuilds cols in the backward; the JS path keeps them.
  if (dtype === 'float32') expect(cols).toBeNull();
  else expect(cols).toBeInstanceOf(Float64Array);
  const { dw, db } = conv2dBackwardParams(g, x, dy, cols);
  const dx = conv2dBackwardInput(g, dy, w);
  for (const [name, arr] of [['y', y], ['dw', dw], ['db', db], ['dx', dx]] as const) {
    expect(arr, name).toBeInstanceOf(dtype === 'float64' ? Float64Array : Float32Array);
  }
  const tol = dtype === 'float64' ? 1e-12 : 1e-4;
  expectClose('y', y, ref.y, ref.yAbs, tol);
  expectClose('dw', dw, ref.dw, ref.dwAbs, tol);
  expectClose('db', db, ref.db, null, tol);
  expectClose('dx', dx, ref.dx, ref.dxAbs, tol);
  // dw with the other cols source: rebuilt from x (float64), or JS-built cols passed in (float32, which
  // the wasm path ignores, rebuilding them itself: the result must not change).
  const cols2 = dtype === 'float64' ? null : conv2dCols(g, x);
  expectClose('dw (other cols source)', conv2dBackwardParams(g, x, dy, cols2).dw, ref.dw, ref.dwAbs, tol);

  // Adjoint laws of the linear map (x, w) ↦ conv(x, w) without bias:
  // ⟨conv(x, w), dy⟩ = ⟨x, dx⟩ = ⟨w, dw⟩.
  if (dtype === 'float64') {
    const y0 = conv2dForward(g, x, w).y;
    const lhs = dot(y0, dy), scale = Math.max(1, Math.abs(lhs));
    expect(Math.abs(lhs - dot(x, dx)) / scale).toBeLessThan(1e-12);
    expect(Math.abs(lhs - dot(w, dw)) / scale).toBeLessThan(1e-12);
  }
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 12 }),
  c: fc.integer({ min: 1, max: 4 }), f: fc.integer({ min: 1, max: 5 }),
  kh: fc.integer({ min: 1, max: 5 }), kw: fc.integer({ min: 1, max: 5 }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
  padding: fc.constantFrom<Padding>('valid', 'same'), seed: fc.integer({ min: 0, max: 2 ** 30 }),
});

const fits = (t: Case): boolean => t.padding === 'same' || (t.kh <= t.h && t.kw <= t.w);

describe('conv2d kernels against a direct-loop reference', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: forward, dw, db, dx (and adjointness) over random shapes, strides and paddings`, () => {
      if (dtype === 'float32') expect(wasmAvailable()).toBe(true);
      fc.assert(fc.property(caseArb, (t) => {
        if (fits(t)) checkCase(t, dtype);
        else expect(() => conv2dGeometry([t.n, t.h, t.w, t.c], [t.kh, t.kw, t.c, t.f], [t.sh, t.sw], t.padding)).toThrow(ShapeError);
      }), { numRuns: 300 });
    });
  }

  it('float32: LeNet conv2 and a K > 256, F > 8 layer (GEMM blocking edges)', () => {
    checkCase({ n: 2, h: 12, w: 12, c: 6, f: 16, kh: 5, kw: 5, sh: 1, sw: 1, padding: 'valid', seed: 5 }, 'float32');
    checkCase({ n: 2, h: 9, w: 10, c: 16, f: 12, kh: 5, kw: 5, sh: 2, sw: 1, padding: 'same', seed: 6 }, 'float32');
    for (const dtype of ['float64', 'float32'] as const) {
      checkCase({ n: 3, h: 7, w: 7, c: 40, f: 9, kh: 1, kw: 1, sh: 1, sw: 1, padding: 'same', seed: 7 }, dtype);
    }
  });

  it('float32: batches cut into wasm blocks (256 KB of columns per block) and waves', () => {
    // 100 KB of columns per image: blocks of 2 + 2 + 1 images (and K = 500 > 256).
    checkCase({ n: 5, h: 10, w: 5, c: 20, f: 3, kh: 5, kw: 5, sh: 1, sw: 1, padding: 'same', seed: 8 }, 'float32');
    // 400 KB per image: one image per block.
    checkCase({ n: 2, h: 16, w: 16, c: 16, f: 2, kh: 5, kw: 5, sh: 1, sw: 1, padding: 'same', seed: 9 }, 'float32');
    // Blocks of one image, waves of two blocks: 7 images in 4 waves.
    setConvBudgets({ blockBytes: 1, waveBytes: 2 * 4 * (6 * 7 * 3 + 6 * 7 * 4) });
    try {
      checkCase({ n: 7, h: 6, w: 7, c: 3, f: 4, kh: 3, kw: 3, sh: 1, sw: 1, padding: 'same', seed: 10 }, 'float32');
    } finally {
      setConvBudgets();
    }
  });

  describe('without WebAssembly (float32 falls back to the JS path)', () => {
    afterEach(() => {
      vi.unstubAllGlobals();
      vi.resetModules();
    });
    it('gives the same results as the reference', async () => {
      vi.resetModules();
      vi.stubGlobal('WebAssembly', undefined);
      const fresh = await import('../../src/kernels/conv2d.js');
      const t: Case = { n: 2, h: 7, w: 6, c: 3, f: 4, kh: 3, kw: 2, sh: 2, sw: 1, padding: 'same', seed: 12 };
      const g = fresh.conv2dGeometry([t.n, t.h, t.w, t.c], [t.kh, t.kw, t.c, t.f], [t.sh, t.sw], t.padding);
      const [x, w, b] = [rand(t.n * t.h * t.w * t.c, 1), rand(t.kh * t.kw * t.c * t.f, 2), rand(t.f, 3)].map((a) => Float32Array.from(a));
      const dy = Float32Array.from(rand(t.n * g.oh * g.ow * t.f, 4));
      const ref = reference(t, Float64Array.from(x!), Float64Array.from(w!), Float64Array.from(b!), Float64Array.from(dy));
      const { y, cols } = fresh.conv2dForward(g, x!, w!, b);
      expect(cols).toBeInstanceOf(Float32Array);
      expectClose('y', y, ref.y, ref.yAbs, 1e-5);
      expectClose('dw', fresh.conv2dBackwardParams(g, x!, dy, cols).dw, ref.dw, ref.dwAbs, 1e-5);
      expectClose('dx', fresh.conv2dBackwardInput(g, dy, w!), ref.dx, ref.dxAbs, 1e-5);
    });
  });
});

describe('conv2d kernel contract', () => {
  it('a 1×1 stride-1 kernel uses x itself as the column matrix (JS path)', () => {
    const g = conv2dGeometry([2, 3, 3, 4], [1, 1, 4, 2]);
    const x = rand(72, 9);
    expect(conv2dForward(g, x, new Float64Array(8)).cols).toBe(x);
    expect(conv2dCols(g, x)).toBe(x);
  });

  it('conv2dCols rebuilds the forward cols for the backward', () => {
    const g = conv2dGeometry([2, 6, 5, 3], [3, 2, 3, 4], [2, 1], 'same');
    const x = rand(2 * 6 * 5 * 3, 10);
    expect(conv2dCols(g, x)).toEqual(conv2dForward(g, x, rand(3 * 2 * 3 * 4, 11)).cols);
  });

  it('does not mutate its inputs', () => {
    const g = conv2dGeometry([1, 5, 5, 2], [3, 3, 2, 3], 2, 'same');
    const x = rand(50, 1), w = rand(54, 2), b = rand(3, 3), dy = rand(g.oh * g.ow * 3, 4);
    const copies = [x, w, b, dy].map((a) => a.slice());
    const { cols } = conv2dForward(g, x, w, b);
    conv2dBackwardParams(g, x, dy, cols);
    const x32 = Float32Array.from(x), w32 = Float32Array.from(w), dy32 = Float32Array.from(dy);
    const copies32 = [x32, w32, dy32].map((a) => a.slice());
    conv2dForward(g, x32, w32, b);
    conv2dBackwardParams(g, x32, dy32);
    conv2dBackwardInput(g, dy32, w32);
    expect([x32, w32, dy32]).toEqual(copies32);
    conv2dBackwardInput(g, dy, w);
    expect([x, w, b, dy]).toEqual(copies);
  });

  it('throws ShapeErrors naming the argument and shapes', () => {
    expect(() => conv2dGeometry([1, 5, 5, 2], [3, 3, 3, 4])).toThrow(/conv2d: x has shape \[1,5,5,2\] but w has shape \[3,3,3,4\] \(channels 2 and 3 differ\)/);
    expect(() => conv2dGeometry([1, 5, 5], [3, 3, 5, 4])).toThrow(/conv2d: x has shape \[1,5,5\]/);
    expect(() => conv2dGeometry([1, 2, 5, 1], [3, 3, 1, 4])).toThrow(/conv2d: 'valid' padding needs the 3×3 window to fit in the 2×5 input/);
    const g = conv2dGeometry([1, 5, 5, 2], [3, 3, 2, 4]);
    expect(() => conv2dForward(g, new Float64Array(49), new Float64Array(72))).toThrow(/conv2d: x has 49 elements but shape \[1,5,5,2\] needs 50/);
    expect(() => conv2dForward(g, new Float64Array(50), new Float64Array(72), new Float64Array(3))).toThrow(/conv2d: b has 3 elements/);
    expect(() => conv2dBackwardInput(g, new Float64Array(35), new Float64Array(72))).toThrow(/conv2d: dy has 35 elements but shape \[1,3,3,4\] needs 36/);
  });
});
