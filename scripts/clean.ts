// clean: empty the toolkit's cache (.cache or NF_OFFLINE_CACHE), keeping the archives of staged revisions and live locks.
import { existsSync, lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { main } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { cacheDir } from './lib/core/paths.js'
import { fmtBytes } from './lib/core/progress.js'

/** Bytes under `p` (links not followed). */
function size(p: string): number {
  const st = lstatSync(p)
  return st.isDirectory() ? readdirSync(p).reduce((n, e) => n + size(join(p, e)), 0) : st.size
}

/** archives/<name>-<rev>.tar.gz of every staged pipeline (its .staged stamp): a re-run of stage needs no network. */
function stagedArchives(root: string): Set<string> {
  const keep = new Set<string>()
  const pipelines = join(root, 'pipelines')
  for (const name of existsSync(pipelines) ? readdirSync(pipelines) : []) {
    const stamp = join(pipelines, name, '.staged')
    const rev = existsSync(stamp) ? readFileSync(stamp, 'utf8').split(' ')[0] : ''
    if (rev) keep.add(`${name}-${rev.replace(/[^A-Za-z0-9._-]/g, '_')}.tar.gz`)
  }
  return keep
}

await main('clean', {
  usage: 'just clean',
  about: 'empty the cache: release archives and extracted releases (stage, suggest), S3 listing state (up, down, ship, plugins); keeps the archives of staged revisions',
  vars: ['NF_OFFLINE_CACHE'],
}, async (args) => {
  const ctx = loadContext(args, { lock: 'root' })
  const cache = cacheDir(ctx.root, ctx.env)
  if (!existsSync(cache)) return void console.log(`clean: ${cache} is empty`)
  const keep = stagedArchives(ctx.root)
  let freed = 0, kept = 0
  for (const e of readdirSync(cache)) {
    if (e === 'locks') continue   // other runs' locks (ours included) stay
    const p = join(cache, e)
    const entries = e === 'archives' ? readdirSync(p).map((a) => join(e, a)) : [e]
    for (const rel of entries) {
      if (keep.has(rel.slice('archives/'.length)) && rel.startsWith('archives/')) { kept++; continue }
      freed += size(join(cache, rel))
      rmSync(join(cache, rel), { recursive: true, force: true })
    }
  }
  console.log(`clean: freed ${fmtBytes(freed)} in ${cache}${kept ? ` (kept ${kept} archive(s) of staged revisions)` : ''}`)
})
