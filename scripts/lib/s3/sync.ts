// s3-sync: rsync-like sync between a local directory and an S3 prefix (size + mtime; only changes move).
import type { S3Client } from '@aws-sdk/client-s3'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { readdir, rm, rmdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { type CommandSpec, UserError } from '../core/cli.js'
import { excludedPath, type LocalEntry, type LocalTree, makeExcluder, walkLocal } from './local-tree.js'
import { mapPool } from '../core/pool.js'
import { fmtBytes, makeProgress } from '../core/progress.js'
import { s3Error, parseS3Uri, s3Uri } from './uri.js'
import { accessOf, type S3Access } from './access.js'
import { headMtimes, listRemote, MetaCache, type RemoteEntry, type RemoteTree } from './listing.js'
import { getFile, putFile } from './transfer.js'
import { Brought, keepLocalEdits, LOCAL_COPY_GLOB, makeLinks, takeLinks } from './down-state.js'
import type { FastS3 } from './fast.js'

export interface SyncOptions {
  delete?: boolean
  dryRun?: boolean
  /** globs relative to the root (see makeExcluder); excluded paths are neither sent nor deleted */
  exclude?: string[]
  concurrency?: number
  /** progress label */
  label?: string
  /** nothing printed (no bar, no per-file records) */
  quiet?: boolean
  /** a record line per file and no bar, even on a TTY */
  verbose?: boolean
  /** up: follow links in the local tree (a link to a directory is walked), default true */
  followSymlinks?: boolean
  /** where the ETag → mtime cache lives (default $NF_OFFLINE_CACHE or ~/.cache/nf-offline); false: none */
  cacheDir?: string | false
  /** down: paths (rel → link target) made links instead of written as the files S3 holds for them */
  links?: Record<string, string>
}
export interface SyncSummary { transferred: number; bytes: number; skipped: number; deleted: number; seconds: number; planned?: string[]; /** down: local edits kept aside */ kept?: string[]; /** down: link paths made */ linked?: string[] }

export type Direction = 'up' | 'down'

/**
 * What a pipeline folder's sync leaves out, both ways: Nextflow's run leftovers, logs, temp names, and
 * `data/`, which belongs to `mirror` on S3 (never uploaded into, deleted from, or downloaded: Prod reads it from S3).
 */
export const pipelineExcludes = (name: string) => [
  '/data/', '/work/', '/results/', `/${name}/work/`, `/${name}/results/`, '.nextflow*', '*.log', '*.tmp-*',
]
/** The words `up` and `down` take (the same ones, each said from its side); `about` is the entry's own. */
export const syncCommandSpec = (dir: Direction, about: string): CommandSpec => ({
  usage: `just ${dir} [<name>] [--delete] [--dry-run] [--verbose]`,
  positionals: 1,
  about,
  flags: {
    delete: dir === 'up' ? 'also remove objects that are not in the folder' : 'also remove local files that are not on S3',
    'dry-run': `print what would change; ${dir === 'up' ? 'upload' : 'change'} nothing`,
    verbose: 'a line per file moved, and no progress bar',
  },
  vars: ['PIPELINE', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE'],
})
export interface SyncPlan { transfer: string[]; skip: string[]; delete: string[]; bytes: number }

/**
 * Whether a local file and an object hold the same version. With our `x-amz-meta-mtime` the check is
 * exact: same size and the same mtime (ms). Objects written by other tools have no such metadata; for
 * them the `aws s3 sync` rule applies: same size, and the receiving side is not older than the sender
 * (downloads set the local mtime to LastModified, so a second `down` transfers nothing).
 */
export function sameVersion(dir: Direction, l: LocalEntry, r: RemoteEntry): boolean {
  if (l.size !== r.size) return false
  const lm = Math.round(l.mtimeMs)
  if (typeof r.mtime === 'number') return lm === r.mtime
  return dir === 'up' ? lm <= r.lastModified : r.lastModified <= lm
}

/** Objects whose metadata must be fetched (HEAD) before planning: same size, mtime unknown. */
export function needsHead(local: LocalTree, remote: RemoteTree): string[] {
  const out: string[] = []
  for (const [rel, r] of remote) {
    const l = local.get(rel)
    if (l && !l.link && r.mtime === undefined && l.size === r.size) out.push(rel)
  }
  return out
}

/**
 * PURE: from the two listings, what to transfer, skip and (with `delete`) remove on the receiving side.
 * A local link (listed when not followed) is never sent, nor overwritten by down: it is the receiver's
 * own (e.g. made by linkStaged).
 */
export function planSync(dir: Direction, local: LocalTree, remote: RemoteTree, opts: { delete?: boolean } = {}): SyncPlan {
  const plan: SyncPlan = { transfer: [], skip: [], delete: [], bytes: 0 }
  const [src, dst] = dir === 'up' ? [local, remote] : [remote, local]
  for (const [rel, s] of src) {
    const l = local.get(rel), r = remote.get(rel)
    if (l?.link || (l && r && sameVersion(dir, l, r))) plan.skip.push(rel)
    else { plan.transfer.push(rel); plan.bytes += s.size }
  }
  if (opts.delete) for (const rel of dst.keys()) if (!src.has(rel)) plan.delete.push(rel)
  for (const list of [plan.transfer, plan.skip, plan.delete]) list.sort()
  return plan
}

/** One line: `up: 12 files (3.1 MB) transferred, 918 unchanged, 0 deleted in 1.4 s`. */
export function formatSummary(verb: string, s: SyncSummary): string {
  const what = s.planned ? 'to transfer' : 'transferred'
  return `${verb}: ${s.transferred} file${s.transferred === 1 ? '' : 's'} (${fmtBytes(s.bytes)}) ${what}, ${s.skipped} unchanged, ${s.deleted} ${s.planned ? 'to delete' : 'deleted'} in ${s.seconds.toFixed(1)} s`
}

/** What sync takes: an SDK client, or S3Access (up/down: the SDK loads only if something must move). */
type S3 = S3Client | S3Access
const toAccess = (s3: S3): Promise<S3Access> | S3Access => 'fast' in s3 ? s3 : accessOf(s3)

/** Upload what changed under `localDir` to `dest` (s3://bucket/prefix). */
export async function syncUp(client: S3, localDir: string, dest: string, opts: SyncOptions = {}): Promise<SyncSummary> {
  if (!existsSync(localDir) || !statSync(localDir).isDirectory()) throw new UserError(`${localDir} is not a directory; nothing to upload`)
  return sync('up', client, localDir, dest, opts)
}

/** Download what changed under `src` (s3://bucket/prefix) into `localDir`, via temp names. */
export function syncDown(client: S3, src: string, localDir: string, opts: SyncOptions = {}): Promise<SyncSummary> {
  return sync('down', client, localDir, src, opts)
}

async function sync(dir: Direction, s3: S3, localDir: string, uri: string, opts: SyncOptions): Promise<SyncSummary> {
  const t0 = Date.now()
  const access = await toAccess(s3)
  const { fast } = access
  const { bucket, key: prefix } = parseS3Uri(uri)
  const where = s3Uri(bucket, prefix)
  const excluder = makeExcluder([...opts.exclude ?? [], LOCAL_COPY_GLOB])   // local edits kept aside by down are the user's: never synced
  const temps: string[] = []

  // 1. both listings at once: the LIST goes on the wire first, then the (synchronous) local walk runs while the
  // server works; the cache fills in the metadata ListObjectsV2 leaves out
  let sent!: () => void
  const onWire = new Promise<void>((r) => { sent = r })
  const listing = listRemote(fast, bucket, prefix, undefined, sent).catch((e) => s3Error(e, where))
  await Promise.race([onWire, listing.catch(() => undefined)])
  const cache = new MetaCache(opts.cacheDir ?? process.env.NF_OFFLINE_CACHE, `${access.endpointId} ${bucket} ${prefix}`)
  const local = await walkLocal(localDir, { exclude: excluder, followSymlinks: dir === 'up' ? opts.followSymlinks ?? true : false, temps })
  const remote = await listing
  const dirs = new Map<string, boolean>()
  for (const rel of remote.keys()) if (excludedPath(excluder, rel, dirs)) remote.delete(rel)
  const links = dir === 'down' && opts.links ? takeLinks(opts.links, local, remote) : []
  cache.apply(remote)
  await headMtimes(fast, bucket, prefix, remote, needsHead(local, remote), opts.concurrency ?? 16).catch((e) => s3Error(e, where))

  // 2. the plan; a dry run stops here
  const plan = planSync(dir, local, remote, opts)
  if (opts.delete && (dir === 'up' ? local : remote).size === 0 && plan.delete.length) {
    throw new UserError(`${dir === 'up' ? localDir : where} is empty; refusing to --delete everything in ${dir === 'up' ? where : localDir}`)
  }
  const summary: SyncSummary = { transferred: plan.transfer.length, bytes: plan.bytes, skipped: plan.skip.length, deleted: plan.delete.length, seconds: 0 }
  if (opts.dryRun) {
    summary.planned = [...plan.transfer.map((r) => `${dir === 'up' ? 'upload' : 'download'} ${r}`), ...plan.delete.map((r) => `delete ${r}`)]
    if (!opts.quiet) for (const line of summary.planned) console.log(line)
    summary.seconds = (Date.now() - t0) / 1000
    return summary
  }

  // 3. down: links first, and local edits out of the way; then transfer and delete. The caches are
  // saved whatever happens, so a re-run skips what is done
  const brought = dir === 'down' ? new Brought(opts.cacheDir ?? process.env.NF_OFFLINE_CACHE, `${access.endpointId} ${bucket} ${prefix} ${localDir}`) : undefined
  try {
    await Promise.all(temps.map((t) => rm(t, { force: true, recursive: true })))
    if (brought) {
      summary.linked = makeLinks(localDir, opts.links ?? {}, links)
      summary.kept = keepLocalEdits(localDir, plan.transfer, local, brought)
      if (!opts.quiet) for (const line of summary.kept) console.log(line)
      for (const rel of plan.skip) brought.found(rel, local.get(rel))
    }
    await applySync({ dir, sdk: access.sdk, fast, bucket, prefix, localDir, local, remote, opts, brought }, plan)
  } finally {
    cache.save(remote)
    brought?.save()
  }
  summary.seconds = (Date.now() - t0) / 1000
  return summary
}

interface SyncSides {
  dir: Direction; sdk: () => Promise<S3Client>; fast: FastS3; bucket: string; prefix: string; localDir: string
  local: LocalTree; remote: RemoteTree; opts: SyncOptions; brought?: Brought
}

/** Carry out `plan`: transfers (biggest first, so a large file does not stretch the tail), then deletes; `remote` follows. */
async function applySync(s: SyncSides, plan: SyncPlan): Promise<void> {
  const { dir, sdk, fast, bucket, local, remote } = s
  const keyOf = (rel: string) => (s.prefix ? `${s.prefix}/${rel}` : rel)
  const fail = (rel: string) => (e: unknown) => s3Error(e, s3Uri(bucket, keyOf(rel)))
  const concurrency = s.opts.concurrency ?? 16
  const made = new Set<string>()
  const mkdirp = async (d: string) => { if (!made.has(d)) { mkdirSync(d, { recursive: true }); made.add(d) } }
  // the totals come from the two listings: the bar moves with bytes from the first one
  const progress = makeProgress(s.opts.label ?? dir, { quiet: s.opts.quiet, verbose: s.opts.verbose })
  progress.total(plan.transfer.length, plan.bytes)
  const where = (rel: string) => s3Uri(bucket, keyOf(rel))
  const onBytes = (n: number) => progress.bytes(n)
  const size = (rel: string) => (dir === 'up' ? local.get(rel) : remote.get(rel))?.size ?? 0
  try {
    await mapPool([...plan.transfer].sort((a, b) => size(b) - size(a)), concurrency, async (rel) => {
      const abs = join(s.localDir, rel)
      if (dir === 'up') {
        const l = local.get(rel)!
        const mtime = Math.round(l.mtimeMs)
        const etag = await putFile(sdk, fast, bucket, keyOf(rel), abs, l.size, mtime, onBytes).catch(fail(rel))
        remote.set(rel, { size: l.size, lastModified: Date.now(), etag: etag ?? '', mtime })
      } else {
        const r = remote.get(rel)!
        const got = await getFile(fast, bucket, keyOf(rel), abs, r.lastModified, mkdirp, onBytes).catch(fail(rel))
        if (got.etag === r.etag) r.mtime = got.mtime   // else it changed since the listing: looked at again next time
        s.brought?.set(rel, abs)
      }
      progress.file(dir === 'up' ? `upload: ${rel} to ${where(rel)}` : `download: ${where(rel)} to ${rel}`)
    })
  } finally {
    progress.done()
  }
  const sdkDelete = dir === 'up' && plan.delete.length ? await Promise.all([sdk(), import('@aws-sdk/client-s3')]) : undefined
  await mapPool(plan.delete, concurrency, async (rel) => {
    if (sdkDelete) {
      const [client, { DeleteObjectCommand }] = sdkDelete
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: keyOf(rel) })).catch(fail(rel))
      remote.delete(rel)
    } else await rm(join(s.localDir, rel), { force: true })
    if (!s.opts.quiet) console.log(`delete: ${dir === 'up' ? where(rel) : rel}`)
  })
  if (dir === 'down' && plan.delete.length) await pruneEmptyDirs(s.localDir, plan.delete)
}

/** After local deletes, remove the directories they left empty (never `root` itself). */
async function pruneEmptyDirs(root: string, deleted: string[]): Promise<void> {
  const dirs = new Set<string>()
  for (const rel of deleted) for (let d = dirname(rel); d !== '.'; d = dirname(d)) dirs.add(d)
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    const abs = join(root, d)
    if ((await readdir(abs).catch(() => ['?'])).length === 0) await rmdir(abs).catch(() => undefined)
  }
}
