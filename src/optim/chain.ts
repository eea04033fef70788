import type { GradientTransformation, StateFn, StateFnOf, StateFor, Transformation } from './GradientTransformation.js'

/** Any transformation, as `chain` takes them. */
type AnyTransformation = GradientTransformation<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** The tuple of states of a chain's transformations, for params `P`. @category optim */
export type ChainState<Ts extends readonly AnyTransformation[], P = unknown> = { readonly [K in keyof Ts]: StateFor<StateFnOf<Ts[K]>, P> }

/** `P ↦ ChainState<Ts, P>`. */
export interface ChainStateFn<Ts extends readonly AnyTransformation[]> extends StateFn {
  readonly state: ChainState<Ts, this['params']>
}

/**
 * Applies transformations one after another; the state is the tuple of their states (optax `chain`).
 *
 * @example
 * const adamW = chain(scaleByAdam(), l2(1e-4), scaleByLearningRate(1e-3))
 * const s = adamW.init(params)   // readonly [ScaleByAdamState<typeof params>, null, ScaleByScheduleState]
 * @category optim
 */
export const chain = <const Ts extends readonly AnyTransformation[]>(...ts: Ts): Transformation<ChainStateFn<Ts>> => {
  const base: Transformation<ChainStateFn<Ts>> = {
    init: (params) => ts.map((t) => t.init(params)) as unknown as ChainState<Ts, typeof params>,
    update: (updates, state, params) => {
      const states: unknown[] = []
      let u = updates
      ts.forEach((t, i) => {
        const [next, s] = t.update(u, (state as readonly unknown[])[i], params)
        u = next
        states.push(s)
      })
      return [u, states as unknown as ChainState<Ts, typeof params>]
    },
  }
  // NOTE: a chain observes (see `observe`) only when one of its transformations does.
  if (!ts.some((x) => x.observe !== undefined)) return base
  return {
    ...base,
    observe: (state, value) =>
      ts.map((x, i) => {
        const s = (state as readonly unknown[])[i]
        return x.observe === undefined ? s : x.observe(s, value)
      }) as unknown as typeof state,
  }
}
