/**
 * Why a checkpoint could not be loaded. The message names the path in the payload and both values,
 * e.g. `checkpoint: at params[2].w the file has shape [128,10] but the model has [64,10]`.
 *
 * @category io
 */
export interface CheckpointError {
  readonly _tag: 'CheckpointError'
  readonly message: string
}

/** A `CheckpointError` whose message is prefixed with `checkpoint: `. */
export const checkpointError = (message: string): CheckpointError => ({ _tag: 'CheckpointError', message: `checkpoint: ${message}` })
