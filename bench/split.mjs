// When to split a product across threads (issue 12): for products near the thresholds of
// src/kernels/wasmMatmul.ts, ms per call at 1 thread, at 2 threads as the kernel decides (default
// thresholds), and at 2 threads with every product split (thresholds 0), interleaved per shape.
//
//   npm run build && node bench/split.mjs [--rounds 5] [--ms 200]
//
// "forced ÷ 1T" below 1 means splitting that product loses; the thresholds keep such products on
// the calling thread, so "default ÷ 1T" should stay near 1 there.
import { setKernelThreads } from '../dist/src/index.js';
import { matmulF32, setSplitThresholds, startWasmThreads } from '../dist/src/kernels/wasmMatmul.js';
import { parseBuildsArgs, median } from './builds.mjs';
import { random, timeMs } from './util.mjs';

const { rounds, roundMs } = parseBuildsArgs(process.argv.slice(2), { rounds: 5, ms: 200 });
setKernelThreads(2);
if (startWasmThreads(10_000) < 2) throw new Error('bench/split.mjs needs 2 kernel threads');

const shapes = [
  [128, 128, 10, 'nn'], [64, 64, 64, 'nn'], [128, 128, 64, 'nn'], [128, 256, 128, 'nn'],
  [150, 873, 16, 'tn'], [873, 150, 16, 'nn'], [873, 16, 150, 'nt'], [128, 784, 256, 'nn'], [512, 512, 512, 'nn'],
];
const modes = {
  '1T': () => { setKernelThreads(1); setSplitThresholds(); },
  default: () => { setKernelThreads(2); setSplitThresholds(); },
  forced: () => { setKernelThreads(2); setSplitThresholds({ macs: 0, output: 0, blockMacs: 0 }); },
};
console.log(`ms per product, median of ${rounds} rounds of ~${roundMs} ms per mode (modes interleaved per shape)`);
console.log(`${'M×K×N layout'.padEnd(18)} ${'1T'.padStart(8)} ${'default'.padStart(8)} ${'forced'.padStart(8)} | default÷1T forced÷1T (speed-ups)`);
for (const [m, k, n, layout] of shapes) {
  const a = random(m * k, m + k), b = random(k * n, k + n);
  const ms = Object.fromEntries(Object.keys(modes).map((name) => [name, []]));
  for (let r = 0; r < rounds; r++)
    for (const name of r % 2 ? Object.keys(modes).reverse() : Object.keys(modes)) {
      modes[name]();
      ms[name].push(timeMs(() => matmulF32(a, b, m, k, n, layout), roundMs)[0]);
    }
  const t = Object.fromEntries(Object.entries(ms).map(([name, xs]) => [name, median(xs)]));
  console.log(`${`${m}×${k}×${n} ${layout}`.padEnd(18)} ${t['1T'].toFixed(3).padStart(8)} ${t.default.toFixed(3).padStart(8)} ${t.forced.toFixed(3).padStart(8)} | ${(t['1T'] / t.default).toFixed(2).padStart(10)} ${(t['1T'] / t.forced).toFixed(2).padStart(9)}`);
}
setSplitThresholds();
