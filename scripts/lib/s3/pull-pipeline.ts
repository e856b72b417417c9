// pull-pipeline: S3_ROOT/<name>/ into pipelines/<name> (data/ stays on S3), then relink the staged code: `down` and `bootstrap` alike.
import { UserError } from '../core/cli.js'
import type { Context } from '../core/context.js'
import { need } from '../core/env.js'
import { cacheDir } from '../core/paths.js'
import { linkPaths, linkStaged } from '../stage/staged-links.js'
import { s3Access } from './access.js'
import { joinKey, parseS3Uri, s3Uri } from './uri.js'
import { formatSummary, pipelineExcludes, syncDown } from './sync.js'

export interface PullOptions { delete?: boolean; dryRun?: boolean; verbose?: boolean }

/**
 * Pull only what changed; local links are ours and never overwritten. Nothing on S3 is an error
 * (the Dev side has not run `just up`). Returns the lines to print.
 */
export async function pullPipeline(ctx: Context, opts: PullOptions = {}): Promise<string[]> {
  const name = ctx.pipeline!
  const root = parseS3Uri(need(ctx.env, 'S3_ROOT'), 'S3_ROOT')
  const src = s3Uri(root.bucket, joinKey(root.key, name))
  // a no-op pull lists and compares over plain SigV4: the SDK loads only if a file must move
  const s3 = s3Access(ctx.env)
  const summary = await syncDown(s3, src, ctx.dir!, {
    delete: !!opts.delete,
    dryRun: !!opts.dryRun,
    verbose: !!opts.verbose,
    exclude: pipelineExcludes(name),
    concurrency: Number(ctx.env.S3_CONCURRENCY) || undefined,
    label: `down ${name}`,
    cacheDir: cacheDir(ctx.root, ctx.env),
    links: linkPaths(name),   // made links directly: a cut run never leaves a copy under a link's name
  }).finally(() => s3.destroy())
  if (summary.transferred + summary.skipped === 0) throw new UserError(`nothing under ${src}; run \`just up ${name}\` on the Dev host first`)
  // links S3 did not hold (conf/test.config on a first pull of a staged tree…), the own test.config
  const linked = opts.dryRun ? [] : [...summary.linked ?? [], ...linkStaged(ctx.dir!, name)]
  return [formatSummary(`down ${name} ← ${src}`, summary), ...(linked.length ? [`linked: ${linked.join(', ')}`] : [])]
}
