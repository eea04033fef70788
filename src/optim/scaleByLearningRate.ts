import type { GradientTransformation } from './GradientTransformation.js'
import { leafwise } from './leafwise.js'
import { asSchedule, type Schedule } from './schedule.js'

/** State of {@link scaleByLearningRate}: the number of updates so far. */
export interface ScaleByScheduleState {
  readonly count: number
}

/**
 * Scales updates by `−α_t` (descent), where `α_t` is a constant or a schedule of the step count.
 *
 * @category optim
 */
export const scaleByLearningRate = (rate: number | Schedule): GradientTransformation<ScaleByScheduleState> => {
  const schedule = asSchedule(rate)
  return {
    init: () => ({ count: 0 }),
    update: (updates, state) => {
      const c = -schedule(state.count)
      return [
        leafwise(
          [updates],
          ([u], o) => {
            for (let i = 0; i < o.length; i++) o[i] = c * u![i]!
          },
          'scaleByLearningRate',
        ),
        { count: state.count + 1 },
      ]
    },
  }
}
