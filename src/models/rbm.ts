import { assertWidth } from '../internal/assert.js'
import { sigmoid } from '../layers/activation.js'
import type { DenseParams } from '../layers/dense.js'
import type { Context, Layer } from '../layers/Layer.js'
import { addBias } from '../ops/addBias.js'
import { affine } from '../ops/affine.js'
import { matmulNT, matmulTN } from '../ops/matmul.js'
import { fold, split, type Key } from '../random/Key.js'
import { normal, uniformAt } from '../random/sample.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { alloc, zeros, zerosLike, type DType, type Tensor } from '../tensor/Tensor.js'

/**
 * Params of `rbm(V, H)`: `w: [V, H]`, hidden biases `b: [H]`, visible biases `c: [V]`. The course's
 * `E(x, h) = −hᵀWx − cᵀx − bᵀh` has `W: [H, V]`; our `w` is its transpose `Wᵀ` (so that `x·w` is a
 * `[B, H]` batch, as in `dense`), with `b` and `c` unchanged. @category models
 */
export interface RbmParams<V extends number, H extends number> {
  readonly w: Tensor<[V, H]>
  readonly b: Tensor<[H]>
  readonly c: Tensor<[V]>
}

/** Options of {@link rbm}. */
export interface RbmOptions {
  /**
   * `'binary'` (default): visible inputs must be 0 or 1 (checked). `'probabilities'`: inputs in
   * [0, 1] are accepted as the mean of binary units (e.g. grey levels), a common approximation.
   */
  readonly inputs?: 'binary' | 'probabilities'
  /** Storage of the initial params (default `float32`). */
  readonly dtype?: DType
}

/** A binary restricted Boltzmann machine: pure functions of explicit params and keys. @category models */
export interface Rbm<V extends number, H extends number> {
  readonly kind: 'rbm'
  readonly name: string
  readonly visible: V
  readonly hidden: H
  /** `w ~ N(0, 0.01²)`, zero biases (Hinton, 2010, "A practical guide to training RBMs"). */
  readonly init: (key: Key) => RbmParams<V, H>
  /** `E(x, h) = −hᵀWx − cᵀx − bᵀh` per example: `x: [B, V]`, `h: [B, H]` → `[B]`. */
  readonly energy: <B extends number>(params: RbmParams<V, H>, x: Tensor<[B, V]>, h: Tensor<[NoInfer<B>, H]>) => Tensor<[B]>
  /** `F(x) = −cᵀx − Σ_j softplus(b_j + W_j·x)` per example (`p(x) = e^{−F(x)} / Z`): `[B, V]` → `[B]`. */
  readonly freeEnergy: <B extends number>(params: RbmParams<V, H>, x: Tensor<[B, V]>) => Tensor<[B]>
  /** `p(h_j = 1 | x) = sigm(b_j + W_j·x)`: `[B, V]` → `[B, H]`. */
  readonly hiddenProbs: <B extends number>(params: RbmParams<V, H>, x: Tensor<[B, V]>) => Tensor<[B, H]>
  /** `p(x_k = 1 | h) = sigm(c_k + hᵀW_·k)`: `[B, H]` → `[B, V]`. */
  readonly visibleProbs: <B extends number>(params: RbmParams<V, H>, h: Tensor<[B, H]>) => Tensor<[B, V]>
  /** One block Gibbs step `h ~ p(h | x)`, then `x′ ~ p(x | h)`, from `key`. */
  readonly gibbsStep: <B extends number>(key: Key, params: RbmParams<V, H>, x: Tensor<[B, V]>) => { readonly h: Tensor<[B, H]>; readonly x: Tensor<[B, V]> }
  /** The CD-k gradient to MINIMISE (see {@link rbm}), with the params' structure. */
  readonly cdGradients: <B extends number>(key: Key, params: RbmParams<V, H>, x: Tensor<[B, V]>, k?: number) => RbmParams<V, H>
  /** Mean over the batch of `‖x − p(x | h = p(h | x))‖²` (mean-field, deterministic). */
  readonly reconstructionError: <B extends number>(params: RbmParams<V, H>, x: Tensor<[B, V]>) => number
  /** The hidden layer as the params of `dense(V, H)` (to be followed by `sigmoid`), for pre-training. */
  readonly encoderParams: (params: RbmParams<V, H>) => DenseParams<V, H>
  /**
   * The RBM as a layer that `fit` trains: forward is the mean-field reconstruction
   * `p(x | h = p(h | x))` (`[B, V] → [B, V]`), and backward ignores `dy` and gives the CD-k
   * gradient from the step's `ctx.key` (the layer contract's "gradient for the params", here the
   * contrastive-divergence estimate of the log-likelihood gradient). With `squaredError` as the loss,
   * `2 ×` the loss is the mean `‖x − x̂‖²` of {@link Rbm.reconstructionError}.
   */
  readonly layer: (k?: number) => Layer<[V], [V], RbmParams<V, H>>
}

