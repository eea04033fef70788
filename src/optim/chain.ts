import type { GradientTransformation, StateOf } from './GradientTransformation.js'

/** The tuple of states of a chain's transformations. */
export type ChainState<Ts extends readonly GradientTransformation<any>[]> = { readonly [K in keyof Ts]: StateOf<Ts[K]> }

/**
 * Applies transformations one after another; the state is the tuple of their states (optax `chain`).
 *
 * @example
 * const adamW = chain(scaleByAdam(), l2(1e-4), scaleByLearningRate(1e-3))
 * @category optim
 */
export const chain = <const Ts extends readonly GradientTransformation<any>[]>(...ts: Ts): GradientTransformation<ChainState<Ts>> => ({
  init: (params) => ts.map((t) => t.init(params)) as unknown as ChainState<Ts>,
  update: (updates, state, params) => {
    const states: unknown[] = []
    let u = updates
    ts.forEach((t, i) => {
      const [next, s] = t.update(u, (state as readonly unknown[])[i], params)
      u = next
      states.push(s)
    })
    return [u, states as unknown as ChainState<Ts>]
  },
})
