import { ValueError } from '../shape/ValueError.js'
import { isTensor } from '../tree/tree.js'
import type { GradientTransformation } from './GradientTransformation.js'
import { scaleLeaves } from './leafwise.js'

/**
 * State of {@link reduceOnPlateau} (optax `ReduceLROnPlateauState`): the factor in force, the best
 * value observed, observations since the last improvement, and observations left in the cooldown.
 */
export interface ReduceOnPlateauState {
  readonly rateFactor: number
  readonly best: number
  readonly plateauCount: number
  readonly cooldownCount: number
}

/** Options of {@link reduceOnPlateau}; only `patience` is required. @category optim */
export interface ReduceOnPlateauOptions {
  /** Observations without improvement before the factor is cut (a positive integer). */
  readonly patience: number
  /** What the factor is multiplied by at each cut, in (0, 1): 0.5 halves the rate (the default). */
  readonly factor?: number
  /** An observation improves when it is below `(1 − rtol)·best − atol` (both 0 by default: strictly below). */
  readonly rtol?: number
  readonly atol?: number
  /** Observations after a cut during which no further cut happens (0 by default). */
  readonly cooldown?: number
  /** The factor never goes below this (0 by default). */
  readonly minScale?: number
}

const KEYS = ['rateFactor', 'best', 'plateauCount', 'cooldownCount']
const isPlateauState = (v: unknown): v is ReduceOnPlateauState =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === KEYS.length &&
  KEYS.every((k) => typeof (v as Record<string, unknown>)[k] === 'number')

/**
 * The learning-rate factor an optimizer state holds: the product of the `rateFactor` of every
 * {@link reduceOnPlateau} state in it (found by structure, as optax's `tree_get` finds a state by
 * name), 1 when it has none. `fit` reports it in each `EpochRecord`.
 *
 * @example
 * rateFactorOf(state.opt) // 0.25 after two cuts of reduceOnPlateau({ patience: 3 })
 * @category optim
 */
export const rateFactorOf = (optState: unknown): number => plateauStates(optState).reduce((f, s) => f * s.rateFactor, 1)

/** Every {@link reduceOnPlateau} state inside an optimizer state (internal: `fit` asks whether there is one). */
export const plateauStates = (optState: unknown, found: ReduceOnPlateauState[] = []): ReduceOnPlateauState[] => {
  if (isPlateauState(optState)) found.push(optState)
  else if (!isTensor(optState) && typeof optState === 'object' && optState !== null) for (const v of Object.values(optState)) plateauStates(v, found)
  return found
}

/**
 * Reduce on plateau (optax `contrib.reduce_on_plateau`; Keras and PyTorch `ReduceLROnPlateau`):
 * scales the updates by a factor `s` (1 at first) and, when the observed value (the validation
 * score, which `fit` passes to `observe` once per epoch) has not improved on the best one for
 * `patience` observations, cuts it: `s ← max(factor·s, minScale)`. Put it last in a chain, after
 * the step that applies the learning rate, so that it scales the rate itself:
 * `chain(scaleByAdam(), scaleByLearningRate(1e-3), reduceOnPlateau({ patience: 3 }))`.
 *
 * Observations: `v` improves when `v < (1 − rtol)·best − atol`; then `best ← v` and the count of
 * observations without improvement restarts. A cut restarts the count and starts a cooldown of
 * `cooldown` observations during which the count stays 0. Defaults differ from optax's (factor 0.1,
 * rtol 1e-4) to give the course's rule "halve the rate when validation stops improving".
 *
 * @throws ValueError for a `patience` that is not a positive integer, a `factor` outside (0, 1), a
 *   negative tolerance or cooldown, a `minScale` outside [0, 1]; `observe` throws one for a
 *   non-finite value.
 * @example
 * const opt = chain(adam(1e-3), reduceOnPlateau({ patience: 2 }))
 * let s = opt.init(params)
 * s = opt.observe!(s, validationError)   // once per epoch (fit does this)
 * @category optim
 */
export const reduceOnPlateau = (options: ReduceOnPlateauOptions): GradientTransformation<ReduceOnPlateauState> => {
  const { patience, factor = 0.5, rtol = 0, atol = 0, cooldown = 0, minScale = 0 } = options
  const op = 'reduceOnPlateau'
  if (!Number.isInteger(patience) || patience < 1) throw new ValueError(op, `patience must be a positive integer, got ${patience}`)
  if (!(factor > 0 && factor < 1)) throw new ValueError(op, `factor must be in (0, 1), got ${factor}`)
  if (!(rtol >= 0 && rtol < 1)) throw new ValueError(op, `rtol must be in [0, 1), got ${rtol}`)
  if (!(atol >= 0 && Number.isFinite(atol))) throw new ValueError(op, `atol must be a finite number ≥ 0, got ${atol}`)
  if (!Number.isInteger(cooldown) || cooldown < 0) throw new ValueError(op, `cooldown must be an integer ≥ 0, got ${cooldown}`)
  if (!(minScale >= 0 && minScale <= 1)) throw new ValueError(op, `minScale must be in [0, 1], got ${minScale}`)
  return {
    init: () => ({ rateFactor: 1, best: Infinity, plateauCount: 0, cooldownCount: 0 }),
    update: (updates, state) => [state.rateFactor === 1 ? updates : scaleLeaves(updates, state.rateFactor, op), state],
    observe: (state, value) => {
      if (!Number.isFinite(value)) throw new ValueError(op, `the observed value must be finite, got ${value}`)
      const improved = value < (1 - rtol) * state.best - atol
      const best = improved ? value : state.best
      if (state.cooldownCount > 0) return { rateFactor: state.rateFactor, best, plateauCount: 0, cooldownCount: state.cooldownCount - 1 }
      const count = improved ? 0 : state.plateauCount + 1
      return count >= patience
        ? { rateFactor: Math.max(state.rateFactor * factor, minScale), best, plateauCount: 0, cooldownCount: cooldown }
        : { rateFactor: state.rateFactor, best, plateauCount: count, cooldownCount: 0 }
    },
  }
}
