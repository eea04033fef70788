import type { GradientTransformation } from './GradientTransformation.js'
import { scaleLeaves } from './leafwise.js'
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
      return [scaleLeaves(updates, -schedule(state.count), 'scaleByLearningRate'), { count: state.count + 1 }]
    },
  }
}
