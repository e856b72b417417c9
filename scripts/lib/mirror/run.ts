// mirror-run: copy a staged pipeline's test data to S3 and write the inputs3.csv and test.config that use it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import type { Context } from '../core/context.js'
import { dataKey, dataPrefix, dataUri, isRemote } from './data-keys.js'
import { need } from '../core/env.js'
import { sweepTemps, writeFileAtomic } from '../core/fsx.js'
import { readTexts, type Texts } from './inputs.js'
import { loadPlan, logLines, type LoadedPlan, type LogRequest } from './load-plan.js'
import { shipConfigs } from './nf-core-configs.js'
import { makeCopier, type Copier } from './copy-batch.js'
import { fmtBytes, makeProgress, type Progress } from '../core/progress.js'
import { makeS3Client } from '../s3/client.js'
import { rewriteListing } from './samplesheet.js'
import { SourceS3 } from './sources.js'
import { linkStaged } from '../stage/staged-links.js'
import { recordDerived, releaseLabel } from '../stage/derived.js'
import { planUrls, type ProfilePlan } from './test-profile.js'
import { writeTestConfig } from './test-config.js'
import { overrides } from './overrides.js'
import { abortStaleUploads, listSizes, transferOne, type Done, type Job, type TransferOptions } from './copy-one.js'

export interface MirrorOptions { rows?: number; checksums?: boolean; manifest?: boolean; jobs?: number; log?: LogRequest; verbose?: boolean }

const warn = (m: string) => process.stderr.write(`mirror: warning: ${m}\n`)

/** What the steps share: the plan, where it goes, and the open clients. */
interface Run {
  ctx: Context; name: string; dir: string; s3Root: string; offlineDir: string
  prefix: { bucket: string; key: string }
  plan: ProfilePlan; original: string; o: MirrorOptions; configs?: LoadedPlan['configs']
  sources: SourceS3; topts: TransferOptions; progress: Progress
}

/** The whole `just mirror`: returns the one-line summary. */
export async function mirrorData(ctx: Context, o: MirrorOptions): Promise<string> {
  const t0 = Date.now()
  const name = ctx.pipeline!, dir = ctx.dir!, env = ctx.env
  const s3Root = need(env, 'S3_ROOT'), offlineDir = need(env, 'OFFLINE_DIR')
  // temp files a killed run left where this one writes (inputs3.csv, test.config, manifests)
  for (const d of [join(offlineDir, name), dir]) sweepTemps(d)
  const sources = new SourceS3(env), dest = makeS3Client(env)
  const { cfg, original, plan, fromLog, configs } = await loadPlan(ctx.staged!, name, env, ctx.root, sources, o.log).catch((e) => { sources.destroy(); dest.destroy(); throw e })
  report(plan, cfg.problems)

  const progress = makeProgress('mirror', { verbose: o.verbose })
  // measured peak RSS ~160-190 MB whatever the file size with 5 MiB parts, 2 in flight (see report)
  const topts: TransferOptions = {
    env, dest, sources, hash: o.checksums || o.manifest, onBytes: (n) => progress.bytes(n),
    partSize: Number(env.MIRROR_PART_MB || 5) << 20, queueSize: Number(env.MIRROR_QUEUE || 2),
  }
  const r: Run = { ctx, name, dir, s3Root, offlineDir, prefix: dataPrefix(s3Root, name), plan, original, o, sources, topts, progress, configs }
  try {
    // 1. the texts that name further URLs: the samplesheet, and URL lists among the params
    const texts = await readTexts(plan, env, sources, o.rows, warn)
    // --from-log: what the run staged beyond the plan (named by no param, nor by the samplesheet or a list)
    const covered = new Set([...texts.sheet?.urls ?? [], ...texts.inputList, ...[...texts.listings.values()].flatMap((l) => l.urls), ...texts.dirFiles])
    if (fromLog) for (const l of logLines(fromLog, plan, covered)) process.stderr.write(`mirror: ${l}\n`)
    texts.extra = (fromLog?.unnamed ?? []).filter((u) => !covered.has(u) && isRemote(u))
    // 2. every plain file, skipping what the listing of the data prefix shows with the same size
    const { copier, done, mapped, count } = await copyFiles(r, texts)
    // 3. generated files: URL lists rewritten under their own key, and inputs3.csv beside the data
    const inputs3 = await copyGenerated(r, texts, copier, mapped, count)
    // 4. inputs3.csv here and in OFFLINE_DIR, test.config, the staged code's links
    await writeLocal(r, texts, mapped, inputs3)
    // 5. optional: SHA256SUMS and data.manifest.json beside the data
    if (o.checksums || o.manifest) await writeSums(o, done, topts, r.prefix, offlineDir, name)
    progress.done()
    const copied = done.filter((d) => !d.skipped)
    return `mirror: ${done.length} files, ${copied.length} copied (${fmtBytes(copied.reduce((a, d) => a + d.size, 0))}), ${done.length - copied.length} skipped, ${((Date.now() - t0) / 1000).toFixed(1)} s → s3://${r.prefix.bucket}/${r.prefix.key}/`
  } finally {
    sources.destroy()
    dest.destroy()
  }
}

