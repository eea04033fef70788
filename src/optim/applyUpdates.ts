import type { Fixed, GradientTransformation, StateFn, StateFor } from './GradientTransformation.js'
import { leafwise } from './leafwise.js'

/**
 * `θ + u`, leaf by leaf (the updates already carry the −α).
 *
 * @category optim
 */
export const applyUpdates = <P>(params: P, updates: P): P =>
  leafwise<P>(
    [params, updates],
    ([p, u], o) => {
      for (let i = 0; i < o.length; i++) o[i] = p![i]! + u![i]!
    },
    'applyUpdates',
  )

/**
 * `update` then {@link applyUpdates}: the new params and optimizer state, through the optimizer's
 * one-pass `updateAndApply` when it has one (same bits).
 */
export const applyStep = <S, F extends StateFn, P>(
  opt: GradientTransformation<S, F>,
  grads: P,
  state: StateFor<F, P>,
  params: P,
): readonly [P, StateFor<F, P>] => {
  if (opt.updateAndApply !== undefined) return opt.updateAndApply(grads, state, params)
  const [updates, next] = opt.update(grads, state, params)
  return [applyUpdates(params, updates), next]
}

/** Params and optimizer state together: the accumulator of a training fold. */
export interface OptimizerState<P, S> {
  readonly params: P
  readonly opt: S
}

/**
 * An optimizer as a reducer `(state, grads) → state`, usable directly with `Array.prototype.reduce`
 * or fp-ts `ReadonlyArray.reduce`: it transforms the grads, applies them, and returns a new state.
 *
 * @example
 * const opt = adam(1e-3)
 * const final = gradsList.reduce(step(opt), { params, opt: opt.init(params) })
 * @category optim
 */
export const step =
  <S, F extends StateFn = Fixed<S>>(opt: GradientTransformation<S, F>) =>
  <P>(state: OptimizerState<P, StateFor<F, P>>, grads: P): OptimizerState<P, StateFor<F, P>> => {
    const [params, next] = applyStep(opt, grads, state.opt, state.params)
    return { params, opt: next }
  }

/** The initial {@link OptimizerState} for params (its state typed by them). @category optim */
export const initOptimizer = <S, F extends StateFn, P>(opt: GradientTransformation<S, F>, params: P): OptimizerState<P, StateFor<F, P>> => ({
  params,
  opt: opt.init(params),
})
