/** The messages between the page (main.ts) and the training worker (worker.ts). */
import type { KernelInfo } from '../../src/index.js'

/** The run's knobs (see train.ts). */
export interface RunOptions {
  readonly seed: number
  readonly epochs: number
  readonly trainSize: number
  readonly validationSize: number
  readonly testSize: number
  readonly batchSize: number
  readonly learningRate: number
}

/** The page's run; for seed 1 it reaches the test-accuracy target of test/browser/browser.test.ts. */
export const defaultRun: RunOptions = {
  seed: 1, epochs: 100, trainSize: 2000, validationSize: 500, testSize: 1000, batchSize: 32, learningRate: 0.003,
}

/** Side of the square grid on which the decision boundary is drawn, over [−LIMIT, LIMIT]². */
export const GRID = 64
export const LIMIT = 1.25

/** Page → worker: start a run. */
export interface TrainRequest {
  readonly type: 'train'
  readonly options: RunOptions
}

/** Worker → page, once before the first epoch. `points` are the test set's `[n, 2]` coordinates. */
export interface Ready {
  readonly type: 'ready'
  /** `kernelInfo()` as seen inside the worker, and whether the code really ran in a worker. */
  readonly kernel: KernelInfo
  readonly inWorker: boolean
  readonly options: RunOptions
  readonly points: Float32Array
  readonly classes: Int32Array
}

/** Worker → page, after every epoch. `boundary` is P(class 1) on the `GRID × GRID` drawing grid. */
export interface Progress {
  readonly type: 'epoch'
  readonly epoch: number
  readonly trainLoss: number
  readonly validationLoss: number
  readonly validationAccuracy: number
  readonly boundary: Float32Array
  /** Milliseconds since the worker received the request. */
  readonly elapsedMs: number
  /** `kernelInfo().threads` in the worker after this epoch: 1 until the kernel's worker threads are up. */
  readonly kernelThreads: number
}

/** Worker → page, at the end: test accuracy of the early-stopping choice (best validation epoch). */
export interface Done {
  readonly type: 'done'
  readonly testAccuracy: number
  readonly bestEpoch: number
  readonly elapsedMs: number
  /**
   * `kernelInfo()` in the worker once training is done: the kernel's own worker threads start in
   * the background, so `threads` may have grown since `Ready`.
   */
  readonly kernelAtEnd: KernelInfo
}

export interface Failed {
  readonly type: 'error'
  readonly message: string
}

export type FromWorker = Ready | Progress | Done | Failed
