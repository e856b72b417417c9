// down: pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code.
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { need } from './lib/core/env.js'
import { cacheDir } from './lib/core/paths.js'
import { joinKey, makeS3Client, parseS3Uri, s3Uri } from './lib/s3/client.js'
import { formatSummary, pipelineExcludes, syncDown } from './lib/s3/sync.js'
import { linkPaths, linkStaged } from './lib/stage/staged-links.js'

await main('down', {
  usage: 'just down [<name>] [--delete] [--dry-run]',
  positionals: 1,
  about: 'pull S3_ROOT/<name>/ into this pipeline folder (only what changed), then relink the staged code',
  flags: { delete: 'also remove local files that are not on S3', 'dry-run': 'print what would change; change nothing' },
  vars: ['PIPELINE', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE'],
}, async (args) => {
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true })   // the folder's, or `just down rnaseq` at the root
  const name = ctx.pipeline!
  const root = parseS3Uri(need(ctx.env, 'S3_ROOT'), 'S3_ROOT')
  const src = s3Uri(root.bucket, joinKey(root.key, name))
  const dryRun = !!args.flags['dry-run']

  // data/ stays on S3 (Prod reads it there); local links are ours and are never overwritten
  const summary = await syncDown(makeS3Client(ctx.env), src, ctx.dir!, {
    delete: !!args.flags.delete,
    dryRun,
    exclude: pipelineExcludes(name),
    concurrency: Number(ctx.env.S3_CONCURRENCY) || undefined,
    label: `down ${name}`,
    cacheDir: cacheDir(ctx.root, ctx.env),
    links: linkPaths(name),   // made links directly: a cut run never leaves a copy under a link's name
  })
  if (summary.transferred + summary.skipped === 0) throw new UserError(`nothing under ${src}; run \`just up ${name}\` on the Dev host first`)

  // links S3 did not hold (conf/test.config on a first pull of a staged tree…), the own test.config
  const linked = dryRun ? [] : [...summary.linked ?? [], ...linkStaged(ctx.dir!, name)]
  console.log(formatSummary(`down ${name} ← ${src}`, summary))
  if (linked.length) console.log(`linked: ${linked.join(', ')}`)
})
