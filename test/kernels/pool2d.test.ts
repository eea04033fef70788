import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Padding } from '../../src/kernels/convGeometry.js';
import {
  avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward, maxPool2dLoop, pool2dGeometry,
} from '../../src/kernels/pool2d.js';
import { maxPool2dWasm } from '../../src/kernels/wasmPool2d.js';
import { ShapeError } from '../../src/shape/ShapeError.js';

// Naive direct-loop pooling in float64 with its own TensorFlow geometry.

interface Case {
  n: number; h: number; w: number; c: number;
  kh: number; kw: number; sh: number; sw: number; padding: Padding; seed: number;
  /** Quantise x to {-1, -0.5, 0, 0.5, 1} so that windows have tied maxima. */
  ties: boolean;
}

function rand(len: number, seed: number): Float64Array {
  const out = new Float64Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function refAxis(size: number, k: number, s: number, padding: Padding): [number, number] {
  if (padding === 'valid') return [Math.floor((size - k) / s) + 1, 0];
  const out = Math.ceil(size / s);
  return [out, Math.floor(Math.max((out - 1) * s + k - size, 0) / 2)];
}

/** For each output element (index yi), the flat x indices of its real window elements in (ky, kx) order. */
function windows(t: Case): { oh: number; ow: number; win: number[][] } {
  const [oh, pt] = refAxis(t.h, t.kh, t.sh, t.padding), [ow, pl] = refAxis(t.w, t.kw, t.sw, t.padding);
  const win: number[][] = [];
  for (let b = 0; b < t.n; b++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    for (let ch = 0; ch < t.c; ch++) {
      const idx: number[] = [];
      for (let ky = 0; ky < t.kh; ky++) for (let kx = 0; kx < t.kw; kx++) {
        const iy = oy * t.sh - pt + ky, ix = ox * t.sw - pl + kx;
        if (iy >= 0 && iy < t.h && ix >= 0 && ix < t.w) idx.push(((b * t.h + iy) * t.w + ix) * t.c + ch);
      }
      win.push(idx);
    }
  }
  return { oh, ow, win };
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

function checkCase(t: Case, dtype: 'float64' | 'float32'): void {
  const conv = (a: Float64Array): Float64Array => (dtype === 'float64' ? a : Float32Array.from(a) as unknown as Float64Array);
  const x = conv(rand(t.n * t.h * t.w * t.c, t.seed).map((v) => (t.ties ? Math.round(v * 2) / 2 : v)));
  const g = pool2dGeometry([t.n, t.h, t.w, t.c], [t.kh, t.kw], [t.sh, t.sw], t.padding);
  const { oh, ow, win } = windows(t);
  expect([g.oh, g.ow]).toEqual([oh, ow]);
  const dy = conv(rand(t.n * oh * ow * t.c, t.seed + 1));
  const Ctor = dtype === 'float64' ? Float64Array : Float32Array;

  // Reference max (first maximum wins), its backward, the average and its backward.
  const argRef = new Int32Array(win.length);
  const yMax = new Float64Array(win.length), yAvg = new Float64Array(win.length);
  const dxMax = new Float64Array(x.length), dxAvg = new Float64Array(x.length);
  win.forEach((idx, i) => {
    expect(idx.length).toBeGreaterThan(0);
    let best = idx[0]!;
    for (const j of idx) if (x[j]! > x[best]!) best = j;
    yMax[i] = x[best]!;
    argRef[i] = best;
    dxMax[best] = dxMax[best]! + dy[i]!;
    yAvg[i] = idx.reduce((s, j) => s + x[j]!, 0) / idx.length;
    for (const j of idx) dxAvg[j] = dxAvg[j]! + dy[i]! / idx.length;
  });

  const { y, argmax } = maxPool2d(g, x);
  expect(y).toBeInstanceOf(Ctor);
  expect(Array.from(y)).toEqual(Array.from(yMax)); // max is exact in any precision
  expect(argmax).toEqual(argRef); // the first maximum in (ky, kx) order
  const dxm = maxPool2dBackward(g, dy, argmax);
  expect(dxm).toBeInstanceOf(Ctor);
  const tol = dtype === 'float64' ? 1e-12 : 1e-5;
  const close = (what: string, got: ArrayLike<number>, want: Float64Array): void => {
    expect(got.length, what).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i]! - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)))) {
        throw new Error(`${what}[${i}]: got ${got[i]} want ${want[i]}`);
      }
    }
  };
  close('maxPool dx', dxm, dxMax);

  const ya = avgPool2d(g, x), dxa = avgPool2dBackward(g, dy);
  expect(ya).toBeInstanceOf(Ctor);
  expect(dxa).toBeInstanceOf(Ctor);
  close('avgPool y', ya, yAvg);
  close('avgPool dx', dxa, dxAvg);

  // Adjoint laws: ⟨pool(x), dy⟩ = ⟨x, back(dy)⟩ (max pool is linear once argmax is fixed).
  if (dtype === 'float64') {
    for (const [yy, dx] of [[y, dxm], [ya, dxa]] as const) {
      const lhs = dot(yy, dy);
      expect(Math.abs(lhs - dot(x, dx)) / Math.max(1, Math.abs(lhs))).toBeLessThan(1e-12);
    }
  }
}

