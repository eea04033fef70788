import { ad, layer, ones, zeros } from '../../src/index.js'

/**
 * Layer normalisation (Ba, Kiros & Hinton, 2016) over the last axis, written with the ops of `ad`:
 * `y = γ ⊙ (x − μ) / √(σ² + ε) + β` with μ, σ² the mean and (biased) variance of each example's
 * features. The same definition as the README's.
 */
export const layerNorm = <const N extends number>(n: N, eps = 1e-5) =>
  layer({
    name: `layerNorm(${n})`,
    inShape: [n],
    init: () => ({ gamma: ones([n]), beta: zeros([n]) }),
    forward: ({ gamma, beta }, x) => {
      const centred = ad.sub(x, ad.expand(ad.mean(x, -1), -1, n)) // x − μ
      const std = ad.sqrt(ad.addScalar(ad.mean(ad.square(centred), -1), eps)) // √(σ² + ε)
      const normalised = ad.div(centred, ad.expand(std, -1, n))
      return ad.addBias(ad.mul(normalised, ad.expand(gamma, 0, x.shape[0])), beta)
    },
  })
