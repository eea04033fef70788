/**
 * The page: starts the training worker, redraws the learning curve and the decision boundary on
 * every progress message, and keeps a main-thread heartbeat to show that training never blocks it.
 * All numbers the page shows are also kept in `window.tensorfoldDemo` (read by the browser test).
 */
import type { KernelInfo } from '../../src/index.js'
import { defaultRun, GRID, LIMIT, type FromWorker, type Progress, type RunOptions, type TrainRequest } from './protocol.js'

/** What the page knows, exposed as `window.tensorfoldDemo`. */
export interface DemoState {
  status: 'loading' | 'training' | 'done' | 'error'
  options: RunOptions
  /** The page's `crossOriginIsolated`: only then may the kernel share its memory with worker threads. */
  crossOriginIsolated: boolean
  /** `kernelInfo()` in the worker before training, and after it (its worker threads start in the background). */
  kernel?: KernelInfo
  kernelAtEnd?: KernelInfo
  inWorker?: boolean
  epochs: Omit<Progress, 'type' | 'boundary'>[]
  testAccuracy?: number
  bestEpoch?: number
  /** Training time measured in the worker. */
  trainingMs?: number
  error?: string
  /** `performance.now()` on the page when the worker reported ready, and when it reported done. */
  startedAt?: number
  endedAt?: number
  /** Redraws of the learning curve: one per progress message. */
  draws: number
  /** Main-thread heartbeats (every HEARTBEAT_MS) while training, and the longest gap between two. */
  heartbeat: { ticks: number; maxGapMs: number }
}

const HEARTBEAT_MS = 50
const CLASS_COLOURS = [[37, 99, 235], [234, 88, 12]] as const // class 0 blue, class 1 orange

const byId = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`index.html has no #${id}`)
  return el as T
}

const query = new URLSearchParams(location.search)
const intParam = (name: string, fallback: number): number => {
  const v = Number(query.get(name))
  return query.has(name) && Number.isSafeInteger(v) && v > 0 ? v : fallback
}
const options: RunOptions = { ...defaultRun, seed: intParam('seed', defaultRun.seed), epochs: intParam('epochs', defaultRun.epochs) }

const demo: DemoState = {
  status: 'loading', options, crossOriginIsolated: window.crossOriginIsolated, epochs: [], draws: 0,
  heartbeat: { ticks: 0, maxGapMs: 0 },
}
;(window as unknown as { tensorfoldDemo: DemoState }).tensorfoldDemo = demo

// ---------------------------------------------------------------------------------------------
// Drawing

/** A 2-D context on a canvas sized for the device's pixel ratio, in CSS pixels. */
const context2d = (canvas: HTMLCanvasElement): CanvasRenderingContext2D => {
  const dpr = window.devicePixelRatio || 1
  const { width, height } = canvas.getBoundingClientRect()
  if (canvas.width !== Math.round(width * dpr)) canvas.width = Math.round(width * dpr)
  if (canvas.height !== Math.round(height * dpr)) canvas.height = Math.round(height * dpr)
  const ctx = canvas.getContext('2d')!
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  return ctx
}

/** Train and validation loss (left axis) and validation accuracy (right axis, 50–100%) by epoch. */
const drawCurve = (canvas: HTMLCanvasElement, records: DemoState['epochs'], epochs: number): void => {
  const ctx = context2d(canvas)
  const { width, height } = canvas.getBoundingClientRect()
  const m = { left: 44, right: 44, top: 12, bottom: 30 }
  const w = width - m.left - m.right, h = height - m.top - m.bottom
  ctx.clearRect(0, 0, width, height)
  const maxLoss = Math.max(0.1, ...records.map((r) => Math.max(r.trainLoss, r.validationLoss)))
  const yTop = Math.ceil(maxLoss * 5) / 5 // a multiple of 0.2, so the quarter lines fall on multiples of 0.05
  const px = (epoch: number) => m.left + (w * epoch) / epochs
  const pyLoss = (loss: number) => m.top + h * (1 - Math.min(loss, yTop) / yTop)
  const pyAcc = (acc: number) => m.top + h * (1 - (Math.max(acc, 0.5) - 0.5) / 0.5)

  ctx.font = '11px system-ui, sans-serif'
  ctx.strokeStyle = '#ddd'
  ctx.fillStyle = '#555'
  ctx.lineWidth = 1
  for (let i = 0; i <= 4; i++) {
    const y = m.top + (h * i) / 4
    ctx.beginPath(); ctx.moveTo(m.left, y); ctx.lineTo(m.left + w, y); ctx.stroke()
    ctx.textAlign = 'right'; ctx.fillText((yTop * (1 - i / 4)).toFixed(2), m.left - 6, y + 4)
    ctx.textAlign = 'left'; ctx.fillText(`${100 - 12.5 * i}%`, m.left + w + 6, y + 4)
  }
  ctx.textAlign = 'center'
  for (let i = 0; i <= 5; i++) ctx.fillText(String(Math.round((epochs * i) / 5)), px((epochs * i) / 5), m.top + h + 16)
  ctx.fillText('epoch', m.left + w / 2, m.top + h + 28)

  const line = (colour: string, y: (r: DemoState['epochs'][number]) => number) => {
    ctx.strokeStyle = colour
    ctx.lineWidth = 2
    ctx.beginPath()
    records.forEach((r, i) => (i === 0 ? ctx.moveTo(px(r.epoch), y(r)) : ctx.lineTo(px(r.epoch), y(r))))
    ctx.stroke()
  }
  line('#2563eb', (r) => pyLoss(r.trainLoss))
  line('#ea580c', (r) => pyLoss(r.validationLoss))
  line('#16a34a', (r) => pyAcc(r.validationAccuracy))
}

