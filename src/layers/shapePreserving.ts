import type { Shape } from '../shape/Shape.js'

/**
 * Adds `bind` to a layer whose output has its input's shape (activations, dropout, batch norm): bound
 * to a shape, it is the same layer with `inShape = outShape = shape`, after `check` accepts it.
 */
export const shapePreserving = <T extends object>(layer: T, check: (inShape: Shape) => void = () => {}) =>
  ({
    ...layer,
    bind: (inShape: Shape) => {
      check(inShape)
      return { ...layer, inShape, outShape: inShape }
    },
  }) as T & { readonly bind: never }
