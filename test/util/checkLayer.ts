import { gradCheck, normal, type Context, type Key, type Tensor, split, astype, mapTree, type Shape } from '../../src/index.js'

/** What the oracle needs of a layer: bound layers, activations and batch norm all have these. */
export interface Checkable {
  readonly init: (key: Key) => unknown
  readonly apply: (params: never, x: never, ctx?: never) => readonly [unknown, unknown, unknown?]
}

/**
 * The gradient-check oracle for any layer: with a fixed random projection R, L(θ, x) = Σ y(θ, x) ⊙ R,
 * so dy = R. Checks the params' gradients and dx together against central finite differences in
 * float64, and returns the report.
 */
export const checkLayer = (checked: Checkable, key: Key, batch: number, inShape: number | Shape, ctx: Context = {}) => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const layer = checked as { init: (key: Key) => any; apply: (p: unknown, x: Tensor, ctx?: Context) => readonly [Tensor, (dy: Tensor) => readonly [unknown, Tensor], unknown?] }
  const [kp, kx, kr] = split(key, 3)
  const params = mapTree(layer.init(kp!), (t) => astype(t, 'float64'))
  const x = normal(kx!, [batch, ...(typeof inShape === 'number' ? [inShape] : inShape)], 0, 1, 'float64')
  const y0 = layer.apply(params, x, ctx)[0] as Tensor
  const r = normal(kr!, [...y0.shape], 0, 1, 'float64')
  const f = (t: { p: unknown; x: Tensor }) => {
    const [y, back] = layer.apply(t.p, t.x, ctx)
    let l = 0
    for (let i = 0; i < y.data.length; i++) l += y.data[i]! * r.data[i]!
    const [dp, dx] = back(r)
    return [l, { p: dp, x: dx }] as const
  }
  return gradCheck(f, { p: params, x })
}

/** Max abs difference of two array-likes. */
export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!))
  return m
}
