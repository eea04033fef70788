import { ValueError } from '../shape/ValueError.js'

/**
 * A learning-rate schedule: the step count `t` (0 for the first update) to a rate (optax `Schedule`).
 *
 * @category optim
 */
export type Schedule = (t: number) => number

const positive = (op: string, name: string, v: number) => {
  if (!(v > 0) || !Number.isFinite(v)) throw new ValueError(op, `${name} must be a positive finite number, got ${v}`)
}

/** `α_t = α`. @category optim */
export const constant = (rate: number): Schedule => {
  positive('constant', 'rate', rate)
  return () => rate
}

/**
 * Step decay: `α_t = α · factor^⌊t / every⌋` (e.g. halve every 10 epochs' worth of steps).
 *
 * @category optim
 */
export const stepDecay = (rate: number, every: number, factor = 0.5): Schedule => {
  positive('stepDecay', 'rate', rate)
  positive('stepDecay', 'every', every)
  return (t) => rate * factor ** Math.floor(t / every)
}

/**
 * Exponential decay: `α_t = α · decay^(t / every)`, or the course's `α_t = α / (1 + δ t)` with
 * {@link inverseTimeDecay}.
 *
 * @category optim
 */
export const exponentialDecay = (rate: number, decay: number, every = 1): Schedule => {
  positive('exponentialDecay', 'rate', rate)
  positive('exponentialDecay', 'decay', decay)
  return (t) => rate * decay ** (t / every)
}

/** `α_t = α / (1 + δ t)` (the decay constant δ of the course). @category optim */
export const inverseTimeDecay = (rate: number, delta: number): Schedule => {
  positive('inverseTimeDecay', 'rate', rate)
  return (t) => rate / (1 + delta * t)
}

/** A number or a schedule, as a schedule. */
export const asSchedule = (rate: number | Schedule): Schedule => (typeof rate === 'number' ? constant(rate) : rate)
