import { availableParallelism } from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { kernelInfo } from '../../src/index.js';
import { wasmAvailable } from '../../src/kernels/wasmMatmul.js';

describe('kernelInfo', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('reports the wasm SIMD matmul in Node 20, with up to 4 threads by default', () => {
    expect(wasmAvailable()).toBe(true);
    const info = kernelInfo();
    expect(info).toMatchObject({ matmul: 'wasm-simd', maxThreads: Math.min(4, availableParallelism()) });
    expect(info.threads).toBeGreaterThanOrEqual(1); // workers start in the background
    expect(info.threads).toBeLessThanOrEqual(info.maxThreads);
  });

  it('stays on one thread where memory cannot be shared (no SharedArrayBuffer, as in a page that is not cross-origin isolated)', async () => {
    vi.resetModules();
    vi.stubGlobal('SharedArrayBuffer', undefined);
    const fresh = await import('../../src/kernels/kernelInfo.js');
    const { matmulKernel } = await import('../../src/kernels/matmul.js');
    expect(fresh.kernelInfo()).toEqual({ matmul: 'wasm-simd', threads: 1, maxThreads: 1 });
    expect(fresh.setKernelThreads(2)).toEqual({ matmul: 'wasm-simd', threads: 1, maxThreads: 1 });
    const a = new Float32Array(256 * 256).fill(0.5);
    expect(matmulKernel(a, a, 256, 256, 256, 'nn').every((v) => v === 64)).toBe(true);
  });

  it('reports the JS fallback where WebAssembly is missing', async () => {
    // A fresh module graph, so the kernel instance is created under the stub.
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/kernels/kernelInfo.js');
    const { matmulKernel } = await import('../../src/kernels/matmul.js');
    expect(fresh.kernelInfo()).toEqual({ matmul: 'js', threads: 1, maxThreads: 1 });
    // ... and that is the path matmul takes: [1,2]·[2,1] = 1·3 + 2·4.
    expect(Array.from(matmulKernel(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 2, 1, 'nn'))).toEqual([11]);
  });
});
