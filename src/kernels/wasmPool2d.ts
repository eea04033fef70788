import type { Window2d } from './convGeometry.js';
import { wasmWorkspace } from './wasmMatmul.js';

const align = (x: number): number => Math.ceil(x / 64) * 64;

/**
 * Float32 max pooling on the wasm SIMD kernel (src/kernels/assembly/pool.ts): y[N,OH,OW,C] and
 * the argmax (flat x index of each winner), bit for bit those of the JS loop in pool2d.ts. x is
 * copied into wasm memory and y, argmax copied out. Null, having done nothing, without wasm SIMD.
 */
export function maxPool2dWasm(g: Window2d, x: Float32Array): { y: Float32Array; argmax: Int32Array } | null {
  const len = g.n * g.oh * g.ow * g.c;
  const xBytes = align(4 * x.length), yBytes = align(4 * len);
  const ws = wasmWorkspace(xBytes + 2 * yBytes);
  if (ws === null) return null;
  const px = ws.base, py = px + xBytes, pa = py + yBytes;
  const buf = ws.memory.buffer; // re-read: growing replaces it
  new Float32Array(buf, px, x.length).set(x);
  ws.optim.maxPool2dF32(px, py, pa, g.n, g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.oh, g.ow, g.padTop, g.padLeft);
  return { y: new Float32Array(buf, py, len).slice(), argmax: new Int32Array(buf, pa, len).slice() };
}
