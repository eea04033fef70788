/**
 * Thrown for a bad value rather than a bad shape: a label out of range, NaN where a loss is
 * computed, a probability outside its interval. The message names the operation and the argument.
 *
 * @category shape
 */
export class ValueError extends Error {
  override readonly name = 'ValueError'
  constructor(
    readonly op: string,
    message: string,
  ) {
    super(`${op}: ${message}`)
  }
}
