import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeS3Client } from '../../../scripts/lib/s3/client.js'
import { SourceS3, wantsAnonymous } from '../../../scripts/lib/mirror/sources.js'
import { listSizes, probeSkip, transferOne, type TransferOptions } from '../../../scripts/lib/mirror/copy-one.js'
import { flaky, serve, type TestServer } from '../../helpers/http-server.js'
import { startS3, type TestS3 } from '../../helpers/s3.js'

let s3: TestS3, http: TestServer, o: TransferOptions
const body = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed) % 251))
const read = async (key: string, bucket = 'dest') => {
  const r = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return Buffer.from(await r.Body!.transformToByteArray())
}
const exists = (key: string) => read(key).then(() => true, () => false)

beforeAll(async () => {
  s3 = await startS3(['dest', 'ngi-igenomes'])
  await s3.client.send(new PutObjectCommand({ Bucket: 'ngi-igenomes', Key: 'testdata/genome.fasta', Body: body(3000, 3) }))
  http = await serve([
    { path: '/ref/genome.fasta', body: body(1000) },
    { path: '/flaky.fa', handler: flaky(1, (_q, res) => { res.writeHead(200, { 'content-length': 10 }).end('0123456789') }) },
    { path: '/gone.fa', status: 404, body: 'no' },
    { path: '/short.fa', handler: (_q, res) => { res.writeHead(200, { 'content-length': 100 }); res.flushHeaders(); res.write('x'.repeat(50), () => setTimeout(() => res.socket?.destroy(), 5)) } },
    { path: '/big.bin', body: body(12 << 20, 7) },
    { path: '/moved.fa', redirect: '/ref/genome.fasta' },
    { path: '/nohead.fa', handler: (req, res) => { if (req.method === 'HEAD') res.writeHead(405).end(); else res.writeHead(200, { 'content-length': 4 }).end('ACGT') } },
  ])
  const env = { ...s3.env, NF_OFFLINE_RETRY_MS: '5' }
  o = { env, dest: makeS3Client(env), sources: new SourceS3(env), partSize: 5 << 20, queueSize: 2 }
})
afterAll(async () => { o.sources.destroy(); o.dest.destroy(); await http.close(); await s3.stop() })