/** Bernoulli samples with the given probabilities, from `key`. */
const sample = <S extends readonly number[]>(key: Key, probs: Tensor<S>): Tensor<S> => {
  const p = probs.data, s = alloc(probs.dtype, p.length)
  for (let i = 0; i < p.length; i++) s[i] = uniformAt(key, i) < p[i]! ? 1 : 0
  return { shape: probs.shape, dtype: probs.dtype, data: s }
}

/**
 * A binary restricted Boltzmann machine with `V` visible and `H` hidden units (Smolensky, 1986;
 * Hinton, 2002 for contrastive divergence), in the course's notation
 * `E(x, h) = −hᵀWx − cᵀx − bᵀh`, `p(x, h) = e^{−E(x, h)} / Z` (see {@link RbmParams} for `w = Wᵀ`).
 *
 * `cdGradients(key, params, x, k)` runs a k-step Gibbs chain from each example `x⁽ᵗ⁾` to `x̃` and
 * returns `g = −(CD-k estimate of ∂ log p(x) / ∂θ)`, averaged over the batch:
 * `g.w = mean(x̃ h(x̃)ᵀ − x⁽ᵗ⁾ h(x⁽ᵗ⁾)ᵀ)` (as `[V, H]`), `g.b = mean(h(x̃) − h(x⁽ᵗ⁾))`,
 * `g.c = mean(x̃ − x⁽ᵗ⁾)`, with `h(x) = p(h = 1 | x)`. So `θ ← θ − α·g` is the course's update
 * `W ⇐ W + α(h(x⁽ᵗ⁾)x⁽ᵗ⁾ᵀ − h(x̃)x̃ᵀ)`, and any optimizer that minimises can consume `g`.
 * Step `t` of the chain uses `fold(key, t)`: the same key gives the same chain.
 *
 * @throws ShapeError for wrong widths; ValueError naming the first entry of `x` outside {0, 1}
 * (or [0, 1] with `inputs: 'probabilities'`), or `k < 1`.
 * @example
 * const m = rbm(784, 500)
 * const g = m.cdGradients(key(1), params, x)                    // RbmParams<784, 500>
 * const next = zipTree([params, g], ([p, d]) => sub(p!, scale(d!, 0.1))) // θ − α·g, or any optimizer's update
 * @category models
 */
