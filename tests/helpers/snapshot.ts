// snapshot: content fingerprints of a local tree and of an S3 prefix, to prove two runs ended byte-identical.
import { createHash } from 'node:crypto'
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { join } from 'node:path'
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'

const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex').slice(0, 16)

/** path → sha256 of content (links as `-> target`), for every entry below `dir` except `skip` matches. */
export function treeSnapshot(dir: string, skip: RegExp = /^$/): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e), r = rel ? `${rel}/${e}` : e
      if (skip.test(r)) continue
      const st = lstatSync(p)
      if (st.isSymbolicLink()) out[r] = `-> ${readlinkSync(p)}`
      else if (st.isDirectory()) walk(p, r)
      else out[r] = sha(readFileSync(p))
    }
  }
  walk(dir, '')
  return out
}

/** key → sha256 of content for every object under `prefix`. */
export async function bucketSnapshot(client: S3Client, bucket: string, prefix = ''): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  let token: string | undefined
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }))
    for (const o of page.Contents ?? []) {
      const obj = await client.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key! }))
      out[o.Key!] = sha(await obj.Body!.transformToByteArray())
    }
    token = page.NextContinuationToken
  } while (token)
  return out
}
