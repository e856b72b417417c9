// lock: one mutating run at a time per pipeline folder (and one ship/plugins at the root); a dead holder's lock is taken over.
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs'
import { dirname } from 'node:path'
import { UserError } from './cli.js'

/** The holder written in a lock file: `<pid> <command>`. */
export function parseHolder(text: string): { pid: number; command: string } | undefined {
  const m = /^(\d+) (\S+)/.exec(text)
  return m ? { pid: Number(m[1]), command: m[2] } : undefined
}

/** Is `pid` a live process? (EPERM: alive, someone else's) */
export function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

const readIf = (path: string) => { try { return readFileSync(path, 'utf8') } catch { return undefined } }

/**
 * Take the lock file `path` for `command` (created exclusively), or fail in one line naming the pid that holds it.
 * A lock whose process is gone (kill -9, power cut) is taken over. Released when this process exits.
 */
export function acquireLock(path: string, command: string, what: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const mine = `${process.pid} ${command}\n`
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx')
      try { writeSync(fd, mine) } finally { closeSync(fd) }
      process.on('exit', () => { if (readIf(path) === mine) try { unlinkSync(path) } catch { /* gone already */ } })
      return
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const text = readIf(path)
    if (text === undefined) continue   // released between our two calls
    const holder = parseHolder(text)
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new UserError(`another ${holder.command} (pid ${holder.pid}) is running on ${what}; wait for it, or if it is not running remove ${path}`)
    }
    // the holder is dead (or the file is torn): take it over, unless someone else just did
    if (readIf(path) === text) try { unlinkSync(path) } catch { /* another run took it over first */ }
  }
  throw new UserError(`cannot take the lock ${path}; another run keeps taking it; retry`)
}
