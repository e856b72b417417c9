// down: pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code.
import { main } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { pullPipeline } from './lib/s3/pull-pipeline.js'

await main('down', {
  usage: 'just down [<name>] [--delete] [--dry-run] [--verbose]',
  positionals: 1,
  about: 'pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code',
  flags: { delete: 'also remove local files that are not on S3', 'dry-run': 'print what would change; change nothing', verbose: 'a line per file moved, and no progress bar' },
  vars: ['PIPELINE', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE'],
}, async (args) => {
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true, lock: !args.flags['dry-run'] })   // the folder's, or `just down rnaseq` at the root
  // data/ stays on S3 (Prod reads it there); local links are ours and are never overwritten
  for (const line of await pullPipeline(ctx, { delete: !!args.flags.delete, dryRun: !!args.flags['dry-run'], verbose: !!args.flags.verbose })) console.log(line)
})
