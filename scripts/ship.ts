// ship: upload the toolkit itself (bundled scripts, justfiles, env, pipeline folders' files, just binary) to S3_ROOT/toolkit.
import { join } from 'node:path'
import { main } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { need } from './lib/core/env.js'
import { cacheDir } from './lib/core/paths.js'
import { joinKey, makeS3Client, parseS3Uri, s3Uri } from './lib/s3/client.js'
import { formatSummary, syncUp } from './lib/s3/sync.js'
import { bundleLayout, findJust, removeStaged, scanToolkit, stageBundle } from './lib/ship/bundle.js'

await main('ship', {
  usage: 'just ship [--delete] [--dry-run]',
  about: 'upload the toolkit itself (bundled scripts, justfiles, env, pipeline folders, just binary) to S3_ROOT/toolkit',
  flags: { delete: 'also remove what the toolkit no longer has', 'dry-run': 'print what would change; upload nothing' },
  vars: ['JUST_BIN', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE'],
}, async (args) => {
  const ctx = loadContext(args, { lock: args.flags['dry-run'] ? false : 'root' })
  const root = parseS3Uri(need(ctx.env, 'S3_ROOT'), 'S3_ROOT')
  const dest = s3Uri(root.bucket, joinKey(root.key, 'toolkit'))

  // 1. what goes: a tree of links to the toolkit's own files (staged code stays with `just up`)
  const files = bundleLayout(scanToolkit(ctx.root), findJust(ctx.root, ctx.env))
  const cache = cacheDir(ctx.root, ctx.env)
  const dir = stageBundle(ctx.root, files, join(cache, 'ship'))

  // 2. only what changed moves; --delete drops what the toolkit no longer has
  const client = makeS3Client(ctx.env)
  try {
    const summary = await syncUp(client, dir, dest, {
      delete: !!args.flags.delete, dryRun: !!args.flags['dry-run'], label: 'ship', cacheDir: cache,
    })
    console.log(formatSummary(`ship → ${dest}`, summary))
  } finally {
    client.destroy()
    removeStaged(dir)
  }
  console.log(`on the Prod host: aws s3 sync ${dest}/ ~/nf-offline/ && chmod +x ~/nf-offline/bin/just`)
})
