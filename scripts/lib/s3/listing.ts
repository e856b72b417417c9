// s3-listing: list an S3 prefix for sync, and remember each object's mtime metadata by ETag between runs.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { writeFileAtomicSync } from '../core/fsx.js'
import { mapPool } from '../core/pool.js'
import type { S3Client } from '@aws-sdk/client-s3'
import { type FastS3, fastS3, readText } from './fast.js'

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

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
const unxml = (s: string) => !s.includes('&') ? s : s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) =>
  e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : XML_ENTITIES[e] ?? m)
/** The text of the first `<t>…</t>` in xml[from, to) (S3 escapes `<` in values), or undefined. */
const tag = (xml: string, t: string, from = 0, to = xml.length) => {
  const open = xml.indexOf(`<${t}>`, from)
  if (open < 0 || open >= to) return undefined
  const start = open + t.length + 2, end = xml.indexOf(`</${t}>`, start)
  return end < 0 || end > to ? undefined : unxml(xml.slice(start, end))
}

/**
 * PURE: the objects of one ListObjectsV2 result page (keys relative to `base`) and the next page's token.
 * indexOf, not regular expressions: a thousand-key page is the one thing a no-op sync has to read.
 */
export function parseListPage(xml: string, base: string, into: RemoteTree): string | undefined {
  for (let at = xml.indexOf('<Contents>'); at >= 0; at = xml.indexOf('<Contents>', at)) {
    const end = xml.indexOf('</Contents>', at)
    if (end < 0) break
    const key = tag(xml, 'Key', at, end)
    if (key && !key.endsWith('/') && key.startsWith(base)) {   // not the "folder" markers some consoles create
      into.set(key.slice(base.length), { size: Number(tag(xml, 'Size', at, end) ?? 0), lastModified: Date.parse(tag(xml, 'LastModified', at, end) ?? '') || 0, etag: tag(xml, 'ETag', at, end) ?? '' })
    }
    at = end
  }
  return tag(xml, 'IsTruncated') === 'true' ? tag(xml, 'NextContinuationToken') : undefined
}

/**
 * Every object under `prefix` (a key prefix without trailing slash; '' for the whole bucket), keyed by
 * its relative path: ListObjectsV2, paginated (plain requests: the SDK's XML parsing costs more than the call).
 */
export async function listRemote(from: S3Client | FastS3, bucket: string, prefix: string, maxKeys?: number, onSent?: () => void): Promise<RemoteTree> {
  const fast = 'config' in from ? fastS3(from) : from
  const out: RemoteTree = new Map()
  const base = prefix ? `${prefix}/` : ''
  let token: string | undefined
  do {
    const query: Record<string, string> = { 'list-type': '2', prefix: base, ...(token ? { 'continuation-token': token } : {}), ...(maxKeys ? { 'max-keys': String(maxKeys) } : {}) }
    token = parseListPage(await readText(await fast.send('GET', bucket, '', { query, onSent: token ? undefined : onSent })), base, out)
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
