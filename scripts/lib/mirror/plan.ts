// mirror-plan: `just mirror --plan`: the files a test profile needs and their S3 URIs; no S3 writes, and the only
// network use is a HEAD of each pipeline default (its size decides whether it is copied).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHIPPED } from './nf-core-configs.js'
import type { Context } from '../core/context.js'
import { fmtBytes } from '../core/progress.js'
import { dataPrefix, dataUri } from './data-keys.js'
import { readSheet } from './inputs.js'
import { loadPlan, logLines, type LogRequest } from './load-plan.js'
import { overrides } from './overrides.js'
import { listingUrls } from './samplesheet.js'
import { SourceS3 } from './sources.js'
import { writeTestConfig, MARKER } from './test-config.js'
import { planUrls } from './test-profile.js'

export async function printPlan(ctx: Context, rows?: number, log?: LogRequest): Promise<void> {
  const sources = new SourceS3(ctx.env)
  try { await printWith(ctx, sources, rows, log) } finally { sources.destroy() }
}

async function printWith(ctx: Context, sources: SourceS3, rows?: number, log?: LogRequest): Promise<void> {
  const name = ctx.pipeline!
  const s3Root = ctx.env.S3_ROOT || 's3://S3_ROOT'
  const { original, plan, sized, fromLog, configs } = await loadPlan(ctx.staged!, name, ctx.env, ctx.root, sources, log)
  const out: string[] = []
  const line = (what: string, url: string) => out.push(`  ${what}: ${url}\n      → ${dataUri(s3Root, name, url)}`)
  const size = (u: string) => sized.sizes.has(u) ? fmtBytes(sized.sizes.get(u)!) : `size unknown: ${sized.errors.get(u)}`
  const input = plan.input
  const cells: string[] = []
  if (input?.kind === 'sheet') {
    out.push(`input: samplesheet ${input.source} (${input.at})`)
    if (!input.remote) {
      cells.push(...listingUrls(input.source, readFileSync(input.source, 'utf8'), { rows }))
      for (const u of cells) line('cell', u)
    } else if (fromLog) cells.push(...(await readSheet(input, ctx.env, sources, rows)).urls)   // to tell its cells from missed files
    else out.push('  (remote: its cells are read and mirrored by the real run)')
  } else if (input?.kind === 'list') out.push(`input: a list of ${input.urls.length} files (${input.at})`)
  else out.push('input: none')
  for (const f of plan.files) for (const u of f.urls) line(`${f.param}${f.listing ? ' (may list URLs)' : ''}${f.fromTest ? '' : ` [pipeline default, ${size(u)}; used: ${f.use}]`}`, u)
  if (plan.genome) for (const g of plan.genome.files) line(`genome '${plan.genome.name}'.${g.attr}`, g.url)
  for (const d of plan.genome?.dirs ?? []) out.push(`  genome '${plan.genome!.name}'.${d.attr}: ${d.url} (a directory: each object under it, listed by the real run)`)
  for (const p of plan.prefixes) out.push(`  prefix ${p.param} = ${p.url} (never copied; redirected${p.param === 'igenomes_base' && !plan.genome ? ' only with a genome' : ''})`)
  for (const s of plan.skipped) out.push(`  not mirrored: ${s.what} = ${s.value} (${s.why})`)
  for (const u of plan.unresolved) out.push(`  not evaluated: ${u}`)
  // --from-log: what the run staged beyond the plan and the samplesheet, and the defaults it never used
  if (fromLog) for (const l of logLines(fromLog, plan, new Set(cells))) out.push(`  ${l}`)
  const mapped = new Map(planUrls(plan).map((u) => [u, dataUri(s3Root, name, u)]))
  const p = dataPrefix(s3Root, name)
  const inputUri = input?.kind === 'sheet' ? `s3://${p.bucket}/${p.key}/inputs3.csv` : undefined
  const texts = configs ? { files: configs.files, texts: configs.files.map((f) => readFileSync(join(configs.tree, f), 'utf8')) } : undefined
  if (configs) out.push(`  nf-core/configs@${configs.version}: ${configs.files.join(', ')} (evaluated; shipped with mirrored URLs in pipelines/${name}/${SHIPPED})`)
  const o = overrides(plan, mapped, s3Root, name, input?.kind === 'list' ? input.urls.map((u) => mapped.get(u)!) : inputUri, ctx.env.REGISTRY_PROXY, texts)
  for (const w of o.warnings) out.push(`  warning: ${w}`)
  const tc = writeTestConfig(original, o.overrides)
  out.push(`${planUrls(plan).length} files named directly; test.config would end with:`, tc.slice(tc.indexOf(MARKER)))
  console.log(out.join('\n'))
}
