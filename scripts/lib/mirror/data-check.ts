// data-check: every S3 object the rewritten test profile and its inputs3.csv name, with its size, or missing.
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import { readTextIf } from '../core/fsx.js'
import { ConfigSyntaxError, loadConfig } from '../nf-config/index.js'
import { fmtBytes } from '../core/progress.js'
import { normalizePath } from './data-keys.js'
import { listSizes } from './copy-one.js'
import { listingUrls } from './samplesheet.js'
import { planProfile, planUrls } from './test-profile.js'
import { MARKER } from './test-config.js'

/** `text`: a samplesheet or URL list whose own URLs are checked too (header: its first row is names) */
export interface DataRef { uri: string; from: string; text?: 'sheet' | 'list'; dir?: boolean }
export interface DataCheck { found: { ref: DataRef; size: number }[]; missing: DataRef[]; remote: DataRef[] }

/** bucket and key as Nextflow's S3 paths read them (`a//b` is `a/b`), a directory keeping its `/` */
const splitS3 = (uri: string) => {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri)!
  return { bucket: m[1], key: normalizePath(m[2]) + (m[2].endsWith('/') ? '/' : '') }
}

/** Longest common `dir/` of some keys: one listing serves them all. */
export function commonDir(keys: string[]): string {
  if (!keys.length) return ''
  let p = keys[0].slice(0, keys[0].lastIndexOf('/') + 1)
  for (const k of keys) while (!k.startsWith(p)) p = p.slice(0, p.slice(0, -1).lastIndexOf('/') + 1)
  return p
}

/** The references of the profile as Prod evaluates it: conf/test.config is our rewritten file. */
export function profileRefs(staged: string, name: string): DataRef[] {
  const tc = join(staged, 'conf', 'test.config')
  if (!existsSync(tc)) throw new UserError(`pipelines/${name}/${name}/conf/test.config is missing; run: just mirror ${name}`)
  if (!readFileSync(tc, 'utf8').includes(MARKER)) throw new UserError(`pipelines/${name}/test.config does not point at S3 yet; run: just mirror ${name}`)
  let cfg
  try {
    cfg = loadConfig({ projectDir: staged, profiles: ['test', 'docker'], env: {}, readFile: readTextIf })
  } catch (e) {
    if (e instanceof ConfigSyntaxError) throw new UserError(e.message, { cause: e })
    throw e
  }
  const plan = planProfile(cfg, staged)
  const refs: DataRef[] = []
  if (plan.input?.kind === 'sheet') refs.push({ uri: plan.input.source, from: `input (${plan.input.at})`, text: 'sheet' })
  for (const u of planUrls(plan)) {
    const f = plan.files.find((x) => x.urls.includes(u))
    refs.push({ uri: u, from: f ? `${f.param} (${f.at})` : plan.genome?.files.some((g) => g.url === u) ? `genome '${plan.genome.name}'` : 'input list', text: f?.listing ? 'list' : undefined })
  }
  for (const d of plan.genome?.dirs ?? []) refs.push({ uri: d.url, from: `genome '${plan.genome!.name}'.${d.attr}`, dir: true })
  return refs
}

async function readText(client: S3Client, uri: string): Promise<string | undefined> {
  const { bucket, key } = splitS3(uri)
  try {
    const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    return await r.Body!.transformToString()
  } catch { return undefined }
}

/** Look each reference up in one listing per bucket; inputs3.csv is read to add the files its cells name. */
export async function checkData(client: S3Client, refs: DataRef[]): Promise<DataCheck> {
  const all = [...refs]
  for (const r of refs.filter((r) => r.text && r.uri.startsWith('s3://'))) {
    const text = await readText(client, r.uri)
    const name = r.uri.split('/').pop()!
    if (text === undefined || text.includes('\0')) continue
    try {
      for (const u of listingUrls(name, text, { header: r.text === 'sheet' })) all.push({ uri: u, from: name })
    } catch { /* not a listing after all */ }
  }
  const seen = new Set<string>()
  const uniq = all.filter((r) => !seen.has(r.uri) && seen.add(r.uri))
  const s3refs = uniq.filter((r) => r.uri.startsWith('s3://')).map((r) => { const { bucket, key } = splitS3(r.uri); return { ...r, uri: `s3://${bucket}/${key}` } })
  const byBucket = new Map<string, string[]>()
  for (const r of s3refs) { const { bucket, key } = splitS3(r.uri); byBucket.set(bucket, [...byBucket.get(bucket) ?? [], key]) }
  const sizes = new Map<string, number>()
  for (const [bucket, keys] of byBucket) {
    for (const [k, n] of await listSizes(client, bucket, commonDir(keys))) sizes.set(`s3://${bucket}/${k}`, n)
  }
  // a genome directory is there when something is under it; its size is the sum
  const sizeOf = (r: DataRef) => !r.dir ? sizes.get(r.uri)
    : [...sizes].filter(([u]) => u.startsWith(r.uri.replace(/\/*$/, '/'))).reduce<number | undefined>((a, [, n]) => (a ?? 0) + n, undefined)
  return {
    found: s3refs.filter((r) => sizeOf(r) !== undefined).map((ref) => ({ ref, size: sizeOf(ref)! })),
    missing: s3refs.filter((r) => sizeOf(r) === undefined),
    remote: uniq.filter((r) => !r.uri.startsWith('s3://')),
  }
}

/** Lines for the user: each object with its size, then the missing ones, then a summary. */
export function formatCheck(c: DataCheck): string[] {
  const total = c.found.reduce((a, f) => a + f.size, 0)
  return [
    ...c.found.map((f) => `✓ ${fmtBytes(f.size).padStart(8)}  ${f.ref.uri}`),
    ...c.remote.map((r) => `! not in S3: ${r.uri} (${r.from}); Prod cannot reach it`),
    ...c.missing.map((r) => `✗ missing   ${r.uri} (${r.from})`),
    `data: ${c.found.length} objects, ${fmtBytes(total)}${c.missing.length ? `; ${c.missing.length} missing` : ''}`,
  ]
}
