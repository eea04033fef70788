// Build script for the wasm matmul kernel.
//
//   node src/kernels/assembly/build.mjs            # rewrites src/kernels/wasmBinary.ts
//   node src/kernels/assembly/build.mjs --out F    # writes the module text to F instead
//   ... --adam-out F                               # and the Adam module's text to F
//
// Two modules: matmul.ts (+ conv.ts) → wasmBinary.ts, and adam.ts → wasmAdamBinary.ts (the
// optimizer's fused step; a module of its own so that each stays below browsers' 4 KB limit for
// synchronous compilation on the main thread).
//
// Compiles ./matmul.ts with AssemblyScript (devDependency, never needed at
// runtime) and embeds the .wasm as base64 in a TypeScript module, which is
// committed so that consumers need no asc and no file/network access.
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import asc from 'assemblyscript/asc';

const here = dirname(fileURLToPath(import.meta.url));
const DEFAULT_OUT = resolve(here, '..', 'wasmBinary.ts');
const DEFAULT_ADAM_OUT = resolve(here, '..', 'wasmAdamBinary.ts');

/** asc flags; changing them changes the committed binary. */
export const ASC_FLAGS = [
  '--enable', 'simd', '-O3', '--runtime', 'stub', '--noAssert',
  // Memory starts at one page; the JS side grows it as needed (see MEMORY_FLAGS).
  '--initialMemory', '1',
];

/**
 * Both modules import their memory (`env.memory`, at most 32768 pages = 2 GiB) instead of owning
 * one: they are instantiated over one memory, on the calling thread and in each worker thread; the
 * loader (src/kernels/wasmMatmul.ts) marks that import shared when threads are possible.
 */
export const MEMORY_FLAGS = ['--importMemory', '--maximumMemory', '32768'];

/** Compile matmul.ts (or another entry file here) in memory and return the .wasm bytes. */
export async function buildWasm(entry = 'matmul.ts') {
  let binary = null;
  const flags = [...ASC_FLAGS, ...MEMORY_FLAGS];
  const { error, stderr } = await asc.main(
    [entry, '--outFile', entry.replace(/\.ts$/, '.wasm'), ...flags],
    {
      readFile: (name, baseDir) => {
        try { return readFileSync(resolve(here, baseDir, name), 'utf8'); } catch { return null; }
      },
      writeFile: (name, contents) => { if (name.endsWith('.wasm')) binary = contents; },
      listFiles: () => [],
    },
  );
  if (error) throw new Error(`asc failed: ${error.message}\n${stderr.toString()}`);
  if (!binary) throw new Error('asc produced no binary');
  return binary;
}

/** The text of src/kernels/wasmBinary.ts for the given wasm bytes. */
export function renderModule(bytes) {
  const b64 = Buffer.from(bytes).toString('base64');
  return `// GENERATED FILE - do not edit. Produced by \`npm run build:wasm\`
// (node src/kernels/assembly/build.mjs) from src/kernels/assembly/matmul.ts
// with asc ${[...ASC_FLAGS, ...MEMORY_FLAGS].join(' ')}. ${bytes.length} bytes of wasm.
/** Base64 of the float32 matmul WebAssembly (SIMD) module. */
export const wasmBase64 =
  '${b64}';
`;
}

/** The text of src/kernels/wasmAdamBinary.ts for the given wasm bytes. */
export function renderAdamModule(bytes) {
  const b64 = Buffer.from(bytes).toString('base64');
  return `// GENERATED FILE - do not edit. Produced by \`npm run build:wasm\`
// (node src/kernels/assembly/build.mjs) from src/kernels/assembly/adam.ts
// with asc ${[...ASC_FLAGS, ...MEMORY_FLAGS].join(' ')}. ${bytes.length} bytes of wasm.
/** Base64 of the float32 fused-Adam WebAssembly (SIMD) module. */
export const wasmAdamBase64 =
  '${b64}';
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (flag, dflt) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? resolve(process.argv[i + 1]) : dflt;
  };
  // NOTE: `--out` alone writes the matmul module only (as before the Adam module existed).
  const out = arg('--out', DEFAULT_OUT);
  const adamOut = arg('--adam-out', process.argv.includes('--out') ? null : DEFAULT_ADAM_OUT);
  const bytes = await buildWasm();
  writeFileSync(out, renderModule(bytes));
  console.log(`wrote ${out} (${bytes.length} bytes of wasm)`);
  if (adamOut !== null) {
    const adamBytes = await buildWasm('adam.ts');
    writeFileSync(adamOut, renderAdamModule(adamBytes));
    console.log(`wrote ${adamOut} (${adamBytes.length} bytes of wasm)`);
  }
}