const caseArb: fc.Arbitrary<Case> = fc.record({
  n: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 12 }),
  c: fc.integer({ min: 1, max: 9 }),
  kh: fc.integer({ min: 1, max: 5 }), kw: fc.integer({ min: 1, max: 5 }),
  sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 3 }),
  padding: fc.constantFrom<Padding>('valid', 'same'), seed: fc.integer({ min: 0, max: 2 ** 30 }),
  ties: fc.boolean(),
});

describe('pooling kernels against a direct-loop reference', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    it(`${dtype}: max and average pool forward and backward over random shapes`, () => {
      fc.assert(fc.property(caseArb, (t) => {
        if (t.padding === 'same' || (t.kh <= t.h && t.kw <= t.w)) checkCase(t, dtype);
        else expect(() => pool2dGeometry([t.n, t.h, t.w, t.c], [t.kh, t.kw], [t.sh, t.sw], t.padding)).toThrow(ShapeError);
      }), { numRuns: 300 });
    });
  }
});

describe('float32 max pooling on the wasm kernel', () => {
  // Values whose comparisons are easy to get wrong: NaN (never `>`), ±0 (equal), ±∞, subnormals, ties.
  const SPECIAL = [NaN, -0, 0, Infinity, -Infinity, 1, -1, 0.5, 1e-45, -1e-45, 3.4e38] as const;

  it("gives the JS loop's maxima and argmax bit for bit (NaN, ±0, ±∞, subnormals, ties; 1–9 channels; strides, padding)", () => {
    fc.assert(fc.property(caseArb, fc.integer({ min: 0, max: 2 ** 30 }), (t, pick) => {
      if (!(t.padding === 'same' || (t.kh <= t.h && t.kw <= t.w))) return;
      const g = pool2dGeometry([t.n, t.h, t.w, t.c], [t.kh, t.kw], [t.sh, t.sw], t.padding);
      const r = rand(t.n * t.h * t.w * t.c, t.seed);
      // About a third of the elements special, the rest random (quantised when ties are asked for).
      const x = Float32Array.from(r, (v, i) => ((pick >> (i % 29)) & 1) && i % 3 === 0
        ? SPECIAL[(i * 7 + pick) % SPECIAL.length]! : t.ties ? Math.round(v * 2) / 2 : v);
      const want = maxPool2dLoop(g, x), got = maxPool2dWasm(g, x);
      expect(got).not.toBeNull();
      expect(got!.y.length).toBe(want.y.length);
      // Bits, not values: ±0 and NaN payloads must match too.
      const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
      const [gb, wb] = [bits(got!.y), bits(want.y)];
      for (let i = 0; i < want.y.length; i++) {
        if (gb[i] !== wb[i] || got!.argmax[i] !== want.argmax[i])
          throw new Error(`y[${i}]: wasm ${got!.y[i]} at ${got!.argmax[i]}, loop ${want.y[i]} at ${want.argmax[i]}`);
      }
      const layers = maxPool2d(g, x); // the float32 path the layers take
      expect(Array.from(bits(layers.y))).toEqual(Array.from(wb));
      expect(layers.argmax).toEqual(want.argmax);
    }), { numRuns: 400 });
  });
});

describe('pooling kernel contract', () => {
  it("stride defaults to the kernel; 'same' average pool divides by the real-element count", () => {
    const g = pool2dGeometry([2, 7, 5, 3], [3, 2]);
    expect([g.sh, g.sw, g.oh, g.ow]).toEqual([3, 2, 2, 2]);
    // All-ones input: every window average is exactly 1 only if padded zeros are not counted.
    const gs = pool2dGeometry([2, 7, 5, 3], 3, 2, 'same');
    expect(gs.padTop + gs.padLeft).toBeGreaterThan(0);
    expect(Array.from(avgPool2d(gs, new Float64Array(2 * 7 * 5 * 3).fill(1))).every((v) => v === 1)).toBe(true);
  });

  it('max pool gradient adds where overlapping windows share a winner', () => {
    // One large value at the centre of a 3×3 input: all four 2×2 stride-1 windows pick it.
    const x = new Float64Array(9); x[4] = 5;
    const g = pool2dGeometry([1, 3, 3, 1], 2, 1);
    const { argmax } = maxPool2d(g, x);
    expect(Array.from(argmax)).toEqual([4, 4, 4, 4]);
    expect(maxPool2dBackward(g, Float64Array.from([1, 2, 3, 4]), argmax)[4]).toBe(10);
  });

  it('throws ShapeErrors naming the op', () => {
    expect(() => pool2dGeometry([1, 3, 3, 1], 4)).toThrow(/pool2d: 'valid' padding needs the 4×4 window to fit in the 3×3 input/);
    expect(() => pool2dGeometry([3, 3, 1], 2)).toThrow(/pool2d: x has shape \[3,3,1\]/);
    const g = pool2dGeometry([1, 4, 4, 2], 2);
    expect(() => maxPool2d(g, new Float32Array(31))).toThrow(/maxPool2d: x has 31 elements but shape \[1,4,4,2\] needs 32/);
    expect(() => avgPool2dBackward(g, new Float32Array(7))).toThrow(/avgPool2dBackward: dy has 7 elements but shape \[1,2,2,2\] needs 8/);
  });
});
