import { randomUUID } from 'node:crypto'
import { open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import { decodeCheckpoint, encodeCheckpoint } from '../io/checkpoint.js'
import { checkpointError, type CheckpointError } from '../io/CheckpointError.js'

// Temporary files of a save are `.<name>.<pid>.<uuid>.tmp` next to the target: unique, and
// recognisably stale once the process that wrote them is gone (it crashed mid-save).

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const tempName = (path: string): string => `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`
const tempPattern = (path: string): RegExp => new RegExp(`^\\.${escape(basename(path))}\\.(\\d+)\\.[0-9a-f-]{36}\\.tmp$`)

/** True unless process `pid` is known not to exist on this machine. */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as { code?: string }).code !== 'ESRCH'
  }
}

/** The temporary files left next to `path` by saves whose process has died. */
const staleTemps = async (path: string): Promise<string[]> => {
  const pattern = tempPattern(path)
  let names: string[]
  try {
    names = await readdir(dirname(path))
  } catch {
    return []
  }
  return names.filter((n) => {
    const m = pattern.exec(n)
    return m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]))
  })
}

/** An fs error's reason without the file name it mentions (which may be the temporary file). */
const reason = (err: unknown): string => {
  const e = err as { code?: unknown; message?: unknown }
  const m = String(e.message ?? err)
  return typeof e.code === 'string' ? (m.split(', ')[0] ?? m) : m
}

/**
 * Writes `payload` as a checkpoint file (see `encodeCheckpoint`), atomically: the text goes to a
 * temporary file in the same directory (`.<name>.<pid>.<uuid>.tmp`, unique to this save), is
 * flushed to disk (fsync), and is then renamed over `path`. If anything fails (encoding, writing,
 * syncing, renaming) the promise rejects with an error naming `path` (never the temporary file),
 * a previous checkpoint at `path` is left intact, and the temporary file is removed. Temporary
 * files that saves of `path` by processes that no longer exist left behind (a crash mid-save) are
 * removed first.
 *
 * @throws ValueError (rejects) from `encodeCheckpoint` for a payload a checkpoint cannot hold, before
 *   anything is written; Error `saveCheckpoint: cannot write '<path>' (<reason>)` for a failing disk.
 * @example
 * await saveCheckpoint('run/ckpt.json', { params, opt: state, epoch })
 * @category node
 */
export const saveCheckpoint = async (path: string, payload: unknown): Promise<void> => {
  const text = encodeCheckpoint(payload) // NOTE: before touching the disk, so a bad payload writes nothing
  for (const name of await staleTemps(path)) await rm(join(dirname(path), name), { force: true }).catch(() => undefined)
  const tmp = join(dirname(path), tempName(path))
  let stage = 'create a temporary file for'
  try {
    const file = await open(tmp, 'wx')
    try {
      stage = 'write'
      await file.writeFile(text, 'utf8')
      stage = 'flush'
      await file.sync()
    } finally {
      await file.close()
    }
    stage = 'rename the written file to'
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined) // NOTE: keep the original error
    throw new Error(`saveCheckpoint: cannot ${stage} '${path}' (${reason(err)})`, { cause: err })
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
 * Reads the checkpoint at `path` and checks it against `template` (see `decodeCheckpoint`: shapes,
 * dtypes, finite values, counters, the format version). A missing or unreadable file, or one that
 * does not match, is a `Left` naming the path in the file and the file; this function never
 * rejects. Temporary files of interrupted saves are never read (only `path` is); when `path` is
 * missing but one is there, the message says so.
 *
 * @example
 * const loaded = await loadCheckpoint('run/ckpt.json', { params: model.init(key(0)), opt: adam(1e-3).init(params), epoch: 0 })
 * @category node
 */
export const loadCheckpoint = async <T>(path: string, template: T): Promise<E.Either<CheckpointError, T>> => {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    const stale = (err as { code?: unknown }).code === 'ENOENT' ? await staleTemps(path) : []
    const note = stale.length > 0 ? `; '${stale[0]}' is the temporary file of an interrupted save, which was ignored` : ''
    return E.left(checkpointError(`cannot read '${path}' (${reason(err)})${note}`))
  }
  const r = decodeCheckpoint(text, template)
  return E.isLeft(r) ? E.left({ ...r.left, message: `${r.left.message} (in '${path}')` }) : r
}
