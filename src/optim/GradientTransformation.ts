/**
 * A type-level function from a params type (`this['params']`) to a transformation's state, e.g.
 * Adam's `P ↦ { count, mu: P, nu: P }` (the "this-type" encoding of a type function, as for
 * layers' `ShapeFn`). It is what lets a state be typed by the params it was initialised with.
 *
 * @example
 * interface TraceStateFn extends StateFn { readonly state: TraceState<this['params']> }
 * @category optim
 */
export interface StateFn {
  // NOTE: `unknown`, so that `(F & { params: P })['params']` is exactly `P`.
  readonly params: unknown
  readonly state: unknown
}

/** The state a transformation with state function `F` keeps for params `P`. @category optim */
export type StateFor<F extends StateFn, P> = (F & { readonly params: P })['state']

/** The state function of a state that does not depend on the params (`null`, a step count). @category optim */
export interface Fixed<S> extends StateFn {
  readonly state: S
}

/**
 * A gradient transformation (optax's `GradientTransformation`): a pair of pure functions.
 *
 * - `init(params)` gives the transformation's initial state.
 * - `update(updates, state, params)` turns incoming updates (at first, the gradients) into outgoing
 *   updates and a new state. It never mutates `state`: stepping twice from one old state gives
 *   identical results.
 *
 * Transformations chain (`chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3))`);
 * an optimizer is just a chain whose last step scales by −α. Params, updates and states are trees
 * of tensors (see `mapTree`).
 *
 * The state is typed by the params: `F` maps the params type `P` to the state type (`adam(…)`
 * initialised on params `P` gives `AdamState<P>`), so the state of one network's optimizer given
 * with another network's params or gradients does not compile. `GradientTransformation<S>` (with
 * `F` left out) is a transformation whose state is `S` whatever the params: how generic code that
 * only carries the state along (`fit`, `trainStep`) can name any transformation. The state a typed
 * transformation has there is its state for `unknown` params (`StateOf<T>`).
 *
 * NOTE: method syntax on purpose: parameters of methods compare bivariantly, which is what lets a
 * typed transformation be passed where `GradientTransformation<S>` is expected.
 *
 * @category optim
 */
export interface GradientTransformation<S = unknown, F extends StateFn = Fixed<S>> {
  init<P>(params: P): StateFor<F, P>
  update<P>(updates: P, state: StateFor<F, P>, params: P): readonly [P, StateFor<F, P>]
  /**
   * Feeds an observed value (the validation score, once per epoch) to transformations that adapt
   * to it (`reduceOnPlateau`); absent or the identity for the others. `chain` forwards it.
   */
  observe?<P>(state: StateFor<F, P>, value: number): StateFor<F, P>
  /**
   * An optional fast path that also applies the update: `[θ + u, s′]` where `[u, s′] =
   * update(grads, state, params)`, bit for bit, computed in one pass per leaf without the
   * intermediate update trees. Only the named optimizers (`sgd`, `momentum`, `adam`, …) have it,
   * and only for the exact chain they build; `trainStep` and `step` use it when present. A
   * transformation that wraps another and changes its `update` must not copy it.
   */
  updateAndApply?<P>(grads: P, state: StateFor<F, P>, params: P): readonly [P, StateFor<F, P>]
}

/** A transformation whose state is given by the state function `F` (the named transformations' type). @category optim */
export type Transformation<F extends StateFn> = GradientTransformation<StateFor<F, unknown>, F>

/** The state function of a transformation. */
export type StateFnOf<T> = T extends GradientTransformation<any, infer F extends StateFn> ? F : never // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * The state of a transformation for params `P`: `StateOf<typeof opt, P>` is what `opt.init(p)`
 * gives for `p: P` (for `unknown` params when `P` is left out).
 *
 * @category optim
 */
export type StateOf<T, P = unknown> = StateFor<StateFnOf<T>, P>
