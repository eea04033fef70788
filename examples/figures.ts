/**
 * Figures for the examples (Node only): learning curves as SVG and weight tiles as PNG. Pure
 * functions from numbers to file contents; the examples write them.
 */
import { deflateSync } from 'node:zlib'
import type { EpochRecord } from '../src/index.js'

// ---------------------------------------------------------------------------------------------
// Learning curves (SVG)
// ---------------------------------------------------------------------------------------------

interface Series {
  readonly label: string
  readonly colour: string
  readonly values: readonly number[]
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')

/** "Nice" ticks from at or below `lo` to at or above `hi`: steps of 1, 2 or 5 × 10^k. */
const ticks = (lo: number, hi: number, n = 5): number[] => {
  const raw = (hi - lo) / n || 1
  const p = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!
  const [first, last] = [Math.floor(lo / step), Math.ceil(hi / step)]
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toPrecision(12)))
}

/** One panel: axes with ticks and labels, a polyline with dots per series, and a legend. */
const panel = (x0: number, y0: number, w: number, h: number, title: string, yLabel: string, series: readonly Series[], mark: number): string => {
  const n = Math.max(...series.map((s) => s.values.length))
  const all = series.flatMap((s) => s.values.filter(Number.isFinite))
  const yt = ticks(Math.min(0, ...all), Math.max(...all, 1e-9))
  const [yMin, yMax] = [yt[0]!, yt[yt.length - 1]!]
  const decimals = Math.max(0, -Math.floor(Math.log10(yt[1]! - yt[0]! || 1)))
  const xt = ticks(1, Math.max(n, 2), Math.min(n, 10)).filter((e) => Number.isInteger(e) && e >= 1)
  const px = (e: number) => x0 + ((e - 1) / Math.max(n - 1, 1)) * w
  const py = (v: number) => y0 + h - ((v - yMin) / (yMax - yMin || 1)) * h
  const parts = [
    `<text x="${x0 + w / 2}" y="${y0 - 12}" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#333"/>`,
    ...yt.map((v) => `<line x1="${x0 - 4}" x2="${x0 + w}" y1="${py(v)}" y2="${py(v)}" stroke="#ddd"/><text x="${x0 - 7}" y="${py(v) + 4}" text-anchor="end" font-size="11">${v.toFixed(decimals)}</text>`),
    ...xt.map((e) => `<line x1="${px(e)}" x2="${px(e)}" y1="${y0 + h}" y2="${y0 + h + 4}" stroke="#333"/><text x="${px(e)}" y="${y0 + h + 17}" text-anchor="middle" font-size="11">${e}</text>`),
    `<line x1="${px(mark)}" x2="${px(mark)}" y1="${y0}" y2="${y0 + h}" stroke="#888" stroke-dasharray="4 3"/>`,
    `<text x="${x0 + w / 2}" y="${y0 + h + 36}" text-anchor="middle" font-size="12">epoch (dashed: early-stopping choice)</text>`,
    `<text transform="translate(${x0 - 46},${y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
  ]
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => [px(i + 1), py(v)] as const).filter(([, y]) => Number.isFinite(y))
    parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="2" points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`)
    parts.push(...pts.map(([x, y]) => `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2.5" fill="${s.colour}"/>`))
    const ly = y0 + 14 + 16 * k
    parts.push(`<line x1="${x0 + w - 130}" x2="${x0 + w - 110}" y1="${ly}" y2="${ly}" stroke="${s.colour}" stroke-width="2"/><text x="${x0 + w - 105}" y="${ly + 4}" font-size="11">${esc(s.label)}</text>`)
  })
  return parts.join('\n')
}

/**
 * A learning-curve figure from a training history: train and validation loss per epoch (left) and
 * validation error in % (right), with the early-stopping choice marked in the title.
 */
export const learningCurveSvg = (title: string, history: readonly EpochRecord[], bestEpoch: number): string => {
  const [w, h] = [860, 340]
  const body = [
    panel(70, 50, 320, 220, 'loss', 'cross-entropy per example', [
      { label: 'train (training mode)', colour: '#1f77b4', values: history.map((r) => r.trainLoss) },
      { label: 'validation', colour: '#d62728', values: history.map((r) => r.validationLoss) },
    ], bestEpoch),
    panel(510, 50, 320, 220, 'validation error', 'error (%)', [
      { label: 'validation error', colour: '#2ca02c', values: history.map((r) => 100 * r.validationError) },
    ], bestEpoch),
  ]
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="18" text-anchor="middle" font-size="15">${esc(title)} — best epoch ${bestEpoch} of ${history.length}</text>`,
    ...body,
    '</svg>',
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Filters (PNG)
// ---------------------------------------------------------------------------------------------

const CRC = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c
})
const crc32 = (bytes: Uint8Array) => {
  let c = -1
  for (const b of bytes) c = CRC[(c ^ b) & 0xff]! ^ (c >>> 8)
  return (c ^ -1) >>> 0
}
const chunk = (type: string, data: Uint8Array): Buffer => {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const out = Buffer.alloc(body.length + 8)
  out.writeUInt32BE(data.length, 0)
  body.copy(out, 4)
  out.writeUInt32BE(crc32(body), body.length + 4)
  return out
}

/** An 8-bit greyscale PNG from `pixels` (row-major, `width × height`, values 0 … 255). */
export const greyPng = (width: number, height: number, pixels: Uint8Array): Buffer => {
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 0, 0, 0, 0], 8) // bit depth 8, colour type 0 (grey), deflate, no filter, no interlace
  const raw = new Uint8Array(height * (width + 1))
  for (let r = 0; r < height; r++) raw.set(pixels.subarray(r * width, (r + 1) * width), r * (width + 1) + 1)
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))])
}

/**
 * The first `rows × cols` columns of a weight matrix `w: [side², H]` as `side × side` tiles (one
 * hidden unit's incoming weights each), each min-max scaled to 0 … 255 on its own, with a 2-pixel
 * grey border and every pixel drawn `zoom × zoom`.
 */
export const filterTilesPng = (w: { readonly shape: readonly number[]; readonly data: ArrayLike<number> }, side = 28, rows = 10, cols = 10, zoom = 2): Buffer => {
  const [inputs, hidden] = w.shape as [number, number]
  if (inputs !== side * side) throw new Error(`filterTilesPng: w has shape [${w.shape}] but [${side * side},H] was expected`)
  const gap = 2, cell = side * zoom + gap
  const [width, height] = [cols * cell + gap, rows * cell + gap]
  const px = new Uint8Array(width * height).fill(128)
  for (let t = 0; t < Math.min(rows * cols, hidden); t++) {
    let [lo, hi] = [Infinity, -Infinity]
    for (let i = 0; i < inputs; i++) (lo = Math.min(lo, w.data[i * hidden + t]!)), (hi = Math.max(hi, w.data[i * hidden + t]!))
    const [ox, oy] = [gap + (t % cols) * cell, gap + Math.floor(t / cols) * cell]
    for (let i = 0; i < inputs; i++) {
      const v = Math.round((255 * (w.data[i * hidden + t]! - lo)) / (hi - lo || 1))
      const [x, y] = [ox + (i % side) * zoom, oy + Math.floor(i / side) * zoom]
      for (let dy = 0; dy < zoom; dy++) px.fill(v, (y + dy) * width + x, (y + dy) * width + x + zoom)
    }
  }
  return greyPng(width, height, px)
}
