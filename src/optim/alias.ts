import { chain } from './chain.js'
import { fusedAdagrad, fusedAdam, fusedMomentum, fusedRmsprop, fusedSgd } from './fused.js'
import type { GradientTransformation } from './GradientTransformation.js'
import type { ScaleByAdagradState } from './scaleByAdagrad.js'
import { scaleByAdagrad } from './scaleByAdagrad.js'
import type { ScaleByAdamState } from './scaleByAdam.js'
import { scaleByAdam } from './scaleByAdam.js'
import type { ScaleByScheduleState } from './scaleByLearningRate.js'
import { scaleByLearningRate } from './scaleByLearningRate.js'
import type { ScaleByRmsState } from './scaleByRms.js'
import { scaleByRms } from './scaleByRms.js'
import { asSchedule, type Schedule } from './schedule.js'
import type { TraceState } from './trace.js'
import { trace } from './trace.js'

// Named optimizers, each a chain ending in −α (optax alias.py). Every one is a
// GradientTransformation; pass a Schedule for α to decay the learning rate. Each one's state for
// params `P` has a name, e.g. `AdamState<P>`, for annotating a saved training state.

/**
 * The chain `t` with its one-pass `updateAndApply` (see `fused.ts`), written for exactly this
 * chain's state layout. NOTE: a new object, so `chain`'s own result is never changed.
 */
const withFused = <T extends GradientTransformation<any, any>>(t: T, updateAndApply: (g: any, s: any, p: any) => readonly [any, any]): T => // eslint-disable-line @typescript-eslint/no-explicit-any
  ({ ...t, updateAndApply }) as T

/** The state of {@link sgd} (the same for any params). @category optim */
export type SgdState = readonly [ScaleByScheduleState]
/** The state of {@link momentum} for params `P`. @category optim */
export type MomentumState<P> = readonly [TraceState<P>, ScaleByScheduleState]
/** The state of {@link adagrad} for params `P`. @category optim */
export type AdagradState<P> = readonly [ScaleByAdagradState<P>, ScaleByScheduleState]
/** The state of {@link rmsprop} for params `P`. @category optim */
export type RmspropState<P> = readonly [ScaleByRmsState<P>, ScaleByScheduleState]
/** The state of {@link adam} for params `P`: `[{ count, mu: P, nu: P }, { count }]`. @category optim */
export type AdamState<P> = readonly [ScaleByAdamState<P>, ScaleByScheduleState]

/** Stochastic gradient descent `θ ← θ − α∇`. @category optim */
export const sgd = (rate: number | Schedule) => withFused(chain(scaleByLearningRate(rate)), fusedSgd(asSchedule(rate)))

/** SGD with momentum: `ḡ_t = ∇_t + β ḡ_{t−1}`, `θ ← θ − α ḡ_t`. @category optim */
export const momentum = (rate: number | Schedule, beta = 0.9, nesterov = false) =>
  withFused(chain(trace(beta, nesterov), scaleByLearningRate(rate)), fusedMomentum(asSchedule(rate), beta, nesterov))

/** Adagrad: `θ ← θ − α ∇ / √(Σ∇² + ε)`. @category optim */
export const adagrad = (rate: number | Schedule, eps = 1e-8) => withFused(chain(scaleByAdagrad(eps), scaleByLearningRate(rate)), fusedAdagrad(asSchedule(rate), eps))

/** RMSProp: `θ ← θ − α ∇ / √(γ + ε)` with `γ` a running average of `∇²`. @category optim */
export const rmsprop = (rate: number | Schedule, decay = 0.9, eps = 1e-8) =>
  withFused(chain(scaleByRms(decay, eps), scaleByLearningRate(rate)), fusedRmsprop(asSchedule(rate), decay, eps))

/**
 * Adam: `θ ← θ − α m̂ / (√v̂ + ε)` (Kingma & Ba, 2015).
 *
 * @example
 * const opt = adam(1e-3)
 * const s: AdamState<typeof params> = opt.init(params)
 * @category optim
 */
export const adam = (rate: number | Schedule, b1 = 0.9, b2 = 0.999, eps = 1e-8) =>
  withFused(chain(scaleByAdam(b1, b2, eps), scaleByLearningRate(rate)), fusedAdam(asSchedule(rate), b1, b2, eps))
