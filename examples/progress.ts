/** The examples' terminal progress bar (cli-progress), driven by `fit`'s `onBatch` hook. */
import { SingleBar } from 'cli-progress'
import type { BatchRecord } from '../src/index.js'

/**
 * A Keras-style bar per epoch on a terminal: minibatches done, examples per second, ETA and the
 * minibatch loss; cleared at the epoch's end so that the epoch's line takes its place. `undefined`
 * off a terminal (piped or redirected output stays plain lines).
 */
export const epochBar = (enabled: boolean) => {
  if (!enabled || process.stdout.isTTY !== true) return undefined
  const bar = new SingleBar({
    format: 'epoch {epoch} {bar} {value}/{total} batches | {rate} examples/s | ETA {eta_formatted} | loss {loss}',
    stream: process.stdout, clearOnComplete: true, hideCursor: true, etaBuffer: 20,
  })
  let epochStart = { time: 0, examples: 0 }
  return {
    onBatch: (r: BatchRecord) => {
      if (!bar.isActive) {
        // NOTE: the rate counts from the epoch's first minibatch on (its time is not measured).
        epochStart = { time: performance.now(), examples: r.examplesSeen }
        bar.start(r.stepsPerEpoch, r.step - 1, { epoch: r.epoch, rate: '–', loss: '–' })
      }
      const seconds = (performance.now() - epochStart.time) / 1000
      bar.update(r.step, { epoch: r.epoch, rate: seconds > 0 ? Math.round((r.examplesSeen - epochStart.examples) / seconds) : '–', loss: r.loss.toFixed(4) })
    },
    /** Clears the bar, so that a log line can follow. */
    stop: () => bar.stop(),
  }
}

