// bootstrap: on the Prod host, make the run dirs, pull a pipeline and the plugins from S3, then run it offline.
import { mkdirSync } from 'node:fs'
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { need } from './lib/core/env.js'
import { checkTools, makeRunDirs, planRun, runNextflow, splitPipelineWords, checkStaged } from './lib/run/nextflow.js'
import { cacheDir } from './lib/core/paths.js'
import { pullPlugins } from './lib/plugins/sync.js'
import { joinKey, makeS3Client, parseS3Uri, s3Uri } from './lib/s3/client.js'
import { formatSummary, pipelineExcludes, syncDown } from './lib/s3/sync.js'
import { linkPaths, linkStaged } from './lib/stage/staged-links.js'

await main('bootstrap', {
  usage: 'just bootstrap <name> [nextflow args] [-- words for nextflow]',
  about: 'Prod: make ROOT_DIR/NXF_HOME/NXF_WORK, pull the pipeline folder and plugins from S3, then run it offline',
  positionals: 1, nextflow: true,
  vars: ['PIPELINE', 'ROOT_DIR', 'NXF_*', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE', 'PATH'],
}, async () => {
  // `bootstrap rnaseq [nextflow args]`: the words after the pipeline go to nextflow, as with `just run`
  const words = process.argv.slice(2)
  const { args, extra } = splitPipelineWords(words)
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true })
  const name = ctx.pipeline!, dir = ctx.dir!
  checkTools(planRun('run', { dir, staged: ctx.staged!, env: ctx.env, extra }))   // before minutes of downloads

  // 1. the dirs Nextflow works in
  for (const v of ['ROOT_DIR', 'NXF_HOME', 'NXF_WORK']) mkdirSync(need(ctx.env, v), { recursive: true })

  // 2. the pipeline folder, as `just down` pulls it (data/ stays on S3), then its links
  const root = parseS3Uri(need(ctx.env, 'S3_ROOT'), 'S3_ROOT')
  const src = s3Uri(root.bucket, joinKey(root.key, name))
  const client = makeS3Client(ctx.env)
  const summary = await syncDown(client, src, dir, { exclude: pipelineExcludes(name), label: `down ${name}`, cacheDir: cacheDir(ctx.root, ctx.env), links: linkPaths(name) })
    .finally(() => client.destroy())
  if (summary.transferred + summary.skipped === 0) throw new UserError(`nothing under ${src}; run \`just up ${name}\` on the Dev host first`)
  linkStaged(dir, name)
  console.log(formatSummary(`down ${name} ← ${src}`, summary))
  checkStaged(ctx.staged!, name, ctx.env.REVISION, true)

  // 3. plugins and the Nextflow framework of NXF_VER
  await pullPlugins(ctx)

  // 4. the offline run, with the Pipeline-ENV that just came down; nextflow's exit code is ours
  const plan = planRun('run', { dir, staged: ctx.staged!, env: loadContext(splitPipelineWords(words).args, { positionalPipeline: true }).env, extra })
  makeRunDirs(plan, name)
  console.log(`bootstrap: nextflow ${plan.args.join(' ')}  (NXF_OFFLINE=true)`)
  return runNextflow(plan)
})
