// Registers TensorFlow.js's gradients for training benchmarks.
//
// tfjs-core's CommonJS bundle (what `import '@tensorflow/tfjs-core'` loads in
// Node) registers kernels but no gradients; the `@tensorflow/tfjs` umbrella
// package adds them from `dist/register_all_gradients.js`, an ES module whose
// relative imports have no extension, so Node cannot load it as is. A resolve
// hook, limited to tfjs-core's dist folder, adds the `.js`. The modules it
// loads share the engine and registries with the bundle (tfjs keeps them on
// a global namespace and checks tensors with Symbol.hasInstance).
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  const from = context.parentURL ?? '';
  if (from.includes('/@tensorflow/tfjs-core/dist/') && /^\\.\\.?\\//.test(specifier) && !specifier.endsWith('.js')) {
    return next(specifier + '.js', context);
  }
  return next(specifier, context);
}
`;

let loaded;

/** Loads tfjs-core's gradient registrations once. */
export function loadTfjsGradients() {
  if (loaded === undefined) {
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
    loaded = import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  }
  return loaded;
}
