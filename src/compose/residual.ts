import { lazyTensor } from '../internal/lazyTensor.js'
import { add } from '../ops/arithmetic.js'
import { sameShape, type Expect, type Shape, type ShapeMismatch, type ShowShape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { resultType, type Tensor } from '../tensor/Tensor.js'
import type { AnyLayer, CallShapeFn, Context, InOf, Layer, LayerFn, OutOf, ParamsOf, ShapeFn, StateOf } from '../layers/Layer.js'
import { bindTo, isLayerFn, type Block, type FnOf } from './branch.js'

// -------------------------------------------------------------------------------------------------
// types
// -------------------------------------------------------------------------------------------------

/**
 * `O` when a block that maps `S` to `O` can be added to its input (`O` fits `S`), else a
 * {@link ShapeMismatch} naming both shapes.
 */
type KeepsShape<O, S extends Shape> = O extends ShapeMismatch<string> ? O
  : O extends Shape
    ? Expect<O, S> extends ShapeMismatch<string> ? ShapeMismatch<`residual block maps ${ShowShape<S>} to ${ShowShape<O>} but x + block(x) needs ${ShowShape<S>}`> : O
    : never

/** What `residual(block)` requires of a fixed block: an output shape that is its input shape. */
type KeepsShapeArg<B> = B extends AnyLayer
  ? KeepsShape<OutOf<B>, InOf<B>> extends infer M extends ShapeMismatch<string> ? { readonly outShape: M } : unknown
  : unknown

/**
 * `x + block(x)` on feature shape `S`: a layer with the block's params `P` and state `St`.
 *
 * @category compose
 */
export interface Residual<S extends Shape, P, St> extends Layer<S, S, P, St> {
  readonly kind: 'residual'
  /** The block, bound to `S`. */
  readonly block: AnyLayer
}

/** The shape function of `residual(f)` for a shape-polymorphic block `f`: `S → S` when `f` maps `S` to `S`. @category compose */
export interface ResidualFn<F extends ShapeFn> extends ShapeFn {
  readonly out: this['in'] extends infer S extends Shape
    ? KeepsShape<CallShapeFn<F, S>['out'], S> extends infer O extends ShapeMismatch<string> ? O : S
    : never
  readonly params: this['in'] extends infer S extends Shape ? CallShapeFn<F, S>['params'] : never
  readonly state: this['in'] extends infer S extends Shape ? CallShapeFn<F, S>['state'] : never
}

/** `residual(f)` of a shape-polymorphic block, not yet bound to an input shape. @category compose */
export interface ResidualLayerFn<F extends ShapeFn> extends LayerFn<ResidualFn<F>> {
  readonly kind: 'residual'
}

/** The type of `residual(block)`. */
export type ResidualOf<B> = B extends AnyLayer ? Residual<InOf<B>, ParamsOf<B>, StateOf<B>> : ResidualLayerFn<FnOf<B>>

// -------------------------------------------------------------------------------------------------
// run time
// -------------------------------------------------------------------------------------------------

const residualLayer = (block: AnyLayer): AnyLayer => {
  const { inShape, outShape } = block
  const name = `residual(${block.name})`
  if (!sameShape(inShape, outShape))
    throw new ShapeError('residual', `block ${block.name} maps ${showShape(inShape)} to ${showShape(outShape)} but x + block(x) needs ${showShape(inShape)}`)
  return {
    kind: 'residual',
    name,
    block,
    inShape,
    outShape,
    init: block.init,
    initState: block.initState,
    apply: (params: unknown, x: Tensor, ctx: Context = {}) => {
      if (x.shape.length !== inShape.length + 1 || !sameShape(x.shape.slice(1), inShape))
        throw new ShapeError(name, `x has shape ${showShape(x.shape)} but [B,${inShape.join(',')}] was expected`)
      // The block sees the whole context: training, key and its own state.
      const [fx, backBlock, state] = block.apply(params, x, ctx) as readonly [Tensor, (dy: Tensor) => readonly [unknown, Tensor], unknown?]
      if (!sameShape(fx.shape, x.shape)) throw new ShapeError(name, `the block gives ${showShape(fx.shape)} for x of shape ${showShape(x.shape)}`)
      const back = (dy: Tensor) => {
        const [grads, dxBlock] = backBlock(dy)
        // NOTE: x reaches the output twice (the skip and the block), so dx = dy + block's dx. Computed
        // when read, like dense's dx: a first layer's dx never is.
        const dx = lazyTensor(x.shape, resultType(dy, dxBlock), () => add(dy, dxBlock).data)
        return [grads, dx] as const
      }
      const y = add(x, fx)
      return state === undefined ? ([y, back] as const) : ([y, back, state] as const)
    },
  } as AnyLayer
}

/**
 * A residual block (He, Zhang, Ren & Sun, 2016): `y = x + block(x)`, where `block` maps `[B, ...S]`
 * to `[B, ...S]`. `block` is a fixed layer or a composition (`pipe(dense(256, 256), andThen(relu),
 * andThen(dense(256, 256)))`, `pipe(input([8, 8, 16]), andThen(conv2d(3, 16, { padding: 'same' })))`),
 * giving a `Layer<S, S, P, St>`, or a shape-polymorphic layer (`batchNorm(16)`, `conv2d(3, 16, { padding: 'same' })`),
 * giving a layer function that `andThen` binds to the shape before it. A block that changes the
 * shape does not compile; the compiler names both shapes (`residual block maps [256] to [128] but
 * x + block(x) needs [256]`).
 *
 * Params and state are the block's own (typed as the block's); the context (training mode, key,
 * state) goes to the block unchanged, and in training mode the block's new state (batch norm's
 * running statistics) is returned as the third element. Backward: `dx = dy + dx_block`, and the
 * params' gradient is the block's.
 *
 * @throws ShapeError when the block's output shape is not its input shape (for shapes only run time
 *   knows), or for an input of the wrong shape.
 * @example
 * const block = pipe(dense(256, 256), andThen(relu), andThen(dense(256, 256)))
 * const net = pipe(dense(784, 256), andThen(relu), andThen(residual(block)), andThen(relu), andThen(dense(256, 10)))
 * const [y] = net.apply(net.init(key(0)), x)   // Tensor<[number, 10]>
 * @category compose
 */
export const residual = <B extends Block>(block: B & KeepsShapeArg<B>): ResidualOf<B> => {
  if (!isLayerFn(block)) return residualLayer(block as AnyLayer) as ResidualOf<B>
  return {
    kind: 'residual',
    name: `residual(${block.name})`,
    bind: (inShape: Shape) => residualLayer(bindTo(block, inShape)),
  } as unknown as ResidualOf<B>
}
