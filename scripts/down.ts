// down: pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code.
import { main } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { pullPipeline } from './lib/s3/pull-pipeline.js'
import { syncCommandSpec } from './lib/s3/sync.js'

await main('down', syncCommandSpec('down', 'pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code'), async (args) => {
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true, lock: !args.flags['dry-run'] })   // the folder's, or `just down rnaseq` at the root
  // data/ stays on S3 (Prod reads it there); local links are ours and are never overwritten
  for (const line of await pullPipeline(ctx, { delete: !!args.flags.delete, dryRun: !!args.flags['dry-run'], verbose: !!args.flags.verbose })) console.log(line)
})
