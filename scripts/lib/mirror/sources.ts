// sources: open a mirror source (https/http or s3) as a stream, through SOURCE_REWRITE, proxies and public buckets.
import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { Readable } from 'node:stream'
import type { Env } from '../core/env.js'
import { httpGet, parseRewrites, rewriteUrl } from '../core/http.js'
import { makeS3Client, s3Message } from '../s3/client.js'
import { UserError } from '../core/cli.js'
import { normalizePath } from './data-keys.js'

export interface Opened { body: Readable; size?: number }

/** Where a source is really fetched from: SOURCE_REWRITE applied (its S3 key still derives from `url`). */
export const fetchUrl = (url: string, env: Env) => rewriteUrl(url.trim(), parseRewrites(env.SOURCE_REWRITE))

/** Errors after which an unsigned request may still work (a public bucket such as ngi-igenomes). */
export function wantsAnonymous(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; message?: string }
  return ['AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'CredentialsProviderError', 'InvalidToken'].includes(e.name ?? '')
    || e.$metadata?.httpStatusCode === 403 || /credential/i.test(e.message ?? '')
}

/**
 * S3 clients for source buckets: SOURCE_S3_ENDPOINT_URL (empty: AWS itself) when the sources live elsewhere
 * than S3_ROOT's endpoint; regions followed (ngi-igenomes is in eu-west-1); unsigned fallback per bucket.
 */
export class SourceS3 {
  private signed?: S3Client
  private anon?: S3Client
  private anonymousBuckets = new Set<string>()
  constructor(private env: Env) {}

  private client(anonymous: boolean): S3Client {
    const env = 'SOURCE_S3_ENDPOINT_URL' in this.env
      ? { ...this.env, AWS_ENDPOINT_URL: this.env.SOURCE_S3_ENDPOINT_URL, AWS_ENDPOINT_URL_S3: undefined }
      : this.env
    const make = () => makeS3Client(env, { anonymous, followRegionRedirects: true })
    return anonymous ? (this.anon ??= make()) : (this.signed ??= make())
  }

  /** Run `fn` with the signed client, then unsigned if the bucket refuses us (remembered per bucket). */
  async with<T>(bucket: string, fn: (c: S3Client) => Promise<T>): Promise<T> {
    if (!this.anonymousBuckets.has(bucket)) {
      try { return await fn(this.client(false)) } catch (e) { if (!wantsAnonymous(e)) throw e }
    }
    const r = await fn(this.client(true))
    this.anonymousBuckets.add(bucket)
    return r
  }

  destroy(): void { this.signed?.destroy(); this.anon?.destroy() }
}

/** Bucket and key as Nextflow's S3 paths read them: `a//b` is the object `a/b`. */
const splitS3 = (url: string) => {
  const m = /^s3:\/\/([^/]+)\/(.+)$/i.exec(url)
  if (!m) throw new UserError(`'${url}' is not an s3://bucket/key URL`)
  return { Bucket: m[1], Key: normalizePath(m[2]) }
}

/** Size of a source without its body (HEAD / HeadObject); undefined when the server does not say. */
export async function sourceSize(url: string, env: Env, s3: SourceS3): Promise<number | undefined> {
  const real = fetchUrl(url, env)
  if (/^s3:/i.test(real)) {
    const { Bucket, Key } = splitS3(real)
    const h = await s3.with(Bucket, (c) => c.send(new HeadObjectCommand({ Bucket, Key }))).catch((e) => { throw new UserError(s3Message(e, real), { cause: e }) })
    return h.ContentLength
  }
  const res = await httpGet(real, { env, method: 'HEAD' })
  const len = res.headers.get('content-length')
  return len && !res.headers.get('content-encoding') ? Number(len) : undefined
}

/** Open a source for reading, following redirects and retrying transient faults before the first byte. */
export async function openSource(url: string, env: Env, s3: SourceS3): Promise<Opened> {
  const real = fetchUrl(url, env)
  if (/^s3:/i.test(real)) {
    const { Bucket, Key } = splitS3(real)
    const r = await s3.with(Bucket, (c) => c.send(new GetObjectCommand({ Bucket, Key }))).catch((e) => { throw new UserError(s3Message(e, real), { cause: e }) })
    return { body: r.Body as Readable, size: r.ContentLength }
  }
  const res = await httpGet(real, { env, headers: { 'accept-encoding': 'identity' } })
  const len = res.headers.get('content-length')
  return {
    body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
    size: len && !res.headers.get('content-encoding') ? Number(len) : undefined,
  }
}

/** A small source (samplesheet, URL list) read into memory; refuses more than `max` bytes. */
export async function readSource(url: string, env: Env, s3: SourceS3, max = 64 << 20): Promise<Buffer> {
  const { body, size } = await openSource(url, env, s3)
  if (size !== undefined && size > max) { body.destroy(); throw new UserError(`${url}: ${size} bytes is too large for a samplesheet`) }
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of body) {
    n += (c as Buffer).length
    if (n > max) { body.destroy(); throw new UserError(`${url}: more than ${max} bytes; too large for a samplesheet`) }
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks)
}
