/**
 * The training worker (a module Web Worker): runs the whole fit off the main thread, one epoch at a
 * time, and posts a progress message after each epoch.
 */
import { kernelInfo } from '../../src/index.js'
import type { FromWorker, TrainRequest } from './protocol.js'
import { prepareRun } from './train.js'

// NOTE: the project compiles with the DOM lib, where `self` is a Window; `postMessage(m, { transfer })`
// is valid for both, and it is the worker's own postMessage that runs here.
const post = (message: FromWorker, transfer: Transferable[] = []): void => self.postMessage(message, { transfer })

const train = ({ options }: TrainRequest): void => {
  const t0 = performance.now()
  const run = prepareRun(options)
  post({
    type: 'ready', kernel: kernelInfo(), inWorker: 'WorkerGlobalScope' in globalThis, options,
    points: run.test.x.data as Float32Array, classes: run.test.y.data,
  })
  let state = run.start
  while (state.epoch < options.epochs) {
    state = run.next(state)
    const record = state.history[state.history.length - 1]!
    const boundary = run.boundary(state.params)
    post({
      type: 'epoch', epoch: record.epoch, trainLoss: record.trainLoss, validationLoss: record.validationLoss,
      validationAccuracy: 1 - record.validationError, boundary, elapsedMs: performance.now() - t0,
    }, [boundary.buffer])
  }
  post({ type: 'done', testAccuracy: run.testAccuracy(state.best.params), bestEpoch: state.best.epoch, elapsedMs: performance.now() - t0 })
}

self.addEventListener('message', (event: MessageEvent<TrainRequest>) => {
  try {
    train(event.data)
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
  }
})
