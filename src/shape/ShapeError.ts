/**
 * The error every shape check throws at run time. Its message names the operation, the argument
 * and both shapes, e.g. `matmul: b has shape [5,4] but a has shape [2,3] (inner dimensions 3 and 5 differ)`.
 *
 * @category shape
 */
export class ShapeError extends Error {
  override readonly name = 'ShapeError'
  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`)
  }
}

/** Formats a shape the way error messages print it: `[2,3]`. */
export const showShape = (s: readonly number[]): string => `[${s.join(',')}]`
