/**
 * Why external rows could not be decoded into a dataset. `message` is the first problem, naming
 * the operation, the row (1-based; for CSV the line of the file on which the record starts), the
 * column and the bad value, e.g. `decodeCsvRows: row 3, column 'x2': 'abc' is not a number`. `errors` lists the first
 * problems found (at most `MAX_ERRORS`), the first of which is `message`.
 *
 * @category io
 */
export interface DecodeError {
  readonly _tag: 'DecodeError'
  readonly message: string
  readonly errors: readonly string[]
}

/** How many problems a `DecodeError` lists at most. */
export const MAX_ERRORS = 20

/** A `DecodeError` from one or more messages, each prefixed with `op`. */
export const decodeError = (op: string, messages: readonly string[]): DecodeError => {
  const errors = messages.slice(0, MAX_ERRORS).map((m) => `${op}: ${m}`)
  return { _tag: 'DecodeError', message: errors[0] ?? `${op}: invalid input`, errors }
}
