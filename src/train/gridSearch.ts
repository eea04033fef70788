import { ValueError } from '../shape/ValueError.js'

/** One trial of a hyper-parameter search: the configuration and what `run` returned. */
export interface Trial<H, R> {
  readonly hyper: H
  readonly result: R
  /** The validation score `run` reported (lower is better). */
  readonly score: number
}

/** The outcome of a search: every trial in order, and the one with the lowest validation score. */
export interface SearchResult<H, R> {
  readonly trials: readonly Trial<H, R>[]
  readonly best: Trial<H, R>
}

/** Picks the trial with the lowest score (the first one on ties). */
export const bestOf = <H, R>(op: string, trials: readonly Trial<H, R>[]): SearchResult<H, R> => {
  if (trials.length === 0) throw new ValueError(op, 'the search space is empty')
  const best = trials.reduce((a, b) => (b.score < a.score ? b : a))
  return { trials, best }
}

/** The cartesian product of value lists, as objects. */
const product = <H>(space: { readonly [K in keyof H]: readonly H[K][] }): H[] =>
  Object.entries(space as Record<string, readonly unknown[]>).reduce<Record<string, unknown>[]>(
    (acc, [k, values]) => acc.flatMap((h) => values.map((v) => ({ ...h, [k]: v }))),
    [{}],
  ) as H[]

/**
 * Grid search: runs `run` on every combination of the listed values and selects by the validation
 * score it returns (lower is better). Only the selected configuration should then be tested.
 *
 * @example
 * const { best } = gridSearch({ hidden: [64, 128], rate: [1e-3, 3e-3] }, (h) => {
 *   const state = fit(configFor(h), train, validation)
 *   return { result: state, score: state.best.score }
 * })
 * @category train
 */
export const gridSearch = <H extends Record<string, unknown>, R>(
  space: { readonly [K in keyof H]: readonly H[K][] },
  run: (hyper: H) => { readonly result: R; readonly score: number },
): SearchResult<H, R> => bestOf('gridSearch', product(space).map((hyper) => ({ hyper, ...run(hyper) })))
