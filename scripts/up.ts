// up: push this pipeline folder to S3_ROOT/<name>/, rsync-like (only what changed; data/ belongs to mirror).
import { main } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { need } from './lib/core/env.js'
import { cacheDir } from './lib/core/paths.js'
import { s3Access } from './lib/s3/access.js'
import { joinKey, parseS3Uri, s3Uri } from './lib/s3/uri.js'
import { formatSummary, pipelineExcludes, syncCommandSpec, syncUp } from './lib/s3/sync.js'
import { refuseStale } from './lib/stage/derived.js'
import { requireStaged } from './lib/stage/staged-tree.js'

await main('up', syncCommandSpec('up', 'push this pipeline folder to S3_ROOT/<name>/, rsync-like (only what changed; data/ belongs to mirror)'), async (args) => {
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true, lock: !args.flags['dry-run'] })   // the folder's, or `just up rnaseq` at the root
  const name = ctx.pipeline!
  const root = parseS3Uri(need(ctx.env, 'S3_ROOT'), 'S3_ROOT')
  const dest = s3Uri(root.bucket, joinKey(root.key, name))
  requireStaged(ctx.dir!, name)
  refuseStale(ctx.dir!, name, ctx.env.REVISION)   // what Prod would run must be this release's

  // links (justfile, ENV, conf/test.config, inputs3.csv) go up as the files they point to; down relinks them
  const summary = await syncUp(s3Access(ctx.env), ctx.dir!, dest, {
    delete: !!args.flags.delete,
    dryRun: !!args.flags['dry-run'],
    verbose: !!args.flags.verbose,
    exclude: pipelineExcludes(name),
    concurrency: Number(ctx.env.S3_CONCURRENCY) || undefined,
    label: `up ${name}`,
    cacheDir: cacheDir(ctx.root, ctx.env),
  })
  console.log(formatSummary(`up ${name} → ${dest}`, summary))
})
