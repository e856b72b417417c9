// s3-transfer: move one file to or from S3, atomically on both sides, keeping its mtime in object metadata.
import type { S3Client } from '@aws-sdk/client-s3'
import { createWriteStream, readFileSync, renameSync, utimesSync, writeFileSync } from 'node:fs'
import { open, rename, rm, utimes } from 'node:fs/promises'
import { dirname } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { tmpName } from '../core/fsx.js'
import { mapPool } from '../core/pool.js'
import type { FastS3 } from './fast.js'
import { MTIME_KEY, metaMtime } from './listing.js'

/** Files from this size up go as multipart uploads (as `aws s3` does: 8 MiB). */
export const MULTIPART_THRESHOLD = 8 * 1024 * 1024
const MAX_PARTS = 10_000

/** Parts in memory at once across all uploads of the process: memory stays ~4 parts whatever the concurrency. */
const PARTS_IN_FLIGHT = 4
let slots = PARTS_IN_FLIGHT
const waiting: (() => void)[] = []
async function withPartSlot<T>(fn: () => Promise<T>): Promise<T> {
  if (slots > 0) slots--
  else await new Promise<void>((r) => waiting.push(r))
  try { return await fn() } finally {
    const next = waiting.shift()
    if (next) next()
    else slots++
  }
}

/** The part size for a file of `size` bytes: 8 MiB, or more to stay within S3's 10,000 parts. */
export const partSize = (size: number) => Math.max(MULTIPART_THRESHOLD, Math.ceil(size / MAX_PARTS / (1024 * 1024)) * 1024 * 1024)

/**
 * Upload `abs` to `key` with its mtime (ms) in `x-amz-meta-mtime`; returns the new ETag. A PUT or a
 * completed multipart upload appears whole or not at all; a failed multipart upload is aborted.
 */
export async function putFile(sdk: () => Promise<S3Client>, fast: FastS3, bucket: string, key: string, abs: string, size: number, mtime: number, onBytes: (n: number) => void): Promise<string | undefined> {
  const Metadata = { [MTIME_KEY]: String(mtime) }
  if (size < MULTIPART_THRESHOLD) {
    const body = readFileSync(abs)   // sync: for small files a threadpool round trip per call costs more than the read
    const res = await fast.send('PUT', bucket, key, { body, headers: { [`x-amz-meta-${MTIME_KEY}`]: String(mtime) } })
    res.resume()
    onBytes(body.length)
    return res.headers.etag
  }
  // multipart goes through the SDK, loaded only now (a sync of small files never needs it)
  const [client, { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand }] = await Promise.all([sdk(), import('@aws-sdk/client-s3')])
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, Metadata }))
  const part = partSize(size)
  const fh = await open(abs, 'r')
  try {
    const numbers = Array.from({ length: Math.ceil(size / part) }, (_, i) => i + 1)
    const parts = await mapPool(numbers, PARTS_IN_FLIGHT, (PartNumber) => withPartSlot(async () => {
      const buf = Buffer.alloc(Math.min(part, size - (PartNumber - 1) * part))
      const { bytesRead } = await fh.read(buf, 0, buf.length, (PartNumber - 1) * part)
      if (bytesRead !== buf.length) throw new Error(`${abs} changed size while uploading; re-run`)
      const r = await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber, Body: buf, ContentLength: buf.length }))
      onBytes(buf.length)
      return { PartNumber, ETag: r.ETag }
    }))
    const r = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }))
    return r.ETag
  } catch (e) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId })).catch(() => undefined)
    throw e
  } finally {
    await fh.close()
  }
}

/**
 * Download `key` to `abs` through a temp name beside it, set its mtime (the object's metadata, else
 * `fallbackMtime`: its LastModified) before the rename; returns the ETag and the metadata mtime.
 * `mkdirp` is the caller's, so each directory is made once per sync.
 */
export async function getFile(fast: FastS3, bucket: string, key: string, abs: string, fallbackMtime: number, mkdirp: (dir: string) => Promise<unknown>, onBytes: (n: number) => void): Promise<{ etag?: string; mtime: number | null }> {
  const body = await fast.send('GET', bucket, key)
  const meta = body.headers[`x-amz-meta-${MTIME_KEY}`]
  const mtime = metaMtime(typeof meta === 'string' ? { [MTIME_KEY]: meta } : undefined)
  const t = (mtime ?? fallbackMtime) / 1000
  const tmp = tmpName(abs)
  try {
    await mkdirp(dirname(abs))
    if (Number(body.headers['content-length']) < MULTIPART_THRESHOLD) {
      // small files (most of a pipeline): one buffer, one write; fewer syscalls than a stream
      const chunks: Buffer[] = []
      for await (const c of body) { chunks.push(c as Buffer); onBytes((c as Buffer).length) }
      // sync: page-cache writes of a few kB; four threadpool round trips would cost more than the writes
      writeFileSync(tmp, Buffer.concat(chunks))
      utimesSync(tmp, t, t)
      renameSync(tmp, abs)
    } else {
      body.on('data', (c: Buffer) => onBytes(c.length))
      await pipeline(body, createWriteStream(tmp))
      await utimes(tmp, t, t)
      await rename(tmp, abs)
    }
  } catch (e) {
    body.destroy()
    await rm(tmp, { force: true })
    throw e
  }
  return { etag: body.headers.etag, mtime }
}
