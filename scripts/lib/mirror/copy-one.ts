// transfer: stream one source into one S3 object (multipart, bounded memory), skipping what is already there.
import { AbortMultipartUploadCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { createHash } from 'node:crypto'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { HttpError } from '../core/http.js'
import { classify, pause, retryPolicy, shouldRetry } from '../core/retry.js'
import { s3Message } from '../s3/client.js'
import { openSource, sourceSize, type SourceS3 } from './sources.js'

export interface Job {
  /** the source URL as the pipeline names it (the key derives from it) */
  url: string
  bucket: string
  key: string
  /** generated content to upload instead of the source (a rewritten samplesheet or URL list) */
  body?: Buffer
}
export interface Done { job: Job; size: number; skipped: boolean; sha256?: string }

export interface TransferOptions {
  env: Env
  dest: S3Client
  sources: SourceS3
  /** compute sha256 (read skipped objects back from S3 to hash them) */
  hash?: boolean
  onBytes?: (n: number) => void
  /** multipart part size (default 5 MiB) and parts in flight per file (default 2) */
  partSize?: number
  queueSize?: number
  attempts?: number
}

/**
 * Sizes of every object under `prefix` (one paginated listing, instead of a HEAD per file); `etags`, if
 * given, gets their ETags (the MD5 of a single-part object: generated files are compared by content).
 */
export async function listSizes(client: S3Client, bucket: string, prefix: string, etags?: Map<string, string>): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  let token: string | undefined
  do {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
      .catch((e) => { throw new UserError(s3Message(e, `s3://${bucket}/${prefix}`), { cause: e }) })
    for (const o of r.Contents ?? []) {
      if (!o.Key) continue
      out.set(o.Key, o.Size ?? 0)
      if (o.ETag) etags?.set(o.Key, o.ETag.replace(/"/g, ''))
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined
  } while (token)
  return out
}

/** Abort multipart uploads a killed run left under `prefix` (never visible, but they cost storage). */
export async function abortStaleUploads(client: S3Client, bucket: string, prefix: string): Promise<number> {
  try {
    const r = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))
    const ups = r.Uploads ?? []
    await Promise.all(ups.map((u) => client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }))))
    return ups.length
  } catch { return 0 }   // best effort: some S3-compatible stores do not list uploads
}

/** Counts and hashes what flows through; fails at the end if the source said another length. */
function meter(expected: number | undefined, onBytes?: (n: number) => void) {
  const hash = createHash('sha256')
  let size = 0
  const stream = new Transform({
    transform(chunk: Buffer, _e, cb) { size += chunk.length; hash.update(chunk); onBytes?.(chunk.length); cb(null, chunk) },
    flush(cb) {
      if (expected !== undefined && size !== expected) cb(Object.assign(new Error(`short body: ${size} of ${expected} bytes`), { code: 'ETRUNCATED' }))
      else cb()
    },
  })
  return { stream, size: () => size, sha256: () => hash.digest('hex') }
}

async function hashObject(client: S3Client, bucket: string, key: string): Promise<string> {
  const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  const h = createHash('sha256')
  for await (const c of r.Body as Readable) h.update(c as Buffer)
  return h.digest('hex')
}

async function upload(o: TransferOptions, job: Job, body: Readable | Buffer, size?: number): Promise<void> {
  if (Buffer.isBuffer(body)) {
    await o.dest.send(new PutObjectCommand({ Bucket: job.bucket, Key: job.key, Body: body, ContentLength: body.length }))
    return
  }
  // nothing is visible under the key until the last part completes; a failure aborts the upload
  const up = new Upload({
    client: o.dest, params: { Bucket: job.bucket, Key: job.key, Body: body },
    // S3 allows 10,000 parts: grow the part for very large files
    partSize: Math.max(o.partSize ?? 5 << 20, Math.ceil((size ?? 0) / 9000)), queueSize: o.queueSize ?? 2, leavePartsOnError: false,
  })
  await up.done()
}

/**
 * Whether the object already there (`existing` bytes) is this source: same size, asked with a HEAD.
 * A source that refuses HEAD (405, 403 on signed URLs...) is copied again; a 404 is an error.
 */
export async function probeSkip(job: Job, existing: number, o: TransferOptions, etag?: string): Promise<Done | undefined> {
  if (job.body) {
    // a generated file of the same size may still differ (another ROWS): its ETag is its MD5
    const same = existing === job.body.length && (etag === undefined || etag === createHash('md5').update(job.body).digest('hex'))
    return same ? { job, size: existing, skipped: true, sha256: createHash('sha256').update(job.body).digest('hex') } : undefined
  }
  const size = await sourceSize(job.url, o.env, o.sources).catch((e) => {
    if (e instanceof HttpError && e.status !== 404) return undefined
    throw e
  })
  if (size !== existing) return undefined
  return { job, size: existing, skipped: true, sha256: o.hash ? await hashObject(o.dest, job.bucket, job.key) : undefined }
}

/**
 * Copy `job` to S3 unless an object of the same size is there (`existing`: its size from a listing).
 * A fault mid-stream (reset, short body, S3 5xx: the retry policy's transient faults) restarts the file,
 * with backoff; 4xx answers do not.
 */
export async function transferOne(job: Job, existing: number | undefined, o: TransferOptions): Promise<Done> {
  const where = `s3://${job.bucket}/${job.key}`
  if (job.body) {
    const sha256 = createHash('sha256').update(job.body).digest('hex')
    if (existing === job.body.length) return { job, size: existing, skipped: true, sha256 }
    await upload(o, job, job.body).catch((e) => { throw new UserError(s3Message(e, where), { cause: e }) })
    o.onBytes?.(job.body.length)
    return { job, size: job.body.length, skipped: false, sha256 }
  }
  if (existing !== undefined) {
    const skipped = await probeSkip(job, existing, o)
    if (skipped) return skipped
  }
  const policy = retryPolicy(o.env, o.attempts ?? 4)
  for (let attempt = 0; ; attempt++) {
    const src = await openSource(job.url, o.env, o.sources)
    const m = meter(src.size, o.onBytes)
    try {
      await Promise.all([pipeline(src.body, m.stream), upload(o, job, m.stream, src.size)])
      return { job, size: m.size(), skipped: false, sha256: m.sha256() }
    } catch (err) {
      src.body.destroy()
      m.stream.destroy()
      o.onBytes?.(-m.size())   // the progress bar gives back what this attempt counted
      if (err instanceof UserError || !shouldRetry(policy, classify(err), attempt)) {
        if (err instanceof UserError) throw err
        const e = err as { name?: string; $metadata?: unknown; message?: string }
        throw new UserError(e.$metadata ? s3Message(err, where) : `copy ${job.url}: ${e.message ?? err}`, { cause: err })
      }
      await pause(policy, attempt)
    }
  }
}
