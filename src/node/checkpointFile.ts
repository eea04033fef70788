import { randomUUID } from 'node:crypto'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint.js'
import { checkpointError, type CheckpointError } from '../io/CheckpointError.js'

/**
 * Writes `payload` as a checkpoint file (see `encodeCheckpoint`), atomically: the text goes to a
 * temporary file in the same directory, is flushed to disk (fsync), and is then renamed over
 * `path`. If anything fails (encoding, writing, syncing, renaming) the promise rejects, a previous
 * checkpoint at `path` is left intact, and the temporary file is removed.
 *
 * @example
 * await saveCheckpoint('run/ckpt.json', { params, opt: state, epoch })
 * @category node
 */
export const saveCheckpoint = async (path: string, payload: unknown): Promise<void> => {
  const text = encodeCheckpoint(payload) // NOTE: before touching the disk, so a bad payload writes nothing
  const tmp = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`)
  try {
    const file = await open(tmp, 'wx')
    try {
      await file.writeFile(text, 'utf8')
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined) // NOTE: keep the original error
    throw err
  }
  await syncDirectory(dirname(path))
}

/** Makes the rename durable; some platforms cannot open or fsync a directory, which is harmless. */
const syncDirectory = async (dir: string): Promise<void> => {
  try {
    const d = await open(dir, 'r')
    try {
      await d.sync()
    } finally {
      await d.close()
    }
  } catch {
    // NOTE: Windows cannot fsync a directory; the rename itself is still atomic.
  }
}

/**
 * Reads the checkpoint at `path` and checks it against `template` (see `decodeCheckpoint`).
 * A missing or unreadable file, or one that does not match, is a `Left` naming the path; this
 * function never rejects.
 *
 * @example
 * const loaded = await loadCheckpoint('run/ckpt.json', { params: model.init(key(0)), opt: adam.init(params), epoch: 0 })
 * @category node
 */
export const loadCheckpoint = async <T>(path: string, template: T): Promise<E.Either<CheckpointError, T>> => {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    return E.left(checkpointError(`cannot read '${path}' (${(err as Error).message})`))
  }
  const r = decodeCheckpoint(text, template)
  return E.isLeft(r) ? E.left({ ...r.left, message: `${r.left.message} (in '${path}')` }) : r
}
