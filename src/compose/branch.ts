// What the graph combinators (residual, parallel) need to know of a block: a fixed layer or a
// shape-polymorphic one, and what either makes of an input shape, at the type level and at run time.
import type { AnyLayer, AnyLayerFn, CallShapeFn, InOf, OutOf, ParamsOf, ShapeFn, StateOf } from '../layers/Layer.js'
import type { Shape } from '../shape/Shape.js'

/** A block a combinator takes: a fixed {@link Layer} (a `Sequential` too) or a shape-polymorphic {@link LayerFn}. */
export type Block = AnyLayer | AnyLayerFn

/** The shape function of a shape-polymorphic block. */
export type FnOf<B> = B extends { readonly shapeFn?: infer F extends ShapeFn } ? F : never

// NOTE: the same three as `andThen`'s (src/compose/sequential.ts): a fixed layer has its own
// shapes, a shape-polymorphic one is asked about `S`.
/** What `B` gives for input shape `S`: its output shape or a `ShapeMismatch`. */
export type OutFor<B, S extends Shape> = B extends AnyLayer ? OutOf<B> : CallShapeFn<FnOf<B>, S>['out']
/** The params of `B` bound to input shape `S`. */
export type ParamsFor<B, S extends Shape> = B extends AnyLayer ? ParamsOf<B> : CallShapeFn<FnOf<B>, S>['params']
/** The state of `B` bound to input shape `S`. */
export type StateFor<B, S extends Shape> = B extends AnyLayer ? StateOf<B> : CallShapeFn<FnOf<B>, S>['state']
/** The input shape `B` fixes, or `never` for a shape-polymorphic block. */
export type FixedIn<B> = B extends AnyLayer ? InOf<B> : never

/** True for a shape-polymorphic block (it has `bind`), at run time. */
export const isLayerFn = (b: Block): b is AnyLayerFn => 'bind' in b && typeof b.bind === 'function' && !('inShape' in b)

/** A block as a fixed layer on input shape `inShape`: a layer function is bound (it throws a ShapeError naming both shapes when it does not fit). */
export const bindTo = (b: Block, inShape: Shape): AnyLayer => (isLayerFn(b) ? (b.bind(inShape) as AnyLayer) : b)