/** P(class 1) on the grid as a blue–orange field, with the test points on top. */
const drawBoundary = (canvas: HTMLCanvasElement, p: Float32Array, points: Float32Array, classes: Int32Array): void => {
  const ctx = context2d(canvas)
  const { width, height } = canvas.getBoundingClientRect()
  const field = new OffscreenCanvas(GRID, GRID)
  const image = new ImageData(GRID, GRID)
  for (let i = 0; i < GRID * GRID; i++) {
    const q = p[i]!
    // Pale colours, fading to white at p = 0.5 so the boundary shows as a light band.
    const tint = CLASS_COLOURS[q < 0.5 ? 0 : 1]
    const strength = 0.45 * Math.abs(2 * q - 1)
    tint.forEach((v, c) => { image.data[4 * i + c] = Math.round(255 + (v - 255) * strength) })
    image.data[4 * i + 3] = 255
  }
  field.getContext('2d')!.putImageData(image, 0, 0)
  ctx.imageSmoothingEnabled = true
  ctx.drawImage(field, 0, 0, width, height)
  for (let i = 0; i < classes.length; i++) {
    const x = ((points[2 * i]! + LIMIT) / (2 * LIMIT)) * width
    const y = ((LIMIT - points[2 * i + 1]!) / (2 * LIMIT)) * height
    const [r, g, b] = CLASS_COLOURS[classes[i]!]!
    ctx.fillStyle = `rgb(${r},${g},${b})`
    ctx.beginPath(); ctx.arc(x, y, 2, 0, 2 * Math.PI); ctx.fill()
  }
}

// ---------------------------------------------------------------------------------------------
// The run

const curve = byId<HTMLCanvasElement>('curve')
const boundary = byId<HTMLCanvasElement>('boundary')
const show = (id: string, text: string) => { byId(id).textContent = text }
const percent = (x: number) => `${(100 * x).toFixed(2)}%`
const threadsOf = (k: KernelInfo) => `${k.threads} of ${k.maxThreads} thread${k.maxThreads === 1 ? '' : 's'}`
const isolation = demo.crossOriginIsolated
  ? 'the page is cross-origin isolated'
  : 'the page is not cross-origin isolated, so the kernel keeps to one thread'

let lastBeat = performance.now()
const heartbeat = setInterval(() => {
  const now = performance.now()
  if (demo.status === 'training') {
    demo.heartbeat.ticks++
    demo.heartbeat.maxGapMs = Math.max(demo.heartbeat.maxGapMs, now - lastBeat)
    show('heartbeat', `${demo.heartbeat.ticks} ticks of a ${HEARTBEAT_MS} ms timer, longest gap ${demo.heartbeat.maxGapMs.toFixed(0)} ms`)
  }
  lastBeat = now
}, HEARTBEAT_MS)

let points: Float32Array = new Float32Array(0)
let classes: Int32Array = new Int32Array(0)

const fail = (error: string): void => {
  demo.error = error
  demo.status = 'error'
  clearInterval(heartbeat)
  show('status', `failed: ${error}`)
}

const onMessage = (message: FromWorker): void => {
  switch (message.type) {
    case 'ready':
      demo.kernel = message.kernel
      demo.inWorker = message.inWorker
      demo.status = 'training'
      demo.startedAt = performance.now()
      lastBeat = demo.startedAt
      points = message.points
      classes = message.classes
      show('kernel', `${message.kernel.matmul} matmul on ${threadsOf(message.kernel)} at start (reported from ${message.inWorker ? 'the worker' : 'the main thread'}); ${isolation}`)
      show('status', 'training…')
      return
    case 'epoch': {
      const { type: _, boundary: p, ...record } = message
      demo.epochs.push(record)
      drawCurve(curve, demo.epochs, options.epochs)
      demo.draws++
      drawBoundary(boundary, p, points, classes)
      show('status', `epoch ${record.epoch} / ${options.epochs}: validation accuracy ${percent(record.validationAccuracy)}, ${(record.elapsedMs / 1000).toFixed(1)} s`)
      return
    }
    case 'done':
      demo.testAccuracy = message.testAccuracy
      demo.bestEpoch = message.bestEpoch
      demo.trainingMs = message.elapsedMs
      demo.kernelAtEnd = message.kernelAtEnd
      demo.endedAt = performance.now()
      demo.status = 'done'
      clearInterval(heartbeat)
      show('status', `done in ${(message.elapsedMs / 1000).toFixed(1)} s`)
      show('accuracy', `${percent(message.testAccuracy)} (parameters of epoch ${message.bestEpoch}, the best on validation)`)
      show('kernel', `${message.kernelAtEnd.matmul} matmul on ${demo.kernel === undefined ? '?' : threadsOf(demo.kernel)} at start, ` +
        `${threadsOf(message.kernelAtEnd)} at the end (reported from ${demo.inWorker ? 'the worker' : 'the main thread'}); ${isolation}`)
      return
    case 'error':
      fail(message.message)
  }
}

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })
worker.addEventListener('message', (e: MessageEvent<FromWorker>) => onMessage(e.data))
worker.addEventListener('error', (e) => fail(`worker: ${e.message || 'failed to load'}`))
show('setup', `${options.trainSize} training, ${options.validationSize} validation and ${options.testSize} test points (seed ${options.seed}); 2-64-64-2 relu MLP, Adam ${options.learningRate}, minibatches of ${options.batchSize}, ${options.epochs} epochs`)
worker.postMessage({ type: 'train', options } satisfies TrainRequest)
