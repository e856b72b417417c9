// mirror: copy the staged pipeline's test-profile data to S3; write inputs3.csv and test.config that use it.
import { existsSync, statSync } from 'node:fs'
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { mirrorData } from './lib/mirror/run.js'
import { printPlan } from './lib/mirror/plan.js'

await main('mirror', {
  usage: 'just mirror [<name>] [ROWS=N] [--plan] [--from-log [FILE]] [--with-checksums] [--emit-manifest] [--verbose]',
  about: "copy the staged pipeline's test-profile data to S3; write inputs3.csv and test.config that use it",
  flags: { plan: 'print what would be copied where; no S3, no file written (only a HEAD of each pipeline default)', 'with-checksums': 'store a sha256 of each file', 'emit-manifest': 'write a manifest of what was mirrored', verbose: 'a line per file copied, and no progress bar', 'from-log': 'mirror what an online test run staged (FILE, or the newest .nextflow.log of a test run of this revision) with the test-set params; report both differences' },
  positionals: 2,
  vars: ['PIPELINE', 'ROWS', 'OFFLINE_DIR', 'REGISTRY_PROXY', 'MIRROR_JOBS', 'MIRROR_PART_MB', 'MIRROR_QUEUE', 'MIRROR_SKIP', 'MIRROR_INCLUDE', 'MIRROR_MAX_DEFAULT_GB', 'SOURCE_REWRITE', 'GITHUB_URL', 'GITHUB_TOKEN', 'SOURCE_S3_ENDPOINT_URL', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'],
}, async (args) => {
  // `just mirror rnaseq ROWS=2`, or from pipelines/rnaseq: `just mirror ROWS=2`
  // --from-log FILE: the word that names a file (a pipeline name never has a / nor a leading .)
  const isFile = (w: string) => w.includes('/') || w.startsWith('.') || (existsSync(w) && statSync(w).isFile())
  const file = args.flags['from-log'] ? args._.find(isFile) : undefined
  args._ = args._.filter((w) => w !== file)
  if (args._.length > 1) throw new UserError(`unexpected word '${args._[1]}'${args.flags['from-log'] ? '' : ' (a log file goes after --from-log)'}`)
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true, lock: !args.flags.plan })
  const log = args.flags['from-log'] ? { dir: ctx.dir!, tag: ctx.env.REVISION, file } : undefined
  const rowsText = ctx.env.ROWS
  if (rowsText !== undefined && rowsText !== '' && !/^\d+$/.test(rowsText)) throw new UserError(`ROWS=${rowsText} is not a number of rows`)
  const rows = rowsText ? Number(rowsText) : undefined
  const jobs = Number(ctx.env.MIRROR_JOBS || 4)

  // --plan: what would be mirrored where, and the test.config block; no S3 writes (a HEAD of each default)
  if (args.flags.plan) { await printPlan(ctx, rows, log); return }

  console.log(await mirrorData(ctx, { rows, jobs, checksums: !!args.flags['with-checksums'], manifest: !!args.flags['emit-manifest'], log, verbose: !!args.flags.verbose }))
})