export const rbm = <const V extends number, const H extends number>(visible: V, hidden: H, options: RbmOptions = {}): Rbm<V, H> => {
  assertWidth('rbm', 'visible', visible)
  assertWidth('rbm', 'hidden', hidden)
  const { inputs = 'binary', dtype = 'float32' } = options
  const name = `rbm(${visible}→${hidden})`
  type P = RbmParams<V, H>
  const checkX = (op: string, arg: string, x: Tensor, width: number, binary: boolean) => {
    const fn = `${name}.${op}`
    if (x.shape.length !== 2 || x.shape[1] !== width) throw new ShapeError(fn, `${arg} has shape ${showShape(x.shape)} but [B,${width}] was expected`)
    const d = x.data
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!
      if (binary ? v !== 0 && v !== 1 : !(v >= 0 && v <= 1))
        throw new ValueError(fn, `${arg} has ${v} at [${Math.floor(i / width)},${i % width}]; ${binary ? 'binary units need values in {0, 1}' : 'probabilities must be in [0, 1]'}`)
    }
  }
  const checkV = (op: string, x: Tensor) => checkX(op, 'x', x, visible, inputs === 'binary')
  const pre = <B extends number>(params: P, x: Tensor<[B, V]>) => affine(x, params.w, params.b)
  const hiddenProbs = <B extends number>(params: P, x: Tensor<[B, V]>) => sigmoid.apply({}, pre(params, x))[0]
  const visibleProbs = <B extends number>(params: P, h: Tensor<[B, H]>) => sigmoid.apply({}, addBias(matmulNT(h, params.w), params.c))[0]
  const gibbsStep = <B extends number>(key: Key, params: P, x: Tensor<[B, V]>) => {
    const [kh, kx] = split(key)
    const h = sample(kh!, hiddenProbs(params, x))
    return { h, x: sample(kx!, visibleProbs(params, h)) }
  }
  /** `−cᵀx` per row, plus `Σ_j f(a_j)` where `f` is `−softplus` (free energy) or `−h_j a_j` (energy), `a = b + W x`. */
  const rowSums = (x: Tensor<[number, number]>, c: Tensor, a: Tensor<[number, number]>, h?: Tensor): Tensor<[number]> => {
    const n = a.shape[0], o = alloc(a.dtype, n), ad = a.data, xd = x.data, hd = h?.data
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let k = 0; k < visible; k++) s -= xd[i * visible + k]! * c.data[k]!
      if (hd === undefined)
        // NOTE: softplus(a) = max(a, 0) + log(1 + e^{−|a|}), finite for any a.
        for (let j = i * hidden; j < (i + 1) * hidden; j++) s -= Math.max(ad[j]!, 0) + Math.log1p(Math.exp(-Math.abs(ad[j]!)))
      else for (let j = i * hidden; j < (i + 1) * hidden; j++) s -= hd[j]! * ad[j]!
      o[i] = s
    }
    return { shape: [n], dtype: a.dtype, data: o }
  }
  const mean = (a: Tensor, b: Tensor, n: number): Tensor => {
    const o = alloc(a.dtype, a.data.length)
    for (let i = 0; i < o.length; i++) o[i] = (a.data[i]! - b.data[i]!) / n
    return { shape: a.shape, dtype: a.dtype, data: o }
  }
  const colMeanDiff = (a: Tensor<[number, number]>, b: Tensor<[number, number]>): Tensor => {
    const [n, m] = a.shape, o = alloc(a.dtype, m)
    for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < m; j++, k++) o[j] = o[j]! + (a.data[k]! - b.data[k]!) / n
    return { shape: [m], dtype: a.dtype, data: o }
  }
  const init = (key: Key): P => ({ w: normal(key, [visible, hidden], 0, 0.01, dtype), b: zeros([hidden], dtype), c: zeros([visible], dtype) }) as P
  const cdGradients = <B extends number>(key: Key, params: P, x: Tensor<[B, V]>, k: number): P => {
    if (!Number.isInteger(k) || k < 1) throw new ValueError(`${name}.cdGradients`, `k must be a positive integer, got ${k}`)
    const n = x.shape[0], h0 = hiddenProbs(params, x)
    let xk: Tensor<[B, V]> = x
    for (let t = 0; t < k; t++) xk = gibbsStep(fold(key, t), params, xk).x
    const hk = hiddenProbs(params, xk)
    return { w: mean(matmulTN(xk, hk), matmulTN(x, h0), n), b: colMeanDiff(hk, h0), c: colMeanDiff(xk, x) } as P
  }
  return {
    kind: 'rbm',
    name,
    visible,
    hidden,
    init,
    energy: <B extends number>(params: P, x: Tensor<[B, V]>, h: Tensor<[NoInfer<B>, H]>) => {
      checkV('energy', x)
      checkX('energy', 'h', h, hidden, true)
      if (h.shape[0] !== x.shape[0]) throw new ShapeError(`${name}.energy`, `x has shape ${showShape(x.shape)} but h has shape ${showShape(h.shape)}`)
      return rowSums(x, params.c, pre(params, x), h) as Tensor<[B]>
    },
    freeEnergy: <B extends number>(params: P, x: Tensor<[B, V]>) => {
      checkV('freeEnergy', x)
      return rowSums(x, params.c, pre(params, x)) as Tensor<[B]>
    },
    hiddenProbs: (params, x) => (checkV('hiddenProbs', x), hiddenProbs(params, x)),
    visibleProbs: (params, h) => (checkX('visibleProbs', 'h', h, hidden, false), visibleProbs(params, h)),
    gibbsStep: (key, params, x) => (checkV('gibbsStep', x), gibbsStep(key, params, x)),
    cdGradients: (key, params, x, k = 1) => (checkV('cdGradients', x), cdGradients(key, params, x, k)),
    reconstructionError: (params, x) => {
      checkV('reconstructionError', x)
      const r = visibleProbs(params, hiddenProbs(params, x)).data
      let s = 0
      for (let i = 0; i < r.length; i++) s += (x.data[i]! - r[i]!) ** 2
      return s / x.shape[0]
    },
    encoderParams: (params) => ({ w: params.w, b: params.b }),
    layer: (k = 1) => ({
      kind: 'rbm',
      name,
      inShape: [visible],
      outShape: [visible],
      init: (key: Key) => init(key),
      initState: () => undefined,
      apply: <B extends number>(params: P, x: Tensor<[B, V]>, ctx: Context<undefined> = {}) => {
        checkV('layer', x)
        const back = (dy: Tensor<[B, V]>) => {
          if (ctx.key === undefined) throw new ValueError(name, 'training (the CD-k backward pass) needs ctx.key')
          return [cdGradients(ctx.key, params, x, k), zerosLike(dy)] as const
        }
        return [visibleProbs(params, hiddenProbs(params, x)), back] as const
      },
    }),
  }
}
