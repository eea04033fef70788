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
 * of tensors (see `mapTree`), typed by the caller's params `P`.
 *
 * @category optim
 */
export interface GradientTransformation<S = unknown> {
  readonly init: <P>(params: P) => S
  readonly update: <P>(updates: P, state: S, params: P) => readonly [P, S]
}

/** The state of a transformation value. */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never
