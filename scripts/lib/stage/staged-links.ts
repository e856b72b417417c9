// staged-links: the links a staged pipeline needs (ENV, justfile, conf/test.config, inputs3.csv), made idempotently.
import { copyFileSync, existsSync, lstatSync, readlinkSync, renameSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { tmpName } from '../core/fsx.js'

/** Point `path` at `target` (a relative link); replaces atomically; true when something changed. */
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
 * Wire `pipelines/<name>/` after its code was staged or synced down: the folder's justfile link, and
 * inside the code `ENV`, `justfile`, `conf/test.config` (original kept as test.config.orig), `inputs3.csv`.
 * Returns what changed, for the user.
 */
export function linkStaged(dir: string, name: string): string[] {
  const code = join(dir, name)
  const changed: string[] = []
  const link = (path: string, target: string, label: string) => { if (ensureLink(path, target)) changed.push(label) }

  link(join(dir, 'justfile'), '../pipeline.just', 'justfile')
  link(join(code, 'ENV'), '../Pipeline-ENV', `${name}/ENV`)
  link(join(code, 'justfile'), '../justfile', `${name}/justfile`)

  const conf = join(code, 'conf', 'test.config')
  const orig = `${conf}.orig`
  const st = lstatSync(conf, { throwIfNoEntry: false })
  if (st && !st.isSymbolicLink()) {
    if (!existsSync(orig)) renameSync(conf, orig)   // first stage of this code: keep the original once
    else rmSync(conf)
  }
  if (existsSync(orig)) {
    const own = join(dir, 'test.config')
    if (!existsSync(own)) { copyFileSync(orig, own); changed.push('test.config (copy of the original)') }
    link(conf, '../../test.config', `${name}/conf/test.config`)
  }
  if (existsSync(join(dir, 'inputs3.csv'))) link(join(code, 'inputs3.csv'), '../inputs3.csv', `${name}/inputs3.csv`)
  return changed
}
