// images-suggest: analyse the images of a pipeline's recent releases, from archives cached outside pipelines/.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { extractRelease } from '../stage/archive.js'
import { describeError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { recoverSwap, swapDir, tmpName, writeFileAtomicSync } from '../core/fsx.js'
import { fetchArchive, type Release } from '../stage/github.js'
import { quayVerdict, type QuayVerdict } from './report.js'
import { analysePipeline } from './config.js'
import { mapPool } from '../core/pool.js'

export interface ReleaseVerdict { tag: string; verdict?: QuayVerdict; error?: string }

/**
 * The code of release `tag`, extracted once under `<cache>/releases/<name>-<tag>` (temp dir + swap,
 * stamped with the archive's sha256 so a changed archive is re-extracted).
 */
export async function releaseCode(env: Env, cache: string, name: string, tag: string): Promise<string> {
  const archive = await fetchArchive(env, cache, name, tag)
  const dir = join(cache, 'releases', `${name}-${tag.replace(/[^A-Za-z0-9._-]/g, '_')}`)
  const stamp = `${dir}.sha256`
  if (existsSync(dir) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === archive.sha256) return dir
  recoverSwap(dir)
  sweepDeadTemps(dir)
  const fresh = tmpName(dir)
  await extractRelease(archive.path, fresh)
  await swapDir(fresh, dir)
  writeFileAtomicSync(stamp, `${archive.sha256}\n`)
  return dir
}

/**
 * Remove what a killed run left while extracting this release (`.<name>.tmp-<pid>-*`), but never the
 * temp dirs of runs still alive: releases are extracted in parallel, possibly by two commands at once.
 */
function sweepDeadTemps(dir: string): void {
  const parent = dirname(dir)
  if (!existsSync(parent)) return
  for (const f of readdirSync(parent)) {
    const m = f.startsWith(`.${basename(dir)}.tmp-`) ? /\.tmp-(\d+)-/.exec(f) : null
    if (m && !alive(Number(m[1]))) rmSync(join(parent, f), { recursive: true, force: true })
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

/**
 * Analyse `releases` `parallel` at a time; `onVerdict` hears each in the order given (newest first, as GitHub
 * lists them), as soon as it and every newer one are known: a fast old release waits for the newer ones.
 */
export async function judgeReleases(
  env: Env, cache: string, name: string, releases: Release[], allowUnresolved: boolean,
  onVerdict: (v: ReleaseVerdict) => void, parallel = 4,
): Promise<ReleaseVerdict[]> {
  const known: ReleaseVerdict[] = []
  let told = 0
  return mapPool(releases, parallel, async (r, i) => {
    let v: ReleaseVerdict
    try {
      v = { tag: r.tag, verdict: quayVerdict(analysePipeline(await releaseCode(env, cache, name, r.tag)), allowUnresolved) }
    } catch (e) {
      v = { tag: r.tag, error: describeError(e) }   // one bad release must not hide the others' verdicts
    }
    known[i] = v
    while (known[told]) onVerdict(known[told++])
    return v
  })
}

/** One line per release: the verdict and its evidence (count and first offender). */
export function verdictLine(v: ReleaseVerdict): string {
  if (v.error) return `✗ ${v.tag}: could not analyse: ${v.error}`
  const q = v.verdict!
  if (!q.total && !q.unresolved.length) return `✗ ${v.tag}: no container declaration found under -profile docker`
  if (q.ok) return `✓ ${v.tag}: all ${q.total} images on quay.io${q.unresolved.length ? ` (${q.unresolved.length} unresolved allowed)` : ''}`
  const first = q.offenders[0]
  const parts = [
    q.offenders.length ? `${q.offenders.length} of ${q.total} images not on quay.io, first ${first.image} (${first.declared_in[0]})` : '',
    q.unresolved.length ? `${q.unresolved.length} unresolved, first ${q.unresolved[0].at}` : '',
  ].filter(Boolean)
  return `✗ ${v.tag}: ${parts.join('; ')}`
}
