// Build script for the wasm matmul kernel.
//
//   node src/kernels/assembly/build.mjs            # rewrites src/kernels/wasmBinary.ts
//   node src/kernels/assembly/build.mjs --out F    # writes the module text to F instead
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

/** asc flags; changing them changes the committed binary. */
export const ASC_FLAGS = [
  '--enable', 'simd', '-O3', '--runtime', 'stub', '--noAssert',
  // Exported memory with no maximum: the JS side grows it as needed.
  '--initialMemory', '1',
];

/** Compile matmul.ts in memory and return the .wasm bytes. */
export async function buildWasm() {
  let binary = null;
  const { error, stderr } = await asc.main(
    ['matmul.ts', '--outFile', 'matmul.wasm', ...ASC_FLAGS],
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
// with asc ${ASC_FLAGS.join(' ')}. ${bytes.length} bytes of wasm.
/** Base64 of the float32 matmul WebAssembly (SIMD) module. */
export const wasmBase64 =
  '${b64}';
`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  const out = i >= 0 ? resolve(process.argv[i + 1]) : DEFAULT_OUT;
  const bytes = await buildWasm();
  writeFileSync(out, renderModule(bytes));
  console.log(`wrote ${out} (${bytes.length} bytes of wasm)`);
}
