// plugin-sync: the plugins dir (and the Nextflow framework) between this host and ${S3_ROOT}/nextflow/.
import { existsSync, mkdirSync } from 'node:fs'
import { readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { UserError } from '../core/cli.js'
import { type Env, need } from '../core/env.js'
import { cacheDir } from '../core/paths.js'
import { pluginsDirOf, strayEntries } from './batch.js'
import { openWorkDir, readManifest, sweepDeadTemps } from './install.js'
import { installLauncher } from './framework.js'
import { mapPool } from '../core/pool.js'
import { makeS3Client, parseS3Uri, s3Error } from '../s3/client.js'
import { listRemote } from '../s3/listing.js'
import { formatSummary, type SyncSummary, syncDown, syncUp } from '../s3/sync.js'

export interface SyncContext { root: string; env: Env }
export interface SyncOpts { delete?: boolean; quiet?: boolean; log?: (line: string) => void }

const MANIFEST = 'classes/META-INF/MANIFEST.MF'
const remoteBase = (env: Env) => `${need(env, 'S3_ROOT').replace(/\/+$/, '')}/nextflow`
const frameworkDir = (env: Env) => join(need(env, 'NXF_HOME'), 'framework', need(env, 'NXF_VER'))

const add = (a: SyncSummary, b: SyncSummary): SyncSummary => ({
  transferred: a.transferred + b.transferred, bytes: a.bytes + b.bytes, skipped: Math.max(0, b.skipped - a.transferred),
  deleted: a.deleted + b.deleted, seconds: a.seconds + b.seconds,
})

/**
 * Dev: upload the plugins dir, then the framework of NXF_VER if this host has it. Manifests go in a
 * second pass, so a plugin has its MANIFEST.MF on S3 only once all its other files are there: an
 * interrupted upload never looks complete to pullPlugins. Stray entries are left out.
 */
export async function pushPlugins(ctx: SyncContext, opts: SyncOpts = {}): Promise<void> {
  const { env } = ctx
  const log = opts.log ?? ((l: string) => console.log(l))
  const client = makeS3Client(env)
  const base = remoteBase(env)
  const common = { quiet: opts.quiet, delete: opts.delete, cacheDir: cacheDir(ctx.root, env) }
  try {
    const pluginsDir = pluginsDirOf(env)
    mkdirSync(pluginsDir, { recursive: true })   // an empty plugins.list still ships an (empty) plugins dir
    const strays = strayEntries(pluginsDir).map((s) => `/${s}`)
    const body = await syncUp(client, pluginsDir, `${base}/plugins`, { ...common, label: 'plugins', exclude: [...strays, `*/${MANIFEST}`] })
    const last = await syncUp(client, pluginsDir, `${base}/plugins`, { ...common, label: 'plugins', exclude: strays })
    log(formatSummary(`plugins → ${base}/plugins`, add(body, last)))
    const fw = frameworkDir(env)
    sweepDeadTemps(fw)   // a download a killed run left half-way is not shipped
    if (existsSync(fw)) log(formatSummary(`framework → ${base}/framework/${env.NXF_VER}`, await syncUp(client, fw, `${base}/framework/${env.NXF_VER}`, { ...common, label: 'framework' })))
  } finally {
    client.destroy()
  }
}

export interface PullResult { pulled: string[]; present: string[]; incomplete: string[]; removed: string[]; framework?: string; launcher?: string }

/**
 * Prod: bring `${S3_ROOT}/nextflow/plugins/` into the plugins dir and `framework/$NXF_VER/` into
 * `$NXF_HOME/framework`. Each missing plugin is downloaded beside the plugins dir and renamed in whole;
 * one already there is kept, as Nextflow does; one without its manifest on S3 (upload cut) is skipped.
 * `delete` removes plugin folders S3 no longer has. Nothing else is written into the plugins dir.
 */
export async function pullPlugins(ctx: SyncContext, opts: SyncOpts = {}): Promise<PullResult> {
  const { env } = ctx
  const log = opts.log ?? ((l: string) => console.log(l))
  const client = makeS3Client(env)
  const base = remoteBase(env)
  const pluginsDir = pluginsDirOf(env)
  const res: PullResult = { pulled: [], present: [], incomplete: [], removed: [] }
  const common = { quiet: true, cacheDir: cacheDir(ctx.root, env) }
  try {
    const { bucket, key } = parseS3Uri(`${base}/plugins`)
    const keys = [...(await listRemote(client, bucket, key).catch((e) => s3Error(e, `${base}/plugins`))).keys()]
    const names = [...new Set(keys.map((k) => k.split('/')[0]))].sort()
    if (!names.length) throw new UserError(`no plugins under ${base}/plugins/; run \`just plugins\` on the Dev host first`)
    const have = new Set(keys)
    const complete = names.filter((n) => have.has(`${n}/${MANIFEST}`))
    res.incomplete = names.filter((n) => !complete.includes(n))
    const work = await openWorkDir(pluginsDir)
    try {
      await mapPool(complete, 4, async (name) => {
        const target = join(pluginsDir, name)
        if (readManifest(target)) { res.present.push(name); return }
        const fresh = join(work.dir, name)
        await syncDown(client, `${base}/plugins/${name}`, fresh, common)
        if (existsSync(target)) await rename(target, join(work.dir, `${name}.broken`))
        await rename(fresh, target)
        res.pulled.push(name)
      })
      if (opts.delete) {
        for (const name of await readdir(pluginsDir)) {
          if (names.includes(name)) continue
          await rename(join(pluginsDir, name), join(work.dir, `${name}.gone`))
          res.removed.push(name)
        }
      }
    } finally {
      await work.close()
    }
    res.framework = await pullFramework(client, env, base, common)
  } finally {
    client.destroy()
  }
  // Nextflow itself: the launcher Dev shipped becomes bin/nextflow; without it Prod would need a download
  let problem: unknown
  try { res.launcher = installLauncher(ctx.root, env) } catch (e) { problem = e }
  for (const n of res.pulled.sort()) log(`✓ ${n} pulled`)
  for (const n of res.present.sort()) log(`· ${n} already installed`)
  for (const n of res.incomplete) process.stderr.write(`warning: ${base}/plugins/${n}/ has no ${MANIFEST} (an upload was cut); re-run \`just plugins\` on Dev\n`)
  for (const n of res.removed) log(`- ${n} removed (not on S3)`)
  if (res.framework) log(res.framework)
  if (res.launcher) log(res.launcher)
  log(`done: ${res.pulled.length} pulled, ${res.present.length} already installed → ${pluginsDir}`)
  if (problem && !res.framework && env.NXF_VER && env.NXF_HOME) {
    throw new UserError(`no Nextflow ${env.NXF_VER} under ${base}/framework/ and none here; run \`just plugins\` on the Dev host (it fetches Nextflow from NXF_BASE), then \`just plugins --down\``)
  }
  if (problem) throw problem
  return res
}

/** framework/$NXF_VER: synced in place when present, else into a temp dir renamed in whole; absent on S3 → undefined. */
async function pullFramework(client: ReturnType<typeof makeS3Client>, env: Env, base: string, common: { quiet: boolean; cacheDir: string }): Promise<string | undefined> {
  if (!env.NXF_VER || !env.NXF_HOME) return undefined
  const src = `${base}/framework/${env.NXF_VER}`
  const { bucket, key } = parseS3Uri(src)
  if (!(await listRemote(client, bucket, key).catch((e) => s3Error(e, src))).size) return undefined
  const dir = frameworkDir(env)
  if (existsSync(dir)) return formatSummary(`framework ${env.NXF_VER}`, await syncDown(client, src, dir, common))
  sweepDeadTemps(dirname(dir))
  const fresh = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}-x`)
  try {
    const s = await syncDown(client, src, fresh, common)
    await rename(fresh, dir)
    return formatSummary(`framework ${env.NXF_VER}`, s)
  } finally {
    await rm(fresh, { recursive: true, force: true })
  }
}
