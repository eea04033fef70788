// Internal: finding where training went non-finite. Run only after a step failed, so it may
// recompute what the step computed (the step is pure: the same inputs give the same values).
import type { AnyLayer, Context, Layer } from '../layers/Layer.js'
import { valueAndGrad } from '../grad/valueAndGrad.js'
import type { Loss } from '../losses/Loss.js'
import type { GradientTransformation } from '../optim/GradientTransformation.js'
import { applyUpdates } from '../optim/applyUpdates.js'
import { fold } from '../random/Key.js'
import { sliceRows } from '../ops/sliceRows.js'
import type { Shape } from '../shape/Shape.js'
import type { Tensor } from '../tensor/Tensor.js'
import { leaves } from '../tree/tree.js'
import type { DivergenceSite } from './DivergenceError.js'

/** Where a step went non-finite (see `DivergenceReport`). */
export interface Site {
  readonly site: DivergenceSite
  readonly layer: string | undefined
  readonly layerIndex: number | undefined
  readonly path: string | undefined
}

/** True when every entry of `t` is finite. */
export const finite = (t: Tensor): boolean => {
  // NOTE: v·0 is ±0 for a finite v and NaN for ±Infinity or NaN; a branch-free sum is faster than
  // testing each entry (fit checks all params after every step).
  const d = t.data
  let a = 0
  for (let i = 0; i < d.length; i++) a += d[i]! * 0
  return a === 0
}

/** The path of the first tensor leaf holding a non-finite value, or `undefined` when all are finite. */
export const firstNonFinite = (tree: unknown): string | undefined => leaves(tree).find(({ tensor }) => !finite(tensor))?.path

/** The layers of a network as `sequential` runs them, or the network itself as its only layer. */
const layersOf = (net: AnyLayer): readonly AnyLayer[] =>
  net.kind === 'sequential' && Array.isArray((net as { layers?: unknown }).layers) ? (net as unknown as { layers: readonly AnyLayer[] }).layers : [net]

/**
 * Re-runs the forward pass layer by layer with the contexts `sequential` gives each layer, and
 * names the first layer whose output is non-finite (`undefined` when every output is finite).
 */
export const firstNonFiniteOutput = (net: AnyLayer, params: unknown, x: Tensor, ctx: Context<unknown>): Site | undefined => {
  const layers = layersOf(net)
  const sequential = layers.length > 1 || layers[0] !== net
  let h = x
  for (let i = 0; i < layers.length; i++) {
    const state = sequential ? (ctx.state as readonly unknown[] | undefined)?.[i] : ctx.state
    const sub: Context<unknown> = {
      ...(ctx.training !== undefined && { training: ctx.training }),
      ...(ctx.key !== undefined && { key: sequential ? fold(ctx.key, i) : ctx.key }),
      ...(state !== undefined && { state }),
    }
    ;[h] = layers[i]!.apply(sequential ? (params as readonly unknown[])[i] : params, h, sub)
    if (!finite(h)) return { site: 'output', layer: layers[i]!.name, layerIndex: sequential ? i : undefined, path: undefined }
  }
  return undefined
}

/** The site for a non-finite leaf at params `path`: its layer is the path's first index in a sequential net. */
const leafSite = (net: AnyLayer, site: DivergenceSite, path: string): Site => {
  const layers = layersOf(net)
  if (layers[0] === net) return { site, layer: net.name, layerIndex: undefined, path }
  const i = Number(/^\[(\d+)\]/.exec(path)?.[1])
  return { site, layer: layers[i]?.name, layerIndex: Number.isInteger(i) ? i : undefined, path }
}

/** The non-finite leaf nearest the output: backpropagation reaches the last layers first. */
const lastNonFinite = (tree: unknown): string | undefined => {
  const all = leaves(tree)
  for (let i = all.length - 1; i >= 0; i--) if (!finite(all[i]!.tensor)) return all[i]!.path
  return undefined
}

/**
 * Why a step that ran gave non-finite params or loss: recomputes the loss and gradient, the update
 * and `θ + u` from the state before the step, and names the first of them that is non-finite.
 */
export const diagnoseStep = <In extends Shape, Out extends Shape, P, St, S>(
  net: Layer<In, Out, P, St>,
  loss: Loss,
  optimizer: GradientTransformation<S>,
  state: { readonly params: P; readonly opt: S },
  batch: { readonly x: Tensor; readonly y: unknown },
  ctx: Context<St>,
): Site => {
  const output = firstNonFiniteOutput(net as unknown as AnyLayer, state.params, batch.x, ctx as Context<unknown>)
  if (output !== undefined) return output
  const [value, grads] = (valueAndGrad(net, loss) as unknown as (p: P, x: Tensor, y: unknown, c: Context<St>) => readonly [number, P])(
    state.params, batch.x, batch.y, ctx,
  )
  if (!Number.isFinite(value)) return { site: 'loss', layer: undefined, layerIndex: undefined, path: undefined }
  const badGrad = lastNonFinite(grads)
  if (badGrad !== undefined) return leafSite(net as unknown as AnyLayer, 'gradient', badGrad)
  const [updates] = optimizer.update(grads, state.opt, state.params)
  const badUpdate = lastNonFinite(updates)
  if (badUpdate !== undefined) return leafSite(net as unknown as AnyLayer, 'update', badUpdate)
  return leafSite(net as unknown as AnyLayer, 'params', lastNonFinite(applyUpdates(state.params, updates)) ?? '')
}

/** The first layer whose output on `x` (in chunks, eval mode) is non-finite. */
export const diagnoseValidation = (net: AnyLayer, params: unknown, x: Tensor<[number, ...number[]]>, netState: unknown, chunk = 1024): Site => {
  const n = x.shape[0]
  for (let s = 0; s < n; s += chunk) {
    const site = firstNonFiniteOutput(net, params, sliceRows(x, s, Math.min(n, s + chunk)), netState === undefined ? {} : { state: netState })
    if (site !== undefined) return { ...site, site: 'validation' }
  }
  return { site: 'validation', layer: undefined, layerIndex: undefined, path: undefined }
}
