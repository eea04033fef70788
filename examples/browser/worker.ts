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

/** One turn of this worker's event loop: a MessageChannel message (no 4 ms timer clamp). */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    const { port1, port2 } = new MessageChannel()
    port1.onmessage = () => {
      port1.close()
      resolve()
    }
    port2.postMessage(null)
  })

const train = async ({ options }: TrainRequest): Promise<void> => {
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
      kernelThreads: kernelInfo().threads,
    }, [boundary.buffer])
    // NOTE: in a cross-origin-isolated page the kernel's own worker (spawned by the first
    // kernelInfo() or product, from this worker) starts only while this worker's event loop turns:
    // Chromium needs a few turns. Without this yield it would come up once training is over; with
    // it, it is ready after about three epochs. The turn costs well under a millisecond.
    await nextTurn()
  }
  post({
    type: 'done', testAccuracy: run.testAccuracy(state.best.params), bestEpoch: state.best.epoch,
    elapsedMs: performance.now() - t0, kernelAtEnd: kernelInfo(),
  })
}

self.addEventListener('message', (event: MessageEvent<TrainRequest>) => {
  train(event.data).catch((e: unknown) => {
    post({ type: 'error', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) })
  })
})
