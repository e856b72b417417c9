// stage: download a pinned nf-core release and link it for offline use.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { extractRelease } from './lib/stage/archive.js'
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { recoverSwap, swapDir, sweepTemps, tmpName, writeFileAtomicSync } from './lib/core/fsx.js'
import { fetchArchive, latestRelease, repoExists } from './lib/stage/github.js'
import { HttpError } from './lib/core/http.js'
import { cacheDir } from './lib/core/paths.js'
import { linkStaged } from './lib/stage/staged-links.js'
import { setPipelineEnv } from './lib/stage/pipeline-env.js'
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

  // 2. extract beside the old tree, then swap: an interrupted stage leaves the previous code intact
  recoverSwap(code)
  sweepTemps(dir)
  const stampFile = join(dir, '.staged')
  const stamp = `${revision} ${archive.sha256}`
  let commit: string | undefined
  let note = 'already staged'
  if (!(existsSync(code) && existsSync(stampFile) && readFileSync(stampFile, 'utf8').split('\n')[0] === stamp)) {
    const fresh = tmpName(code)
    try {
      const info = await extractRelease(archive.path, fresh)
      commit = info.commit
      await swapDir(fresh, code)
    } catch (e) {
      sweepTemps(dir)
      throw e
    }
    writeFileAtomicSync(stampFile, `${stamp}\n${commit ?? ''}\n`)
    note = `${fmtBytes(archive.size)}${archive.cached ? ' from cache' : ''}`
  } else commit = readFileSync(stampFile, 'utf8').split('\n')[1] || undefined

  // 3-4. Pipeline-ENV, the folder's justfile link, and the links inside the code
  setPipelineEnv(join(dir, 'Pipeline-ENV'), name, revision)
  const linked = linkStaged(dir, name)

  // 5. report
  console.log(`staged nf-core/${name} ${revision}${commit ? ` (commit ${commit.slice(0, 12)})` : ''} → pipelines/${name}/${name}  [${note}, ${((Date.now() - t0) / 1000).toFixed(1)} s]`)
  if (linked.length) console.log(`linked: ${linked.join(', ')}`)
})