describe('transfer', () => {
  it('streams an http source into the key, then skips it when the size matches', async () => {
    const job = { url: `${http.url}/ref/genome.fasta`, bucket: 'dest', key: 'p/data/127.0.0.1/ref/genome.fasta' }
    const first = await transferOne(job, undefined, { ...o, hash: true })
    expect(first).toMatchObject({ size: 1000, skipped: false })
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(await read(job.key)).toEqual(body(1000))
    const sizes = await listSizes(o.dest, 'dest', 'p/data/')
    expect(sizes.get(job.key)).toBe(1000)
    const n = http.log.length
    expect(await transferOne(job, sizes.get(job.key), o)).toMatchObject({ skipped: true })
    expect(http.log.slice(n)).toEqual(['HEAD /ref/genome.fasta'])
  })

  it('copies again when the existing object has another size', async () => {
    const job = { url: `${http.url}/moved.fa`, bucket: 'dest', key: 'p/data/x/moved.fa' }
    expect(await transferOne(job, 7, o)).toMatchObject({ size: 1000, skipped: false })
  })

  it('copies again when the source refuses HEAD', async () => {
    const job = { url: `${http.url}/nohead.fa`, bucket: 'dest', key: 'p/data/x/nohead.fa' }
    expect(await transferOne(job, undefined, o)).toMatchObject({ size: 4, skipped: false })
    expect(await transferOne(job, 4, o)).toMatchObject({ size: 4, skipped: false })
  })

  it('retries a 503 and succeeds', async () => {
    const job = { url: `${http.url}/flaky.fa`, bucket: 'dest', key: 'p/data/x/flaky.fa' }
    expect(await transferOne(job, undefined, o)).toMatchObject({ size: 10 })
    expect((await read(job.key)).toString()).toBe('0123456789')
  })

  it('copies from a source bucket', async () => {
    const job = { url: 's3://ngi-igenomes/testdata/genome.fasta', bucket: 'dest', key: 'p/data/ngi-igenomes/testdata/genome.fasta' }
    expect(await transferOne(job, undefined, o)).toMatchObject({ size: 3000 })
    expect(await read(job.key)).toEqual(body(3000, 3))
    expect(await transferOne(job, 3000, o)).toMatchObject({ skipped: true })
  })

  it('fails at once on a 404, naming the URL', async () => {
    const job = { url: `${http.url}/gone.fa`, bucket: 'dest', key: 'p/data/x/gone.fa' }
    const n = http.log.length
    await expect(transferOne(job, undefined, o)).rejects.toThrow(/gone.fa: HTTP 404/)
    expect(http.log.length - n).toBe(1)
  })

  it('never leaves a short body under the key (retried, then one clear error)', async () => {
    const job = { url: `${http.url}/short.fa`, bucket: 'dest', key: 'p/data/x/short.fa' }
    await expect(transferOne(job, undefined, { ...o, attempts: 2 })).rejects.toThrow(/short\.fa/)
    expect(await exists(job.key)).toBe(false)
  })

  it('uploads a multipart file whole', async () => {
    const job = { url: `${http.url}/big.bin`, bucket: 'dest', key: 'p/data/x/big.bin' }
    expect(await transferOne(job, undefined, o)).toMatchObject({ size: 12 << 20 })
    expect((await read(job.key)).equals(body(12 << 20, 7))).toBe(true)
  })

  it('uploads generated content and skips it when unchanged', async () => {
    const job = { url: 'https://h.org/list.txt', bucket: 'dest', key: 'p/data/h.org/list.txt', body: Buffer.from('a,s3://d/x\n') }
    expect(await transferOne(job, undefined, o)).toMatchObject({ skipped: false, size: 11 })
    expect(await transferOne(job, 11, o)).toMatchObject({ skipped: true })
    const etags = new Map<string, string>()
    await listSizes(o.dest, 'dest', 'p/data/h.org/', etags)
    expect(await probeSkip(job, 11, o, etags.get(job.key))).toMatchObject({ skipped: true })
    expect(await probeSkip({ ...job, body: Buffer.from('a,s3://d/y\n') }, 11, o, etags.get(job.key))).toBeUndefined()   // same size, other text
  })

  it('fetches through SOURCE_REWRITE while the key stays the original', async () => {
    const env = { ...o.env, SOURCE_REWRITE: `https://raw.example.org=>${http.url}/ref` }
    const job = { url: 'https://raw.example.org/genome.fasta', bucket: 'dest', key: 'p/data/raw.example.org/genome.fasta' }
    expect(await transferOne(job, undefined, { ...o, env })).toMatchObject({ size: 1000 })
  })

  it('reads source buckets from SOURCE_S3_ENDPOINT_URL when they live elsewhere than S3_ROOT', async () => {
    const other = await startS3(['ngi-igenomes'])
    try {
      await other.client.send(new PutObjectCommand({ Bucket: 'ngi-igenomes', Key: 'elsewhere/x.fa', Body: body(77) }))
      const env = { ...o.env, SOURCE_S3_ENDPOINT_URL: other.endpoint }
      const sources = new SourceS3(env)
      const job = { url: 's3://ngi-igenomes/elsewhere/x.fa', bucket: 'dest', key: 'p/data/ngi-igenomes/elsewhere/x.fa' }
      expect(await transferOne(job, undefined, { ...o, env, sources })).toMatchObject({ size: 77 })
      sources.destroy()
      await expect(transferOne(job, undefined, o)).rejects.toThrow(/elsewhere\/x.fa: not found/)
    } finally { await other.stop() }
  })

  it('falls back to unsigned requests when a bucket refuses our credentials, and remembers it', async () => {
    const sources = new SourceS3(o.env)
    let calls = 0
    const get = (c: import('@aws-sdk/client-s3').S3Client) => {
      calls++
      if (calls === 1) throw Object.assign(new Error('denied'), { name: 'AccessDenied' })
      return c.send(new GetObjectCommand({ Bucket: 'ngi-igenomes', Key: 'testdata/genome.fasta' })).then((r) => r.ContentLength)
    }
    expect(await sources.with('ngi-igenomes', get)).toBe(3000)   // the unsigned client really reads (s3rver allows it)
    expect(await sources.with('ngi-igenomes', get)).toBe(3000)
    expect(calls).toBe(3)   // signed once, then unsigned twice: the bucket is remembered as public
    await expect(sources.with('dest', () => { throw Object.assign(new Error('gone'), { name: 'NoSuchKey' }) })).rejects.toThrow('gone')
    sources.destroy()
  })

  it.each([
    [{ name: 'AccessDenied' }, true], [{ $metadata: { httpStatusCode: 403 } }, true], [{ name: 'CredentialsProviderError' }, true],
    [{ name: 'NoSuchKey' }, false], [{ name: 'NoSuchBucket' }, false],
  ])('%j → unsigned retry %s', (err, yes) => expect(wantsAnonymous(err)).toBe(yes))
})
