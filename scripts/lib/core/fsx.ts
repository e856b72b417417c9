// fsx: file writes that never leave a half-written file under its final name, and the one text reader.
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { UserError } from './cli.js'

/** A temp name beside `target`, unique to this process, recognisable for cleanup. */
export const tmpName = (target: string) => join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`)

const bytesOf = (data: string | Uint8Array) => typeof data === 'string' ? Buffer.from(data) : data

/** PURE: does a file holding `old` (undefined: unreadable or absent) already hold `data`? */
export function sameBytes(old: Uint8Array | undefined, data: string | Uint8Array): boolean {
  return old !== undefined && Buffer.compare(old, bytesOf(data)) === 0
}

/**
 * Write `data` to a temp name beside `path`, then rename over it; a file already holding `data` is
 * kept with its mtime (so a re-run changes nothing and the next `up` sends nothing). True when written.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<boolean> {
  const st = await stat(path).catch(() => undefined)
  if (st?.isFile() && st.size === bytesOf(data).length && sameBytes(await readFile(path).catch(() => undefined), data)) return false
  await mkdir(dirname(path), { recursive: true })
  const tmp = tmpName(path)
  try {
    await writeFile(tmp, data)
    await rename(tmp, path)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
  return true
}

/** writeFileAtomic, synchronously: identical content keeps the file and its mtime; true when written. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array): boolean {
  const st = statSync(path, { throwIfNoEntry: false })
  if (st?.isFile() && st.size === bytesOf(data).length && sameBytes(readOr(path), data)) return false
  mkdirSync(dirname(path), { recursive: true })
  const tmp = tmpName(path)
  try {
    writeFileSync(tmp, data)
    renameSync(tmp, path)
  } catch (e) {
    rmSync(tmp, { force: true })
    throw e
  }
  return true
}

const readOr = (path: string) => { try { return readFileSync(path) } catch { return undefined } }

/** Remove temp leftovers (`.<name>.tmp-*`) that an interrupted run left in `dir`. */
export function sweepTemps(dir: string): void {
  if (!existsSync(dir)) return
  for (const f of readdirSync(dir)) if (/^\..*\.tmp-\d+-/.test(f)) rmSync(join(dir, f), { recursive: true, force: true })
}

/** Replace directory `target` by `fresh` with two renames; the old tree survives until the new one is in place. */
export async function swapDir(fresh: string, target: string): Promise<void> {
  const old = `${dirname(target)}/.${basename(target)}.old-${process.pid}`
  const had = existsSync(target)
  if (had) await rename(target, old)
  await rename(fresh, target)
  if (had) await rm(old, { recursive: true, force: true })
}

/** Undo a swap cut between its two renames: bring back `.<name>.old-*` if `target` is missing. */
export function recoverSwap(target: string): void {
  const dir = dirname(target)
  if (!existsSync(dir)) return
  const olds = readdirSync(dir).filter((f) => f.startsWith(`.${basename(target)}.old-`))
  for (const o of olds) {
    if (!existsSync(target)) renameSync(join(dir, o), target)
    else rmSync(join(dir, o), { recursive: true, force: true })
  }
}

/** Point `path` at `target` (a relative link), replacing what is there in one rename; true when something changed. */
export function ensureLink(path: string, target: string): boolean {
  const st = lstatSync(path, { throwIfNoEntry: false })
  if (st?.isSymbolicLink() && readlinkSync(path) === target) return false
  const tmp = tmpName(path)
  symlinkSync(target, tmp)
  if (st?.isDirectory()) rmSync(path, { recursive: true, force: true })
  renameSync(tmp, path)
  return true
}

/**
 * The one text reader: a UTF-8 file's content, or undefined when it does not exist. Any other failure
 * (EACCES, EISDIR...) is thrown: an unreadable file is not the same as an absent one.
 */
export function readTextIf(path: string): string | undefined {
  try { return readFileSync(path, 'utf8') } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined
    throw e
  }
}

/** A UTF-8 file that must exist: its content, or one UserError `missing` (what is absent and what to do). */
export function readTextOr(path: string, missing: string): string {
  const text = readTextIf(path)
  if (text === undefined) throw new UserError(missing)
  return text
}
