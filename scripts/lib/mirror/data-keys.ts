// data-keys: where a mirrored source lives in S3: `${S3_ROOT}/<pipeline>/data/<host>/<path>`, one rule for all.
import { joinKey, parseS3Uri, s3Uri } from '../s3/client.js'

/** A URL we can mirror: https:// and http:// (tests, internal mirrors) or s3://. */
export const isRemote = (v: unknown): v is string => typeof v === 'string' && /^(https?|s3):\/\/[^/\s]+\/\S*[^/\s]$/i.test(v.trim())

/** A URL-looking value of a scheme we cannot mirror (az://, gs://, ftp://): reported, left as is. */
export const isOtherRemote = (v: unknown): v is string => typeof v === 'string' && /^(az|gs|ftp|ftps|sftp):\/\//i.test(v.trim())

/**
 * THE normalisation of a source path: runs of `/` collapse to one (`modules//genomics` → `modules/genomics`,
 * as Nextflow's S3 paths read it), no leading or trailing `/`. Every key and every rewritten URI uses it.
 */
export const normalizePath = (p: string) => p.replace(/\/{2,}/g, '/').replace(/^\/+|\/+$/g, '')

/** `host` and `path` of a source URL: the host of https (port dropped), the bucket of s3; query dropped. */
export function sourceParts(url: string): { host: string; path: string } {
  const u = url.trim()
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(u)
  if (s3) return { host: s3[1], path: normalizePath(s3[2].split(/[?#]/)[0]) }
  const m = /^https?:\/\/([^/?#]+)([^?#]*)/i.exec(u)
  if (!m) throw new Error(`not a mirrorable URL: ${url}`)
  const host = m[1].replace(/^[^@]*@/, '').replace(/:\d+$/, '').toLowerCase()
  return { host, path: normalizePath(m[2]) }
}

/** The data prefix of a pipeline: `${S3_ROOT}/<pipeline>/data` as { bucket, key }. */
export function dataPrefix(s3Root: string, pipeline: string): { bucket: string; key: string } {
  const root = parseS3Uri(s3Root, 'S3_ROOT')
  return { bucket: root.bucket, key: joinKey(root.key, pipeline, 'data') }
}

/** Destination key of a source URL under the pipeline's data prefix. */
export function dataKey(s3Root: string, pipeline: string, url: string): { bucket: string; key: string } {
  const { bucket, key } = dataPrefix(s3Root, pipeline)
  const { host, path } = sourceParts(url)
  return { bucket, key: joinKey(key, host, path) }
}

/** Destination s3:// URI of a source URL. */
export function dataUri(s3Root: string, pipeline: string, url: string): string {
  const d = dataKey(s3Root, pipeline, url)
  return s3Uri(d.bucket, d.key)
}

/**
 * A directory prefix (igenomes_base) redirected into the mirror: same mapping, trailing `/` kept as written,
 * so `${base}/x` built from it resolves to the key that `x`'s own source URL maps to.
 */
export function prefixUri(s3Root: string, pipeline: string, url: string): string {
  const u = url.trim()
  const m = /^(s3|https?):\/\/([^/?#]+)(\/[^?#]*)?$/i.exec(u)
  if (!m) throw new Error(`not a mirrorable prefix: ${url}`)
  const host = m[1].toLowerCase() === 's3' ? m[2] : m[2].replace(/:\d+$/, '').toLowerCase()
  const { bucket, key } = dataPrefix(s3Root, pipeline)
  return s3Uri(bucket, joinKey(key, host, normalizePath(m[3] ?? ''))) + (u.endsWith('/') ? '/' : '')
}
