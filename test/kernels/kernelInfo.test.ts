import { afterEach, describe, expect, it, vi } from 'vitest';
import { kernelInfo } from '../../src/index.js';
import { wasmAvailable } from '../../src/kernels/wasmMatmul.js';

describe('kernelInfo', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('reports the wasm SIMD matmul in Node 20, single-threaded', () => {
    expect(wasmAvailable()).toBe(true);
    expect(kernelInfo()).toEqual({ matmul: 'wasm-simd', threads: 1 });
  });

  it('reports the JS fallback where WebAssembly is missing', async () => {
    // A fresh module graph, so the kernel instance is created under the stub.
    vi.resetModules();
    vi.stubGlobal('WebAssembly', undefined);
    const fresh = await import('../../src/kernels/kernelInfo.js');
    const { matmulKernel } = await import('../../src/kernels/matmul.js');
    expect(fresh.kernelInfo()).toEqual({ matmul: 'js', threads: 1 });
    // ... and that is the path matmul takes: [1,2]·[2,1] = 1·3 + 2·4.
    expect(Array.from(matmulKernel(Float32Array.of(1, 2), Float32Array.of(3, 4), 1, 2, 1, 'nn'))).toEqual([11]);
  });
});
