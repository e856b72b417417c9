// smoke: an online -stub run of a staged pipeline with every short image name pulled through REGISTRY_PROXY.
import { join } from 'node:path'
import { main } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { need } from './lib/core/env.js'
import { writeFileAtomicSync } from './lib/core/fsx.js'
import { checkStaged, checkTools, makeRunDirs, runNextflow } from './lib/run/exec.js'
import { planRun, smokeConfigText, splitPipelineWords } from './lib/run/plan.js'
import { cacheDir } from './lib/core/paths.js'

await main('smoke', {
  usage: 'just smoke <name> [nextflow args] [-- words for nextflow]',
  about: 'an online -stub run of a staged pipeline with every short image name pulled through REGISTRY_PROXY',
  positionals: 1, nextflow: true,
  vars: ['PIPELINE', 'REGISTRY_PROXY', 'ROOT_DIR', 'NXF_*', 'NF_OFFLINE_CACHE', 'PATH'],
}, async () => {
  // `smoke rnaseq [nextflow args]` or `smoke PIPELINE=rnaseq [nextflow args]`: later words go to nextflow verbatim
  const { args, extra } = splitPipelineWords(process.argv.slice(2))
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true })
  const name = ctx.pipeline!

  // 1. a config file naming the proxy: `-c` files override the pipeline's docker.registry (CLI params cannot)
  checkStaged(ctx.staged!, name, ctx.env.REVISION)
  const registry = need(ctx.env, 'REGISTRY_PROXY')
  const config = join(cacheDir(ctx.root, ctx.env), 'smoke', `${name}.config`)
  writeFileAtomicSync(config, smokeConfigText(registry))

  // 2. nextflow online, with -stub: proves images resolve through the proxy without running tools
  const plan = planRun('smoke', { dir: ctx.dir!, staged: ctx.staged!, env: ctx.env, extra, smokeConfig: config })
  const nextflow = checkTools(plan, ctx.root)
  makeRunDirs(plan, name)
  console.log(`smoke: nextflow ${plan.args.join(' ')}  (docker.registry = ${registry})`)
  return runNextflow(plan, nextflow)
})
