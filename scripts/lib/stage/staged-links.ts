// staged-links: the links a staged pipeline needs (ENV, justfile, conf/test.config, inputs3.csv), made idempotently.
import { copyFileSync, existsSync, lstatSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { ensureLink } from '../core/fsx.js'

/**
 * The link paths of a pipeline folder (relative to it) and their targets. `up` sends each as the file
 * it points to; `down` makes each a link directly instead of writing that file (see linkStaged for when).
 */
export const linkPaths = (name: string): Record<string, string> => ({
  justfile: '../pipeline.just',
  [`${name}/ENV`]: '../Pipeline-ENV',
  [`${name}/justfile`]: '../justfile',
  [`${name}/conf/test.config`]: '../../test.config',
  [`${name}/inputs3.csv`]: '../inputs3.csv',
})

/**
 * Wire `pipelines/<name>/` after its code was staged or synced down: the folder's justfile link, and
 * inside the code `ENV`, `justfile`, `conf/test.config` (original kept as test.config.orig), `inputs3.csv`.
 * Returns what changed, for the user. `code`: the staged tree to wire (default pipelines/<name>/<name>).
 */
export function linkStaged(dir: string, name: string, code = join(dir, name)): string[] {
  const changed: string[] = []
  const to = linkPaths(name)
  // `code` may be a fresh tree beside pipelines/<name>/<name> (stage links it before the swap): same depth, same targets
  const at = (rel: string) => rel.startsWith(`${name}/`) ? join(code, rel.slice(name.length + 1)) : join(dir, rel)
  const link = (rel: string) => { if (ensureLink(at(rel), to[rel])) changed.push(rel) }

  link('justfile')
  link(`${name}/ENV`)
  link(`${name}/justfile`)

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
    link(`${name}/conf/test.config`)
  }
  if (existsSync(join(dir, 'inputs3.csv'))) link(`${name}/inputs3.csv`)
  return changed
}
