// atomic-s3rver: make s3rver store a PUT as S3 does, whole or not at all. s3rver writes the body straight
// under the object's final path, so a client killed mid-PUT leaves an empty or short object that S3 itself
// never shows; the kill tests must judge the toolkit, not that quirk. Import this before startS3.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

interface StoredObject { bucket: string; key: string; content: Buffer | Readable; metadata: Record<string, string> }
interface Store {
  getResourcePath(bucket: string, key: string, resource: string): string
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>
}

/** How many PUTs s3rver saw cut mid-body (and, patched, kept out of sight). */
export const cutPuts = { count: 0 }

const require = createRequire(import.meta.url)
const FilesystemStore = require('s3rver/lib/stores/filesystem.js') as { prototype: Store & { putObject(o: StoredObject): Promise<{ size: number; md5: string }> } }

FilesystemStore.prototype.putObject = async function (this: Store, object: StoredObject) {
  const final = this.getResourcePath(object.bucket, object.key, 'object')
  await mkdir(dirname(final), { recursive: true })
  const tmp = join(dirname(final), `.inflight-${process.pid}-${Math.random().toString(36).slice(2)}`)
  const md5 = createHash('md5')
  let size = 0
  const count = new Transform({ transform(c: Buffer, _e, cb) { md5.update(c); size += c.length; cb(null, c) } })
  try {
    const src = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content
    await pipeline(src, count, createWriteStream(tmp))
    await rename(tmp, final)
  } catch (e) {
    cutPuts.count++
    await rm(tmp, { force: true })
    throw e
  }
  const digest = md5.digest('hex')
  await this.putMetadata(object.bucket, object.key, object.metadata, digest)
  return { size, md5: digest }
}
