import { lazyTensor } from '../internal/lazyTensor.js'
import { fold, type Key } from '../random/Key.js'
import type { Add } from '../shape/arithmetic.js'
import { sameShape, type Expect, type Shape, type ShapeMismatch, type ShowShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { alloc, numel, resultType, type Storage, type Tensor } from '../tensor/Tensor.js'
import { ValueError } from '../shape/ValueError.js'
import type { AnyLayer, Context, InOf, Layer, LayerFn, OutOf, ShapeFn } from '../layers/Layer.js'
import { bindTo, isLayerFn, type Block, type FixedIn, type OutFor, type ParamsFor, type StateFor } from './branch.js'

// -------------------------------------------------------------------------------------------------
// types: each branch is checked against the input shape S and against branch 0's output
// -------------------------------------------------------------------------------------------------

/** Two or more branches. */
type Branches = readonly [Block, Block, ...Block[]]

/** The input shape the branches fix: the first fixed branch's, or `never` when all are shape-polymorphic. */
type FirstFixedIn<Bs> = Bs extends readonly [infer H, ...infer T] ? ([FixedIn<H>] extends [never] ? FirstFixedIn<T> : FixedIn<H>) : never

/** What is wrong with output `O` of branch `K` next to branch 0's output `O0` (`never` when nothing). */
type OutProblem<O, K extends string, O0> = O extends Shape
  ? number extends O['length'] ? never
    : O extends readonly [...infer L extends Shape, number]
      ? K extends '0' ? never
        : O0 extends readonly [...infer L0 extends Shape, number]
          ? Expect<L, L0> extends ShapeMismatch<string> ? `parallel branch ${K} gives ${ShowShape<O>} but branch 0 gives ${ShowShape<O0>}; only the last axis may differ` : never
          : never
      : `parallel branch ${K} gives ${ShowShape<O>}, with no feature axis to concatenate`
  : never

/** What is wrong with branch `B` (number `K`) on input shape `S` (`never` when nothing), as the compiler will print it. */
type Problem<B, K extends string, S extends Shape, O0> = B extends AnyLayer
  ? Expect<S, InOf<B>> extends ShapeMismatch<string> ? `parallel branch ${K} expects ${ShowShape<InOf<B>>} but gets ${ShowShape<S>}` : OutProblem<OutOf<B>, K, O0>
  : OutFor<B, S> extends ShapeMismatch<infer M> ? `parallel branch ${K}: ${M}` : OutProblem<OutFor<B, S>, K, O0>

type LastDim<O> = O extends readonly [...Shape, infer D extends number] ? D : number

/** The output of the branches on `S`: branch 0's leading axes and the sum of the last axes, or the first problem. */
type ConcatOut<Bs, S extends Shape, O0 = OutFor<Bs extends readonly [infer B0, ...unknown[]] ? B0 : never, S>, I extends unknown[] = [], Sum extends number = 0> =
  Bs extends readonly [infer H, ...infer T]
    ? [Problem<H, `${I['length']}`, S, O0>] extends [never]
      ? ConcatOut<T, S, O0, [...I, 0], Add<Sum, LastDim<OutFor<H, S>>>>
      : ShapeMismatch<Problem<H, `${I['length']}`, S, O0>>
    : O0 extends readonly [...infer Lead extends Shape, number] ? [...Lead, Sum] : never

/** Each branch as an argument of `parallel`: a fixed input shape makes every problem a compile error at its branch. */
type CheckedBranches<Bs extends Branches> = {
  readonly [K in keyof Bs]: [FirstFixedIn<Bs>] extends [never] ? Bs[K]
    : Bs[K] & ([Problem<Bs[K], K & string, FirstFixedIn<Bs>, OutFor<Bs[0], FirstFixedIn<Bs>>>] extends [never] ? unknown
      : ShapeMismatch<Problem<Bs[K], K & string, FirstFixedIn<Bs>, OutFor<Bs[0], FirstFixedIn<Bs>>>>)
}

/** The params of the branches on `S`, one entry per branch. */
type ParamsTuple<Bs, S extends Shape> = { readonly [K in keyof Bs]: ParamsFor<Bs[K], S> }
/** The states of the branches on `S`, one entry per branch. */
type StateTuple<Bs, S extends Shape> = { readonly [K in keyof Bs]: StateFor<Bs[K], S> }

/**
 * Branches on one input, their outputs concatenated on the last axis: `[B, ...In] → [B, ...S, O₀ + O₁ + …]`.
 * Params `Ps` and state `Ss` are tuples, one entry per branch.
 *
 * @category compose
 */
export interface Parallel<In extends Shape, Out extends Shape, Ps extends readonly unknown[], Ss extends readonly unknown[]> extends Layer<In, Out, Ps, Ss> {
  readonly kind: 'parallel'
  /** The branches, bound to `In`. */
  readonly branches: readonly AnyLayer[]
}

/** The shape function of `parallel(...)` of shape-polymorphic branches. @category compose */
export interface ParallelFn<Bs extends Branches> extends ShapeFn {
  readonly out: this['in'] extends infer S extends Shape ? ConcatOut<Bs, S> : never
  readonly params: this['in'] extends infer S extends Shape ? ParamsTuple<Bs, S> : never
  readonly state: this['in'] extends infer S extends Shape ? StateTuple<Bs, S> : never
}

/** `parallel(...)` of shape-polymorphic branches, not yet bound to an input shape. @category compose */
export interface ParallelLayerFn<Bs extends Branches> extends LayerFn<ParallelFn<Bs>> {
  readonly kind: 'parallel'
}

/** The type of `parallel(...branches)`: a layer when a branch fixes the input shape, else a layer function. */
export type ParallelOf<Bs extends Branches> = [FirstFixedIn<Bs>] extends [never] ? ParallelLayerFn<Bs>
  : FirstFixedIn<Bs> extends infer S extends Shape
    ? Parallel<S, ConcatOut<Bs, S> extends infer O extends Shape ? O : never, ParamsTuple<Bs, S>, StateTuple<Bs, S>>
    : never

// -------------------------------------------------------------------------------------------------
// run time
// -------------------------------------------------------------------------------------------------

/** Writes `part` (rows of `width`) into columns `offset …` of `out` (rows of `total`). */
const putColumns = (out: Storage, total: number, offset: number, part: Storage, width: number) => {
  for (let r = 0, rows = part.length / width; r < rows; r++) {
    const o = r * total + offset, i = r * width
    for (let j = 0; j < width; j++) out[o + j] = part[i + j]!
  }
}

/** Reads columns `offset …` (of `width`) of `src` (rows of `total`) into `part`: the adjoint of {@link putColumns}. */
const takeColumns = (src: Storage, total: number, offset: number, part: Storage, width: number) => {
  for (let r = 0, rows = part.length / width; r < rows; r++) {
    const o = r * total + offset, i = r * width
    for (let j = 0; j < width; j++) part[i + j] = src[o + j]!
  }
}

type Backward = (dy: Tensor) => readonly [unknown, Tensor]

/** Branch `i` on input shape `inShape`; a branch that does not fit is named in the error. */
const bindBranch = (b: Block, i: number, inShape: Shape): AnyLayer => {
  try {
    return bindTo(b, inShape)
  } catch (e) {
    throw e instanceof ShapeError ? new ShapeError('parallel', `branch ${i}: ${e.message}`) : e
  }
}

const parallelLayer = (branches: readonly AnyLayer[]): AnyLayer => {
  const name = `parallel(${branches.map((b) => b.name).join(', ')})`
  const first = branches[0]!
  const inShape = first.inShape
  const widths: number[] = []
  branches.forEach((b, i) => {
    if (!sameShape(b.inShape, inShape))
      throw new ShapeError('parallel', `branch ${i} (${b.name}) expects ${showShape(b.inShape)} but branch 0 (${first.name}) expects ${showShape(inShape)}`)
    if (b.outShape.length === 0) throw new ShapeError('parallel', `branch ${i} (${b.name}) gives [], with no feature axis to concatenate`)
    if (!sameShape(b.outShape.slice(0, -1), first.outShape.slice(0, -1)))
      throw new ShapeError('parallel', `branch ${i} (${b.name}) gives ${showShape(b.outShape)} but branch 0 (${first.name}) gives ${showShape(first.outShape)}; only the last axis may differ`)
    widths.push(b.outShape[b.outShape.length - 1]!)
  })
  const total = widths.reduce((a, b) => a + b, 0)
  const outShape = [...first.outShape.slice(0, -1), total]
  return {
    kind: 'parallel',
    name,
    branches,
    inShape,
    outShape,
    init: (key: Key) => branches.map((b, i) => b.init(fold(key, i))),
    initState: () => branches.map((b) => b.initState()),
    apply: (params: readonly unknown[], x: Tensor, ctx: Context<readonly unknown[]> = {}) => {
      if (x.shape.length !== inShape.length + 1 || !sameShape(x.shape.slice(1), inShape))
        throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${inShape.join(',')}] was expected`)
      const batch = x.shape[0]!
      const ys: Tensor[] = [], backs: Backward[] = [], states: unknown[] = []
      let stateChanged = false
      branches.forEach((b, i) => {
        const st = ctx.state?.[i]
        // As in sequential: the mode as it is, a key of its own per branch, its own state.
        const sub: Context = {
          ...(ctx.training !== undefined && { training: ctx.training }),
          ...(ctx.key !== undefined && { key: fold(ctx.key, i) }),
          ...(st !== undefined && { state: st }),
        }
        const [y, back, newState] = b.apply(params[i], x, sub) as readonly [Tensor, Backward, unknown?]
        if (!sameShape(y.shape, [batch, ...b.outShape]))
          throw new ShapeError(name, `branch ${i} (${b.name}) gives ${showShape(y.shape)} but [${batch},${b.outShape.join(',')}] was expected`)
        ys.push(y)
        backs.push(back)
        states.push(newState ?? st)
        if (newState !== undefined) stateChanged = true
      })
      const y = alloc(resultType(...ys), batch * numel(outShape))
      let offset = 0
      ys.forEach((t, i) => {
        putColumns(y, total, offset, t.data, widths[i]!)
        offset += widths[i]!
      })
      const back = (dy: Tensor) => {
        if (!sameShape(dy.shape, [batch, ...outShape])) throw new ShapeError(name, `dy has shape ${showShape(dy.shape)} but [${batch},${outShape.join(',')}] was expected`)
        const grads: unknown[] = [], dxs: Tensor[] = []
        let at = 0
        branches.forEach((b, i) => {
          // NOTE: the concatenation in reverse: each branch gets its own columns of dy.
          const part = alloc(dy.dtype, ys[i]!.data.length)
          takeColumns(dy.data, total, at, part, widths[i]!)
          at += widths[i]!
          const [g, dx] = backs[i]!({ shape: [batch, ...b.outShape], dtype: dy.dtype, data: part })
          grads.push(g)
          dxs.push(dx)
        })
        // NOTE: x feeds every branch, so dx is the sum of their dx (computed when read).
        const dx = lazyTensor(x.shape, resultType(...dxs), () => {
          const sum = alloc(resultType(...dxs), x.data.length)
          for (const d of dxs) {
            const dd = d.data
            for (let k = 0; k < sum.length; k++) sum[k] = sum[k]! + dd[k]!
          }
          return sum
        })
        return [grads, dx] as const
      }
      const out: Tensor = { shape: [batch, ...outShape], dtype: resultType(...ys), data: y }
      return stateChanged ? ([out, back, states] as const) : ([out, back] as const)
    },
  } as AnyLayer
}

/**
 * Branches on the same input, their outputs concatenated on the last (feature) axis:
 * `[B, ...In] → [B, ...S, Oa]` and `[B, ...In] → [B, ...S, Ob]` give `[B, ...In] → [B, ...S, Oa + Ob]`,
 * the sum computed by the compiler (two or more branches; an Inception module is four). A branch is a fixed
 * layer or composition, or a shape-polymorphic layer (`conv2d(3, 8, { padding: 'same' })`); with at
 * least one fixed branch the result is a layer on that branch's input shape (the others are bound
 * to it), otherwise a layer function that `andThen` binds. Branches that expect another input
 * shape, or whose outputs differ before the last axis, do not compile; the compiler names both
 * shapes (`parallel branch 1 gives [10,10,8] but branch 0 gives [12,12,8]; only the last axis may differ`).
 *
 * Params and state are tuples, one entry per branch (`readonly [Pa, Pb]`). Each branch runs with the
 * training mode, its own key `fold(key, i)` and its own state; in training mode the new state tuple
 * is returned as the third element. Backward: each branch gets its columns of `dy`, and
 * `dx = Σᵢ dxᵢ`.
 *
 * @throws ShapeError for branches that do not fit together (shapes only run time knows), or for an
 *   input of the wrong shape.
 * @example
 * const wide = parallel(dense(256, 64), pipe(dense(256, 32), andThen(relu)))   // Parallel<[256], [96], readonly [DenseParams<256, 64>, …], …>
 * const net = pipe(dense(784, 256), andThen(relu), andThen(wide), andThen(dense(96, 10)))
 * const inception = pipe(input([12, 12, 6]), andThen(parallel(conv2d(1, 8), conv2d(3, 8, { padding: 'same' }))))   // [B, 12, 12, 6] → [B, 12, 12, 16]
 * @category compose
 */
export const parallel = <Bs extends Branches>(...branches: CheckedBranches<Bs>): ParallelOf<Bs> => {
  const bs = branches as unknown as readonly Block[]
  if (bs.length < 2) throw new ValueError('parallel', `needs at least 2 branches, got ${bs.length}`)
  const fixed = bs.find((b) => !isLayerFn(b)) as AnyLayer | undefined
  if (fixed !== undefined) return parallelLayer(bs.map((b, i) => bindBranch(b, i, fixed.inShape))) as unknown as ParallelOf<Bs>
  return {
    kind: 'parallel',
    name: `parallel(${bs.map((b) => b.name).join(', ')})`,
    bind: (inShape: Shape) => parallelLayer(bs.map((b, i) => bindBranch(b, i, inShape))),
  } as unknown as ParallelOf<Bs>
}
