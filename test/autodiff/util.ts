import { ad, fold, gradCheck, normal, type GradCheckReport, type Key, type Shape, type Tensor } from '../../src/index.js'

/**
 * The gradient-check oracle for a function of tensors written with the ops of `ad`: with a fixed
 * random cotangent R, L(x₁, …, xₙ) = Σ f(x₁, …, xₙ) ⊙ R, and `vjp`'s `back(R)` is ∂L/∂xᵢ. Checked
 * against central finite differences in float64 (the inputs must be float64).
 */
export const checkVjp = (f: (...xs: ad.Var[]) => ad.Var, inputs: readonly Tensor[], k: Key): GradCheckReport => {
  const g = f as (...xs: ad.VarsOf<readonly Tensor[]>) => ad.Var
  const [y0] = ad.vjp(g, ...inputs)
  const r = normal(k, [...y0.shape], 0, 1, 'float64')
  const loss = (xs: readonly Tensor[]) => {
    const [y, back] = ad.vjp(g, ...xs)
    let l = 0
    for (let i = 0; i < y.data.length; i++) l += y.data[i]! * r.data[i]!
    return [l, back(r)] as const
  }
  return gradCheck(loss, inputs)
}

/** A float64 normal tensor of the given shape from `fold(k, i)`. */
export const randn = (k: Key, i: number, shape: Shape, std = 1): Tensor => normal(fold(k, i), shape, 0, std, 'float64')

/** Largest |a − b| / max(1, |b|) over the entries (a relative tolerance that copes with zeros). */
export const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)))
  return m
}
