// s3-listing: list an S3 prefix for sync, and remember each object's mtime metadata by ETag between runs.
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { writeFileAtomicSync } from './fsx.js'
import { mapPool } from './pool.js'
import type { FastS3 } from './s3-fast.js'

export interface RemoteEntry {
  size: number
  /** LastModified, ms */
  lastModified: number
  etag: string
  /** our x-amz-meta-mtime (ms); null: the object has none (another tool wrote it); undefined: not known yet */
  mtime?: number | null
}
export type RemoteTree = Map<string, RemoteEntry>

/** The user-metadata key holding the source file's mtime in ms (`x-amz-meta-mtime`). */
export const MTIME_KEY = 'mtime'
export const metaMtime = (meta: Record<string, string> | undefined): number | null => {
  const v = meta?.[MTIME_KEY]
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null
}

/** Every object under `prefix` (a key prefix without trailing slash; '' for the whole bucket), keyed by its relative path. */
export async function listRemote(client: S3Client, bucket: string, prefix: string): Promise<RemoteTree> {
  const out: RemoteTree = new Map()
  const base = prefix ? `${prefix}/` : ''
  let token: string | undefined
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: base, ContinuationToken: token }))
    for (const o of r.Contents ?? []) {
      if (!o.Key || o.Key.endsWith('/')) continue   // "folder" markers some consoles create
      out.set(o.Key.slice(base.length), { size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0, etag: o.ETag ?? '' })
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined
  } while (token)
  return out
}

/** Fetch the mtime metadata of `keys` with HEAD requests (only for objects the cache does not know). */
export async function headMtimes(fast: FastS3, bucket: string, prefix: string, tree: RemoteTree, keys: string[], concurrency: number): Promise<void> {
  await mapPool(keys, concurrency, async (rel) => {
    const h = await fast.send('HEAD', bucket, prefix ? `${prefix}/${rel}` : rel)
    h.resume()
    const e = tree.get(rel)!
    const meta = h.headers[`x-amz-meta-${MTIME_KEY}`]
    e.mtime = h.headers.etag === e.etag ? metaMtime(typeof meta === 'string' ? { [MTIME_KEY]: meta } : undefined) : null
  })
}

/**
 * ListObjectsV2 does not return user metadata, and a HEAD per object would make a no-op sync slow. So we
 * remember, per endpoint/bucket/prefix, `key → [etag, size, mtime]` as learnt from our own PUTs, GETs and
 * HEADs. An entry counts only while the listed ETag and size still match, so objects rewritten by anyone
 * else are looked at again. Lives in the toolkit cache, never in the synced trees.
 */
export class MetaCache {
  private entries: Record<string, [string, number, number | null]> = {}
  private file?: string
  constructor(dir: string | false | undefined, id: string) {
    if (dir === false) return
    const base = dir || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nf-offline')
    this.file = join(base, 's3-meta', `${createHash('sha1').update(id).digest('hex').slice(0, 16)}.json`)
    try { this.entries = JSON.parse(readFileSync(this.file, 'utf8')) } catch { /* none yet, or unreadable: start empty */ }
  }

  /** Fill `mtime` of the listed objects the cache knows. */
  apply(tree: RemoteTree): void {
    for (const [rel, e] of tree) {
      const c = this.entries[rel]
      if (c && c[0] === e.etag && c[1] === e.size) e.mtime = c[2]
    }
  }

  /** Keep what `tree` (the listing, plus our transfers) still holds, and write the file. */
  save(tree: RemoteTree): void {
    if (!this.file) return
    const kept: typeof this.entries = {}
    for (const [rel, e] of tree) if (e.mtime !== undefined && e.etag) kept[rel] = [e.etag, e.size, e.mtime]
    try { writeFileAtomicSync(this.file, JSON.stringify(kept)) } catch { /* a cache: losing it only costs HEADs */ }
  }
}