async function copyFiles(r: Run, t: Texts) {
  const { plan, s3Root, name, prefix } = r
  const required = new Set([...t.sheet?.urls ?? [], ...t.inputList, ...t.extra ?? [], ...[...t.listings.values()].flatMap((l) => l.urls),
    ...plan.files.filter((f) => f.fromTest).flatMap((f) => f.urls), ...plan.genome?.files.map((f) => f.url) ?? [], ...t.dirFiles])
  const urls = [...new Set([...required, ...planUrls(plan)])].filter((u) => !t.listings.has(u) && (plan.input?.kind !== 'list' || t.inputList.includes(u) || !plan.input.urls.includes(u)))
  const etags = new Map<string, string>()
  const dest = r.topts.dest
  const sizes = await listSizes(dest, prefix.bucket, `${prefix.key}/`, etags)
  const jobs: Job[] = urls.map((url) => ({ url, ...dataKey(s3Root, name, url) }))
  if (jobs.some((j) => !sizes.has(j.key))) await abortStaleUploads(dest, prefix.bucket, `${prefix.key}/`)
  r.progress.total(jobs.length, 0)
  const copier = makeCopier({ t: r.topts, sizes, etags, jobs: r.o.jobs ?? 4, required, whereOf: t.whereOf, progress: r.progress, warn })
  await copier.run(jobs)
  copier.stop(jobs.length)
  const done = copier.done
  const mapped = new Map(done.map((d) => [d.job.url, dataUri(s3Root, name, d.job.url)]))
  return { copier, done, mapped, count: jobs.length }
}

async function copyGenerated(r: Run, t: Texts, copier: Copier, mapped: Map<string, string>, count: number): Promise<string | undefined> {
  const { plan, s3Root, name, prefix } = r
  const inputs3 = t.sheet ? rewriteListing(t.sheet.name, t.sheet.text, mapped, { rows: r.o.rows, header: true, csv: true })
    : plan.input?.kind === 'list' ? t.inputList.map((u) => mapped.get(u) ?? u).join('\n') + '\n' : undefined
  const generated: Job[] = [...t.listings.values()].map((l) => ({ url: l.url!, ...dataKey(s3Root, name, l.url!), body: Buffer.from(rewriteListing(l.name, l.text, mapped, { header: false })) }))
  if (inputs3 !== undefined) generated.push({ url: 'inputs3.csv', bucket: prefix.bucket, key: `${prefix.key}/inputs3.csv`, body: Buffer.from(inputs3) })
  r.progress.total(generated.length, 0)
  await copier.run(generated)
  copier.stop(count + generated.length)
  for (const l of t.listings.keys()) mapped.set(l, dataUri(s3Root, name, l))
  return inputs3
}

async function writeLocal(r: Run, t: Texts, mapped: Map<string, string>, inputs3: string | undefined): Promise<void> {
  const { plan, name, dir, prefix } = r
  if (inputs3 !== undefined) {
    await writeFileAtomic(join(r.offlineDir, name, 'inputs3.csv'), inputs3)
    await writeFileAtomic(join(dir, 'inputs3.csv'), inputs3)
    recordDerived(dir, 'inputs3.csv', r.ctx.env.REVISION, inputs3)   // the release it was made for
  }
  const inputsUri = `s3://${prefix.bucket}/${prefix.key}/inputs3.csv`
  const input = t.sheet ? inputsUri : plan.input?.kind === 'list' ? t.inputList.map((u) => mapped.get(u) ?? u) : undefined
  // nf-core/configs files the test reads, with their mirrored URLs rewritten, where the offline run loads them
  if (r.configs) await shipConfigs(r.configs.tree, r.configs.files, dir, mapped)
  const texts = r.configs ? { files: r.configs.files, texts: r.configs.files.map((f) => readFileSync(join(r.configs!.tree, f), 'utf8')) } : undefined
  const o = overrides(plan, mapped, r.s3Root, name, input, r.ctx.env.REGISTRY_PROXY, texts)
  o.warnings.forEach(warn)
  const text = writeTestConfig(r.original, { ...o.overrides, release: releaseLabel(dir, name, r.ctx.env.REVISION) })
  await writeFileAtomic(join(dir, 'test.config'), text)   // kept, mtime and all, when unchanged
  recordDerived(dir, 'test.config', r.ctx.env.REVISION, text)
  linkStaged(dir, name)
}

function report(plan: ProfilePlan, problems: string[]): void {
  for (const p of problems) if (/conf\/test\.config|igenomes/.test(p) || process.env.DEBUG === '1') warn(p)
  for (const u of plan.unresolved) {
    if (u.startsWith('input:')) throw new UserError(`cannot evaluate params.input: ${u.slice(7)}`)
    warn(`not evaluated, so not mirrored: ${u}`)
  }
  for (const s of plan.skipped) warn(`not mirrored: ${s.what} = ${s.value} (${s.why})`)
  if (!plan.input) warn('the test profile sets no params.input')
}

async function writeSums(o: MirrorOptions, done: Done[], t: TransferOptions, prefix: { bucket: string; key: string }, offlineDir: string, name: string) {
  const rel = (k: string) => k.slice(prefix.key.length + 1)
  const rows = [...done].sort((a, b) => a.job.key.localeCompare(b.job.key))
  const out: Job[] = []
  if (o.checksums) out.push({ url: 'SHA256SUMS', bucket: prefix.bucket, key: `${prefix.key}/SHA256SUMS`, body: Buffer.from(rows.map((d) => `${d.sha256}  ${rel(d.job.key)}\n`).join('')) })
  if (o.manifest) {
    const files = rows.map((d) => ({ source: d.job.body ? null : d.job.url, s3: `s3://${d.job.bucket}/${d.job.key}`, size: d.size, sha256: d.sha256 }))
    out.push({ url: 'data.manifest.json', bucket: prefix.bucket, key: `${prefix.key}/data.manifest.json`, body: Buffer.from(JSON.stringify({ files }, null, 2) + '\n') })
  }
  for (const j of out) {
    await transferOne(j, undefined, t)
    await writeFileAtomic(join(offlineDir, name, j.url), j.body!)
  }
}
