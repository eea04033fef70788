import { fold, type Key } from '../random/Key.js'
import type { Tensor } from '../tensor/Tensor.js'
import type { Activation } from '../layers/activation.js'
import type { AnyLayer, Context, InOf, Layer, NoParams, OutOf, ParamsOf, StateOf } from '../layers/Layer.js'

/**
 * Layers run one after another; itself a layer. Its params are the tuple of its layers' params
 * and its state the tuple of their states, in order (`NoParams` = `{}` for an activation).
 *
 * @category compose
 */
export interface Sequential<I extends number, O extends number, Ps extends readonly unknown[], Ss extends readonly unknown[]>
  extends Layer<I, O, Ps, Ss> {
  readonly kind: 'sequential'
  readonly layers: readonly AnyLayer[]
}

type AnySequential = Sequential<any, any, readonly unknown[], readonly unknown[]>
type PsOf<L> = L extends { readonly kind: 'sequential' } ? ParamsOf<L> : readonly [ParamsOf<L>]
type SsOf<L> = L extends { readonly kind: 'sequential' } ? StateOf<L> : readonly [StateOf<L>]

const layersOf = (l: AnyLayer): readonly AnyLayer[] => ('kind' in l && l.kind === 'sequential' ? (l as AnySequential).layers : [l])

/**
 * Composes layers in order: the forward pass runs them first to last, the backward pass runs their
 * backs last to first (backpropagation through the flow graph). Prefer {@link andThen} with `pipe`.
 */
export const sequential = (layers: readonly AnyLayer[]): AnySequential => {
  const flat = layers.flatMap(layersOf)
  const name = flat.map((l) => l.name).join(' → ')
  return {
    kind: 'sequential',
    name,
    layers: flat,
    init: (key: Key) => flat.map((l, i) => l.init(fold(key, i))),
    initState: () => flat.map((l) => l.initState()),
    apply: (params: readonly unknown[], x: Tensor<[number, number]>, ctx: Context<readonly unknown[]> = {}) => {
      const backs: ((dy: Tensor<[number, number]>) => readonly [unknown, Tensor<[number, number]>])[] = []
      const states: unknown[] = []
      let stateChanged = false
      let h: Tensor<[number, number]> = x as Tensor<[number, number]>
      for (let i = 0; i < flat.length; i++) {
        const st = ctx.state?.[i]
        const sub: Context<unknown> = {
          ...(ctx.training !== undefined && { training: ctx.training }),
          ...(ctx.key !== undefined && { key: fold(ctx.key, i) }),
          ...(st !== undefined && { state: st }),
        }
        const [y, back, newState] = flat[i]!.apply(params[i], h, sub)
        backs.push(back)
        states.push(newState ?? st)
        if (newState !== undefined) stateChanged = true
        h = y
      }
      const back = (dy: Tensor<[number, number]>) => {
        const grads: unknown[] = new Array(flat.length)
        let d = dy
        for (let i = flat.length - 1; i >= 0; i--) {
          const [g, dx] = backs[i]!(d)
          grads[i] = g
          d = dx
        }
        return [grads, d] as const
      }
      return stateChanged ? ([h, back, states] as const) : ([h, back] as const)
    },
  } as unknown as AnySequential
}

/**
 * Data-last composition for `pipe`: `pipe(first, andThen(second))` runs `first` then `second`.
 * The compiler checks that `second`'s input width is `first`'s output width; an activation fits
 * any width. Params and state of the result are flat tuples, one entry per layer.
 *
 * @example
 * const mlp = pipe(dense(784, 256), andThen(relu), andThen(dense(256, 10)))
 * // Sequential<784, 10, readonly [DenseParams<784, 256>, NoParams, DenseParams<256, 10>], ...>
 * @category compose
 */
export function andThen(
  next: Activation,
): <L extends AnyLayer>(prev: L) => Sequential<InOf<L>, OutOf<L>, readonly [...PsOf<L>, NoParams], readonly [...SsOf<L>, undefined]>
export function andThen<O extends number, O2 extends number, Q, T>(
  next: Layer<O, O2, Q, T>,
): <L extends Layer<any, O, any, any>>(prev: L) => Sequential<InOf<L>, O2, readonly [...PsOf<L>, Q], readonly [...SsOf<L>, T]>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function andThen(next: AnyLayer | Activation): (prev: AnyLayer) => any {
  return (prev: AnyLayer) => sequential([prev, next as AnyLayer])
}
