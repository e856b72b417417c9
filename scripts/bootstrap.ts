// bootstrap: on the Prod host, make the run dirs, pull a pipeline, plugins and Nextflow from S3, check, then run it offline.
import { mkdirSync } from 'node:fs'
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { need } from './lib/core/env.js'
import { checkStaged, checkTools, hasShippedConfigs, makeRunDirs, runNextflow } from './lib/run/exec.js'
import { planRun, splitPipelineWords } from './lib/run/plan.js'
import { formatItem, localSections } from './lib/run/readiness.js'
import { pullPlugins } from './lib/plugins/sync.js'
import { pullPipeline } from './lib/s3/pull-pipeline.js'

await main('bootstrap', {
  usage: 'just bootstrap <name> [nextflow args] [-- words for nextflow]',
  about: 'Prod: make ROOT_DIR/NXF_HOME/NXF_WORK, pull the pipeline folder, plugins and Nextflow from S3 (as down and plugins --down), check, then run it offline',
  positionals: 1, nextflow: true,
  vars: ['PIPELINE', 'ROOT_DIR', 'NXF_*', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE', 'BATCH_*', 'REGISTRY_PROXY', 'JAVA_HOME', 'PATH'],
}, async () => {
  // `bootstrap rnaseq [nextflow args]`: the words after the pipeline go to nextflow, as with `just run`
  const words = process.argv.slice(2)
  const { args, extra } = splitPipelineWords(words)
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true, lock: true })
  const name = ctx.pipeline!, dir = ctx.dir!
  // java and docker before minutes of downloads (nextflow itself comes down in step 3)
  checkTools({ ...planRun('run', { dir, staged: ctx.staged!, env: ctx.env, extra }), needs: ['java', 'docker'] }, ctx.root)

  // 1. the dirs Nextflow works in
  for (const v of ['ROOT_DIR', 'NXF_HOME', 'NXF_WORK']) if (!need(ctx.env, v).startsWith('s3://')) mkdirSync(ctx.env[v]!, { recursive: true })

  // 2. the pipeline folder, exactly as `just down` pulls it
  for (const line of await pullPipeline(ctx)) console.log(line)
  checkStaged(ctx.staged!, name, ctx.env.REVISION, true)

  // 3. plugins, and Nextflow of NXF_VER (its launcher becomes bin/nextflow)
  const env = loadContext(splitPipelineWords(words).args, { positionalPipeline: true }).env   // with the Pipeline-ENV that just came down
  await pullPlugins({ root: ctx.root, env })

  // 4. what `just check --local` checks; stop before running with its advice when something fails
  const failed = (await localSections(ctx.root, name, env)).flatMap((s) => s.items.filter((i) => !i.ok))
  for (const i of failed) console.log(formatItem(i))
  if (failed.length) throw new UserError(`not ready: ${failed.length} check${failed.length > 1 ? 's' : ''} failed (above, each with its fix); nextflow was not started`)

  // 5. the offline run; nextflow's exit code is ours
  const plan = planRun('run', { dir, staged: ctx.staged!, env, extra, shippedConfigs: hasShippedConfigs(dir) })
  const nextflow = checkTools(plan, ctx.root)
  makeRunDirs(plan, name)
  console.log(`bootstrap: nextflow ${plan.args.join(' ')}  (NXF_OFFLINE=true)`)
  return runNextflow(plan, nextflow)
})
