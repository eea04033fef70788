import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convGeometry, type Padding } from '../../src/kernels/convGeometry.js';
import { ShapeError } from '../../src/shape/ShapeError.js';

describe('convGeometry', () => {
  it("'valid': OH counts the window positions oy·s that fit (by enumeration)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }),
      (size, k, s) => {
        fc.pre(k <= size);
        let count = 0;
        for (let o = 0; o * s + k <= size; o++) count++;
        const g = convGeometry(size, size + 1, k, k, s, s, 'valid');
        expect(g.oh).toBe(count);
        expect([g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([0, 0, 0, 0]);
      }), { numRuns: 300 });
  });

  it("'same': OH = ⌈H/s⌉, the windows cover the input, padding is minimal and split top-light", () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }),
      (size, k, s) => {
        const g = convGeometry(size, 1, k, 1, s, 1, 'same');
        expect(g.oh).toBe(Math.ceil(size / s));
        const total = g.padTop + g.padBottom;
        // The padded extent is exactly what the last window needs (or the input, if larger).
        expect(size + total).toBe(Math.max((g.oh - 1) * s + k, size));
        expect(g.padTop).toBe(Math.floor(total / 2));
        // Every window overlaps at least one real row (so pools never see an empty window).
        for (let o = 0; o < g.oh; o++) {
          const start = o * s - g.padTop;
          expect(start).toBeLessThan(size);
          expect(start + k - 1).toBeGreaterThanOrEqual(0);
        }
      }), { numRuns: 300 });
  });

  it("throws a ShapeError naming the op when a 'valid' window does not fit, or for bad sizes", () => {
    expect(() => convGeometry(3, 8, 5, 5, 1, 1, 'valid', 'conv2d')).toThrow(ShapeError);
    expect(() => convGeometry(3, 8, 5, 5, 1, 1, 'valid', 'conv2d')).toThrow(/conv2d: 'valid' padding needs the 5×5 window to fit in the 3×8 input/);
    expect(() => convGeometry(8, 8, 0, 3, 1, 1, 'valid')).toThrow(/kernel size/);
    expect(() => convGeometry(8, 8, 3, 3, 1.5, 1, 'same')).toThrow(/strides/);
    expect(() => convGeometry(8, 8, 3, 3, 1, 1, 'full' as Padding)).toThrow(/padding/);
    expect(convGeometry(3, 3, 5, 5, 1, 1, 'same').oh).toBe(3);
  });
});
