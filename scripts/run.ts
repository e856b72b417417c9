// run: start nextflow on this pipeline's staged code: run | stub (offline, docker) | preview | test (online).
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { checkStaged, checkTools, hasShippedConfigs, makeRunDirs, runNextflow } from './lib/run/exec.js'
import { frameworkJar, isOffline, MODES, type Mode, passThrough, planRun, splitVars } from './lib/run/plan.js'
import { existsSync } from 'node:fs'

const ABOUT: Record<string, string> = {
  run: 'run the test profile offline with docker (NXF_OFFLINE=true, -offline)',
  stub: 'the offline run with -stub: every process stubbed, containers still pulled',
  preview: 'online -preview of the test profile: the workflow is parsed, nothing runs',
  test: 'quick online run of the test profile',
}
const mode = process.argv[2] ?? 'run'

await main(mode, {
  usage: `just ${mode} [NAME=VALUE…] [nextflow args] [-- words for nextflow]`,
  about: ABOUT[mode] ?? 'run nextflow',
  nextflow: true,
  vars: ['PIPELINE', 'ROOT_DIR', 'NXF_*', 'BATCH_*', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'REGISTRY_PROXY', 'JAVA_HOME', 'PATH', 'NF_OFFLINE_DRY_RUN'],
  argv: process.argv.slice(3),
}, async () => {
  // the recipe passes the mode first; leading KEY=VALUE words set variables, the rest goes to nextflow
  // verbatim (parseArgs would reshape --flags)
  const [mode, ...words] = process.argv.slice(2) as [Mode, ...string[]]
  if (!MODES.includes(mode) || mode === 'smoke') throw new UserError(`unknown mode '${mode ?? ''}'; use run, stub, preview or test`)
  const { args, rest } = splitVars(words)
  const ctx = loadContext(args, { needPipeline: true })
  const name = ctx.pipeline!

  // 1. the staged code and the programs this mode needs
  checkStaged(ctx.staged!, name, ctx.env.REVISION, isOffline(mode))
  const plan = planRun(mode, { dir: ctx.dir!, staged: ctx.staged!, env: ctx.env, extra: passThrough(rest), shippedConfigs: hasShippedConfigs(ctx.dir!) })
  const line = `nextflow ${plan.args.join(' ')}${isOffline(mode) ? '  (NXF_OFFLINE=true)' : ''}`
  if (ctx.env.NF_OFFLINE_DRY_RUN === '1') {   // the demo, where nextflow is not installed
    console.log(`${mode}: would run in pipelines/${name}: ${line}`)
    return 0
  }
  const nextflow = checkTools(plan, ctx.root)   // the toolkit's bin/nextflow (Prod), else PATH's
  const jar = frameworkJar(plan.env)
  if (isOffline(mode) && jar && !existsSync(jar)) {
    console.error(`${mode}: warning: ${jar} is missing; an offline launcher cannot download it; run: just plugins --down`)
  }

  // 2. nextflow with the terminal attached; its exit code is ours
  makeRunDirs(plan, name)
  console.log(`${mode}: ${line}`)
  return runNextflow(plan, nextflow)
})
