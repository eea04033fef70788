import { reshape as reshapeOp } from '../ops/reshape.js'
import type { Numel } from '../shape/arithmetic.js'
import { sameShape, type Shape, type ShapeMismatch, type ShowShape, type Writable } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { numel, type Tensor } from '../tensor/Tensor.js'
import type { Layer, LayerFn, NoParams, ShapeFn } from './Layer.js'

/** The shape function of `flatten`: `S → [Numel<S>]`. @category layers */
export interface FlattenFn extends ShapeFn {
  readonly out: this['in'] extends Shape ? [Numel<this['in']>] : never
  readonly params: NoParams
  readonly state: undefined
}

/** The shape function of `reshape(T)`: `S → T` when both have the same number of elements. @category layers */
export interface ReshapeFn<T extends Shape> extends ShapeFn {
  readonly out: this['in'] extends Shape
    ? [Numel<this['in']>, Numel<T>] extends [Numel<T>, Numel<this['in']>] ? Writable<T>
      : ShapeMismatch<`reshape to ${ShowShape<T>} needs ${Numel<T>} elements but gets ${ShowShape<this['in']>} with ${Numel<this['in']>}`>
    : never
  readonly params: NoParams
  readonly state: undefined
}

/** The layer that views each example with another feature shape (no copy). */
const viewLayer = (kind: string, name: string, inShape: Shape, outShape: Shape): Layer<Shape, Shape, NoParams> => ({
  kind,
  name,
  inShape,
  outShape,
  init: () => ({}),
  initState: () => undefined,
  apply: (_, x) => {
    if (x.shape.length !== inShape.length + 1 || !sameShape(x.shape.slice(1), inShape))
      throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${inShape.join(',')}] was expected`)
    const b = x.shape[0] as number
    // NOTE: reshape and its backward are each other's adjoint: the same data, viewed back.
    const back = (dy: Tensor) => [{}, reshapeOp(dy, [b, ...inShape])] as const
    return [reshapeOp(x, [b, ...outShape]), back] as never
  },
})

/** `flatten`: a layer, and an op on a tensor. @category layers */
export interface Flatten extends LayerFn<FlattenFn> {
  readonly kind: 'flatten'
  /** Flattens every dimension after the first: `[B, ...S] → [B, Numel<S>]` (the product computed by the compiler). */
  <B extends number, S extends Shape>(x: Tensor<readonly [B, ...S]>): Tensor<[B, Numel<S>]>
}

const flattenOp = <B extends number, S extends Shape>(x: Tensor<readonly [B, ...S]>): Tensor<[B, Numel<S>]> => {
  if (x.shape.length < 1) throw new ShapeError('flatten', `x has shape ${showShape(x.shape)}; a batch dimension is needed`)
  const b = x.shape[0]
  return { shape: [b, b === 0 ? numel(x.shape.slice(1)) : x.data.length / b], dtype: x.dtype, data: x.data } as unknown as Tensor<[B, Numel<S>]>
}

/**
 * Flattens each example to a vector: as a layer, `[B, ...S] → [B, Numel<S>]` with the product
 * computed by the compiler, so after `[4, 4, 16]` only `dense(256, …)` fits (`dense(255, …)` is a
 * compile error naming 256 and 255). Called on a tensor, it is the same view as an op.
 *
 * @example
 * pipe(input([4, 4, 16]), andThen(flatten), andThen(dense(256, 120)))   // [B, 4, 4, 16] → [B, 120]
 * flatten(zeros([2, 3, 4]))                                              // Tensor<[2, 12]>
 * @category layers
 */
export const flatten: Flatten = Object.assign(flattenOp, {
  kind: 'flatten' as const,
  bind: (inShape: Shape) => viewLayer('flatten', 'flatten', inShape, [numel(inShape)]),
}) as unknown as Flatten

/** A `reshape` layer not yet bound to an input shape. @category layers */
export interface Reshape<T extends Shape> extends LayerFn<ReshapeFn<T>> {
  readonly kind: 'reshape'
}

/**
 * Views each example with another feature shape: as a layer, `reshape([4, 64])` maps
 * `[B, ...S] → [B, 4, 64]` and does not compile unless `S` has 256 elements; on a tensor,
 * `reshape(x, shape)` is the op (checked at run time).
 *
 * @example
 * pipe(input([4, 4, 16]), andThen(reshape([16, 16])))   // [B, 4, 4, 16] → [B, 16, 16]
 * reshape(zeros([2, 3]), [3, 2])                         // Tensor<[3, 2]>
 * @category layers
 */
export function reshape<const T extends Shape>(shape: T): Reshape<T>
export function reshape<const S2 extends Shape>(x: Tensor, shape: S2): Tensor<Writable<S2>>
export function reshape(a: Tensor | Shape, shape?: Shape): unknown {
  if (shape !== undefined) return reshapeOp(a as Tensor, shape)
  const target = a as Shape
  if (target.some((d) => !Number.isInteger(d) || d < 1)) throw new ShapeError('reshape', `shape ${showShape(target)} must have positive integer dimensions`)
  const name = `reshape(${showShape(target)})`
  return {
    kind: 'reshape',
    name,
    bind: (inShape: Shape) => {
      if (numel(inShape) !== numel(target))
        throw new ShapeError(name, `needs ${numel(target)} elements but gets ${showShape(inShape)} with ${numel(inShape)}`)
      return viewLayer('reshape', name, inShape, target)
    },
  }
}
