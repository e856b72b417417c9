// stage: download a pinned nf-core release and link it for offline use.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { extractRelease, IncompleteRelease } from './lib/stage/archive.js'
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { recoverSwap, swapDir, sweepTemps, tmpName } from './lib/core/fsx.js'
import { fetchArchive, latestRelease, repoExists } from './lib/stage/github.js'
import { HttpError } from './lib/core/http.js'
import { cacheDir } from './lib/core/paths.js'
import { linkStaged } from './lib/stage/staged-links.js'
import { setPipelineEnv } from './lib/stage/pipeline-env.js'
import { readStamp, stagedProblem, TOP_FILES, writeStamp } from './lib/stage/staged-tree.js'
import { recordOwn, resetDerived } from './lib/stage/derived.js'
import { fmtBytes } from './lib/core/progress.js'

await main('stage', {
  usage: 'just stage <name> [<revision>]  (or PIPELINE=<name> REVISION=<rev>)',
  about: 'download a pinned nf-core release and link it for offline use',
  positionals: 2,
  vars: ['PIPELINE', 'REVISION', 'GITHUB_URL', 'GITHUB_API_URL', 'GITHUB_TOKEN', 'NF_OFFLINE_CACHE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'],
}, async (args) => {
  const t0 = Date.now()
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true, lock: true })
  const name = ctx.pipeline!, dir = ctx.dir!, code = ctx.staged!
  const revision = ctx.env.REVISION || await latestRelease(ctx.env, name)

  // 1. the archive, from the cache or GitHub
  const archive = await fetchArchive(ctx.env, cacheDir(ctx.root, ctx.env), name, revision).catch(async (e) => {
    if (e instanceof UserError && / \(404\)/.test(e.message) && !(await repoExists(ctx.env, name).catch(() => true))) {
      throw new UserError(`unknown pipeline nf-core/${name} (404); check the name`)
    }
    throw e instanceof HttpError ? new UserError(`download ${e.url}: HTTP ${e.status}`) : e
  })

  // 2. extract beside the old tree, then swap: an interrupted stage leaves the previous code intact;
  // a tree that is not whole is extracted again whatever its stamp says
  recoverSwap(code)
  sweepTemps(dir)
  const previous = readStamp(dir)
  let commit = previous?.commit ?? ''
  let note = 'already staged'
  let reset: string[] | undefined
  let linked: string[] = []
  if (!(previous?.revision === revision && previous.sha256 === archive.sha256 && !stagedProblem(dir, name))) {
    const fresh = tmpName(code)
    try {
      commit = (await extractRelease(archive.path, fresh, TOP_FILES)).commit ?? ''
      // reset what another release left and wire the fresh tree before the swap: no kill point leaves the
      // release's own conf/test.config where the link belongs, or new code beside the old release's test.config
      reset = resetDerived(dir, name, { revision, commit }, previous, fresh)
      linked = linkStaged(dir, name, fresh)
      await swapDir(fresh, code)
    } catch (e) {
      sweepTemps(dir)
      if (!(e instanceof IncompleteRelease)) throw e
      rmSync(archive.path, { force: true })   // a re-run downloads it again rather than failing on the cached copy
      throw new UserError(`${e.message.replace(archive.path, `nf-core/${name} ${revision}`)}; nothing replaced, archive dropped from the cache`)
    }
    writeStamp(dir, { revision, sha256: archive.sha256, commit })
    note = `${fmtBytes(archive.size)}${archive.cached ? ' from cache' : ''}`
  }
  const id = { revision, commit }

  // 3-4. Pipeline-ENV, the folder's justfile link, the links inside the code; then what another release left
  setPipelineEnv(join(dir, 'Pipeline-ENV'), name, revision)
  reset ??= resetDerived(dir, name, id, previous)
  linked = [...linked, ...linkStaged(dir, name)]
  recordOwn(dir, name, id)

  // 5. report
  console.log(`staged nf-core/${name} ${revision}${commit ? ` (commit ${commit.slice(0, 12)})` : ''} → pipelines/${name}/${name}  [${note}, ${((Date.now() - t0) / 1000).toFixed(1)} s]`)
  if (linked.length) console.log(`linked: ${linked.join(', ')}`)
  for (const line of reset) console.log(line)
})
