// mirror-run: copy a staged pipeline's test data to S3 and write the inputs3.csv and test.config that use it.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import type { Context } from '../core/context.js'
import { dataKey, dataPrefix, dataUri, normalizePath, prefixUri } from './data-keys.js'
import { need } from '../core/env.js'
import { sweepTemps, writeFileAtomic } from '../core/fsx.js'
import { loadTestProfile, readTexts } from './inputs.js'
import { makeCopier } from './copy-batch.js'
import { fmtBytes, makeProgress } from '../core/progress.js'
import { makeS3Client } from '../s3/client.js'
import { rewriteListing } from './samplesheet.js'
import { SourceS3 } from './sources.js'
import { linkStaged } from '../stage/staged-links.js'
import { recordDerived, releaseLabel } from '../stage/derived.js'
import { planProfile, planUrls, type ProfilePlan } from './test-profile.js'
import { writeTestConfig, type Literal } from './test-config.js'
import { abortStaleUploads, listSizes, transferOne, type Done, type Job, type TransferOptions } from './copy-one.js'

export interface MirrorOptions { rows?: number; checksums?: boolean; manifest?: boolean; jobs?: number }

const warn = (m: string) => process.stderr.write(`mirror: warning: ${m}\n`)

/** The whole `just mirror`: returns the one-line summary. */
export async function mirrorData(ctx: Context, o: MirrorOptions): Promise<string> {
  const t0 = Date.now()
  const name = ctx.pipeline!, dir = ctx.dir!, env = ctx.env
  const s3Root = need(env, 'S3_ROOT'), offlineDir = need(env, 'OFFLINE_DIR')
  const prefix = dataPrefix(s3Root, name)
  // temp files a killed run left where this one writes (inputs3.csv, test.config, manifests)
  for (const d of [join(offlineDir, name), dir]) sweepTemps(d)
  const { cfg, original } = loadTestProfile(ctx.staged!, name)
  const plan = planProfile(cfg, ctx.staged!, { skip: (ctx.env.MIRROR_SKIP ?? '').split(',').map((x) => x.trim()).filter(Boolean) })
  report(plan, cfg.problems)

  const sources = new SourceS3(env), dest = makeS3Client(env)
  const progress = makeProgress('mirror')
  // measured peak RSS ~160-190 MB whatever the file size with 5 MiB parts, 2 in flight (see report)
  const topts: TransferOptions = {
    env, dest, sources, hash: o.checksums || o.manifest, onBytes: (n) => progress.bytes(n),
    partSize: Number(env.MIRROR_PART_MB || 5) << 20, queueSize: Number(env.MIRROR_QUEUE || 2),
  }
  try {
    // 1. the texts that name further URLs: the samplesheet, and URL lists among the params
    const { sheet, inputList, listings, dirFiles, whereOf } = await readTexts(plan, env, sources, o.rows, warn)

    // 2. every plain file, skipping what the listing of the data prefix shows with the same size
    const required = new Set([...sheet?.urls ?? [], ...inputList, ...[...listings.values()].flatMap((l) => l.urls),
      ...plan.files.filter((f) => f.fromTest).flatMap((f) => f.urls), ...plan.genome?.files.map((f) => f.url) ?? [], ...dirFiles])
    const urls = [...new Set([...required, ...planUrls(plan)])].filter((u) => !listings.has(u) && (plan.input?.kind !== 'list' || inputList.includes(u) || !plan.input.urls.includes(u)))
    const etags = new Map<string, string>()
    const sizes = await listSizes(dest, prefix.bucket, `${prefix.key}/`, etags)
    const jobs: Job[] = urls.map((url) => ({ url, ...dataKey(s3Root, name, url) }))
    if (jobs.some((j) => !sizes.has(j.key))) await abortStaleUploads(dest, prefix.bucket, `${prefix.key}/`)
    progress.total(jobs.length, 0)
    const copier = makeCopier({ t: topts, sizes, etags, jobs: o.jobs ?? 4, required, whereOf, progress, warn })
    await copier.run(jobs)
    copier.stop(jobs.length)
    const done = copier.done
    const mapped = new Map(done.map((d) => [d.job.url, dataUri(s3Root, name, d.job.url)]))

    // 3. generated files: URL lists rewritten under their own key, and inputs3.csv beside the data
    const inputsKey = `${prefix.key}/inputs3.csv`
    const inputs3 = sheet ? rewriteListing(sheet.name, sheet.text, mapped, { rows: o.rows, header: true, csv: true })
      : plan.input?.kind === 'list' ? inputList.map((u) => mapped.get(u) ?? u).join('\n') + '\n' : undefined
    const generated: Job[] = [...listings.values()].map((l) => ({ url: l.url!, ...dataKey(s3Root, name, l.url!), body: Buffer.from(rewriteListing(l.name, l.text, mapped, { header: false })) }))
    if (inputs3 !== undefined) generated.push({ url: 'inputs3.csv', bucket: prefix.bucket, key: inputsKey, body: Buffer.from(inputs3) })
    progress.total(generated.length, 0)
    await copier.run(generated)
    copier.stop(jobs.length + generated.length)
    for (const l of listings.keys()) mapped.set(l, dataUri(s3Root, name, l))

    // 4. inputs3.csv here and in OFFLINE_DIR, test.config, the staged code's links
    if (inputs3 !== undefined) {
      await writeFileAtomic(join(offlineDir, name, 'inputs3.csv'), inputs3)
      await writeFileAtomic(join(dir, 'inputs3.csv'), inputs3)
      recordDerived(dir, 'inputs3.csv', env.REVISION, inputs3)
    }
    const inputsUri = `s3://${prefix.bucket}/${inputsKey}`
    const text = writeTestConfig(original, { ...overrides(plan, mapped, s3Root, name, sheet ? inputsUri : plan.input?.kind === 'list' ? inputList.map((u) => mapped.get(u) ?? u) : undefined, env.REGISTRY_PROXY), release: releaseLabel(dir, name, env.REVISION) })
    await writeFileAtomic(join(dir, 'test.config'), text)
    recordDerived(dir, 'test.config', env.REVISION, text)
    linkStaged(dir, name)

    // 5. optional: SHA256SUMS and data.manifest.json beside the data
    if (o.checksums || o.manifest) await writeSums(o, done, topts, prefix, offlineDir, name)
    progress.done()
    const copied = done.filter((d) => !d.skipped)
    return `mirror: ${done.length} files, ${copied.length} copied (${fmtBytes(copied.reduce((a, d) => a + d.size, 0))}), ${done.length - copied.length} skipped, ${((Date.now() - t0) / 1000).toFixed(1)} s → s3://${prefix.bucket}/${prefix.key}/`
  } finally {
    sources.destroy()
    dest.destroy()
  }
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

/** What test.config re-assigns: each param whose every file was mirrored, the input, the prefixes. */
export function overrides(plan: ProfilePlan, mapped: Map<string, string>, s3Root: string, name: string, input: Literal | undefined, registry?: string) {
  const files: Record<string, Literal> = {}
  for (const f of plan.files) {
    if (!f.urls.every((u) => mapped.has(u))) continue
    files[f.param] = f.list ? f.urls.map((u) => mapped.get(u)!) : mapped.get(f.urls[0])!
  }
  const prefixes: Record<string, string> = {}
  for (const p of plan.prefixes) if (p.param !== 'igenomes_base' || plan.genome) prefixes[p.param] = prefixUri(s3Root, name, p.url)
  const base = plan.prefixes.find((p) => p.param === 'igenomes_base')?.url
  for (const g of [...plan.genome?.files ?? [], ...plan.genome?.dirs ?? []]) {
    if (!base || !normalizePath(g.url).startsWith(normalizePath(base))) warn(`genome file ${g.attr} = ${g.url} is not under igenomes_base; Prod would read it from the source`)
  }
  return { input, files, prefixes, registry }
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
