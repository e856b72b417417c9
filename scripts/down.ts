// down: pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code.
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { need } from './lib/core/env.js'
import { cacheDir } from './lib/core/paths.js'
import { s3Access } from './lib/s3/access.js'
import { joinKey, parseS3Uri, s3Uri } from './lib/s3/uri.js'
import { formatSummary, pipelineExcludes, syncDown } from './lib/s3/sync.js'
import { linkStaged } from './lib/stage/staged-links.js'

await main('down', {
  usage: 'just down [--delete] [--dry-run] [--verbose]',
  about: 'pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code',
  flags: { delete: 'also remove local files that are not on S3', 'dry-run': 'print what would change; change nothing', verbose: 'a line per file moved, and no progress bar' },
  vars: ['PIPELINE', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE'],
}, async (args) => {
  const ctx = loadContext(args, { needPipeline: true })
  const name = ctx.pipeline!
  const root = parseS3Uri(need(ctx.env, 'S3_ROOT'), 'S3_ROOT')
  const src = s3Uri(root.bucket, joinKey(root.key, name))
  const dryRun = !!args.flags['dry-run']

  // data/ stays on S3 (Prod reads it there); local links are ours and are never overwritten
  const summary = await syncDown(s3Access(ctx.env), src, ctx.dir!, {
    delete: !!args.flags.delete,
    dryRun,
    verbose: !!args.flags.verbose,
    exclude: pipelineExcludes(name),
    concurrency: Number(ctx.env.S3_CONCURRENCY) || undefined,
    label: `down ${name}`,
    cacheDir: cacheDir(ctx.root, ctx.env),
  })
  if (summary.transferred + summary.skipped === 0) throw new UserError(`nothing under ${src}; run \`just up\` for ${name} on the Dev host first`)

  // up sent the links' targets as files: make conf/test.config, ENV, justfile, inputs3.csv links again
  const linked = dryRun ? [] : linkStaged(ctx.dir!, name)
  console.log(formatSummary(`down ${name} ← ${src}`, summary))
  if (linked.length) console.log(`linked: ${linked.join(', ')}`)
})
