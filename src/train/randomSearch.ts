import { fold, type Key } from '../random/Key.js'
import { uniformAt } from '../random/sample.js'
import { ValueError } from '../shape/ValueError.js'
import { bestOf, type SearchResult } from './gridSearch.js'

/** Draws one hyper-parameter value from a key. @category train */
export type Sampler<T> = (key: Key) => T

/** A uniformly chosen element of `values`. @category train */
export const choice =
  <T>(values: readonly T[]): Sampler<T> =>
  (k) => {
    if (values.length === 0) throw new ValueError('choice', 'values is empty')
    return values[Math.floor(uniformAt(k, 0) * values.length)]!
  }

/** `U[low, high)`. @category train */
export const uniformIn =
  (low: number, high: number): Sampler<number> =>
  (k) =>
    low + (high - low) * uniformAt(k, 0)

/** Log-uniform on `[low, high)` (learning rates, weight decay). @category train */
export const logUniform = (low: number, high: number): Sampler<number> => {
  if (!(low > 0 && high > low)) throw new ValueError('logUniform', `needs 0 < low < high, got ${low} and ${high}`)
  return (k) => Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * uniformAt(k, 0))
}

/** An integer uniform on `low … high` inclusive. @category train */
export const intIn =
  (low: number, high: number): Sampler<number> =>
  (k) =>
    low + Math.floor(uniformAt(k, 0) * (high - low + 1))

/**
 * Random search (Bergstra & Bengio, 2012): `trials` configurations drawn from per-parameter
 * samplers with keys split from `key`, selected by the validation score `run` returns.
 *
 * @category train
 */
export const randomSearch = <H extends Record<string, unknown>, R>(
  key: Key,
  space: { readonly [K in keyof H]: Sampler<H[K]> },
  trials: number,
  run: (hyper: H) => { readonly result: R; readonly score: number },
): SearchResult<H, R> => {
  const names = Object.keys(space) as (keyof H & string)[]
  const configs = Array.from({ length: trials }, (_, t) => {
    const tk = fold(key, t)
    return Object.fromEntries(names.map((n, i) => [n, space[n](fold(tk, i))])) as H
  })
  return bestOf('randomSearch', configs.map((hyper) => ({ hyper, ...run(hyper) })))
}
