import { gradCheck, normal, type AnyLayer, type Context, type Key, type Tensor, split, astype, mapTree } from '../../src/index.js'

/**
 * The gradient-check oracle for any layer: with a fixed random projection R, L(θ, x) = Σ y(θ, x) ⊙ R,
 * so dy = R. Checks the params' gradients and dx together against central finite differences in
 * float64, and returns the report.
 */
export const checkLayer = (layer: AnyLayer, key: Key, batch: number, inWidth: number, ctx: Context = {}) => {
  const [kp, kx, kr] = split(key, 3)
  const params = mapTree(layer.init(kp!), (t) => astype(t, 'float64'))
  const x = normal(kx!, [batch, inWidth], 0, 1, 'float64')
  const y0 = layer.apply(params, x, ctx)[0] as Tensor
  const r = normal(kr!, [...y0.shape], 0, 1, 'float64')
  const f = (t: { p: unknown; x: Tensor<[number, number]> }) => {
    const [y, back] = layer.apply(t.p, t.x, ctx)
    let l = 0
    for (let i = 0; i < y.data.length; i++) l += y.data[i]! * r.data[i]!
    const [dp, dx] = back(r as Tensor<[number, number]>)
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
