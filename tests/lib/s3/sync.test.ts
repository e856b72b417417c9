import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync, existsSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeExcluder, excludedPath, type LocalTree, walkLocal } from '../../../scripts/lib/s3/local-tree.js'
import { parseListPage, type RemoteTree } from '../../../scripts/lib/s3/listing.js'
import { formatSummary, planSync, sameVersion, syncDown, syncUp, pipelineExcludes } from '../../../scripts/lib/s3/sync.js'
import { partSize } from '../../../scripts/lib/s3/transfer.js'
import { encodeKey } from '../../../scripts/lib/s3/signer.js'
import { S3Client } from '@aws-sdk/client-s3'
import { startS3, type TestS3 } from '../../helpers/s3.js'

const MiB = 1024 * 1024

describe('makeExcluder', () => {
  const ex = makeExcluder(pipelineExcludes('sarek'))
  it.each([
    ['work', true, true],                       // the run's work dir at the folder root
    ['work', false, false],                     // a file called work is not the dir
    ['sarek/work', true, true],
    ['sarek/modules/work', true, false],        // only the known places, not any dir named work
    ['data', true, true],
    ['sarek/data', true, false],
    ['.nextflow', true, true],
    ['sarek/.nextflow.log', false, true],
    ['results', true, true],
    ['sarek/docs/output.md', false, false],
    ['nextflow.log', false, true],
    ['sarek/.main.nf.tmp-123-abcd', false, true],
    ['.staged', false, false],
    ['test.config', false, false],
  ])('%s (dir %s) excluded: %s', (rel, isDir, want) => expect(ex(rel, isDir)).toBe(want))

  it.each([
    [['a/**/c'], 'a/b/x/c', true],
    [['a/*/c'], 'a/b/x/c', false],
    [['*.txt'], 'x/y.txt', true],
    [['/y.txt'], 'x/y.txt', false],
    [['x?z'], 'd/xyz', true],
  ])('%j matches %s: %s', (pats, rel, want) => expect(makeExcluder(pats)(rel, false)).toBe(want))

  it('excludes files below an excluded directory, and our temp names', () => {
    expect(excludedPath(ex, 'data/reads/a.fq.gz')).toBe(true)
    expect(excludedPath(ex, 'sarek/conf/.test.config.tmp-42-abcdef')).toBe(true)
    expect(excludedPath(ex, 'sarek/conf/test.config')).toBe(false)
  })
})

describe('sameVersion', () => {
  const l = (size: number, mtimeMs: number) => ({ size, mtimeMs })
  const r = (size: number, mtime: number | null | undefined, lastModified = 5000) => ({ size, mtime, lastModified, etag: '"e"' })
  it.each([
    ['up', l(10, 1000.4), r(10, 1000), true],       // our metadata: exact ms
    ['up', l(10, 1001), r(10, 1000), false],        // touched
    ['up', l(10, 999), r(10, 1000), false],         // older is a change too (re-staged older release)
    ['up', l(11, 1000), r(10, 1000), false],        // size
    ['down', l(10, 1000), r(10, 1000), true],
    ['down', l(10, 2000), r(10, 1000), false],
    ['up', l(10, 4000), r(10, null), true],         // aws-cli object: local older than LastModified
    ['up', l(10, 6000), r(10, null), false],        // local edited after the upload
    ['down', l(10, 5000), r(10, null), true],       // downloaded: local mtime = LastModified
    ['down', l(10, 4000), r(10, null), false],      // remote newer
  ] as const)('%s %j vs %j → %s', (dir, a, b, want) => expect(sameVersion(dir, a, b)).toBe(want))
})

describe('planSync', () => {
  const local: LocalTree = new Map([
    ['same', { size: 1, mtimeMs: 100 }],
    ['changed', { size: 2, mtimeMs: 200 }],
    ['new', { size: 3, mtimeMs: 300 }],
    ['link', { size: 9, mtimeMs: 1, link: true }],
  ])
  const remote: RemoteTree = new Map([
    ['same', { size: 1, mtime: 100, lastModified: 0, etag: 'a' }],
    ['changed', { size: 2, mtime: 150, lastModified: 0, etag: 'b' }],
    ['gone', { size: 4, mtime: 400, lastModified: 0, etag: 'c' }],
    ['link', { size: 5, mtime: 1, lastModified: 0, etag: 'd' }],
  ])
  it('up: sends new and changed files, deletes only with --delete; an unfollowed link is not sent', () => {
    expect(planSync('up', local, remote)).toEqual({ transfer: ['changed', 'new'], skip: ['link', 'same'], delete: [], bytes: 5 })
    expect(planSync('up', local, remote, { delete: true }).delete).toEqual(['gone'])
  })
  it('down: fetches what is missing or changed, never overwrites a local link', () => {
    expect(planSync('down', local, remote, { delete: true })).toEqual({ transfer: ['changed', 'gone'], skip: ['link', 'same'], delete: ['new'], bytes: 6 })
  })
  it('no-op when both sides agree', () => {
    const p = planSync('up', new Map([['a', { size: 1, mtimeMs: 7 }]]), new Map([['a', { size: 1, mtime: 7, lastModified: 0, etag: 'x' }]]), { delete: true })
    expect(p).toEqual({ transfer: [], skip: ['a'], delete: [], bytes: 0 })
  })
})

describe('formatSummary and partSize', () => {
  it.each([
    [{ transferred: 1, bytes: 2_500_000, skipped: 3, deleted: 0, seconds: 1.26 }, 'up: 1 file (2.5 MB) transferred, 3 unchanged, 0 deleted in 1.3 s'],
    [{ transferred: 0, bytes: 0, skipped: 0, deleted: 2, seconds: 0, planned: ['delete a', 'delete b'] }, 'up: 0 files (0 B) to transfer, 0 unchanged, 2 to delete in 0.0 s'],
  ])('%j', (s, line) => expect(formatSummary('up', s)).toBe(line))
  it.each([[1, 8 * MiB], [80_000 * MiB, 8 * MiB], [100_000 * MiB, 10 * MiB]])('%d bytes → parts of %d', (size, want) => expect(partSize(size)).toBe(want))
})

describe('parseListPage', () => {
  const page = (contents: string, more = '') => `<?xml version="1.0"?><ListBucketResult><Name>b</Name>${contents}${more}</ListBucketResult>`
  const obj = (key: string, size = 3) => `<Contents><Key>${key}</Key><LastModified>2024-03-01T10:00:00.123Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>${size}</Size></Contents>`
  it.each([
    [page(obj('p/a.txt')), 'p/', { 'a.txt': { size: 3, lastModified: Date.parse('2024-03-01T10:00:00.123Z'), etag: '"abc"' } }, undefined],
    [page(obj('p/x &amp; y&#39;s &lt;1&gt;.txt', 0)), 'p/', { "x & y's <1>.txt": { size: 0, lastModified: 1709287200123, etag: '"abc"' } }, undefined],
    [page(obj('p/dir/') + obj('q/other')), 'p/', {}, undefined],   // folder markers and foreign keys ignored
    [page(obj('p/a'), '<IsTruncated>true</IsTruncated><NextContinuationToken>t+/=1</NextContinuationToken>'), 'p/', { a: { size: 3, lastModified: 1709287200123, etag: '"abc"' } }, 't+/=1'],
  ])('%#', (xml, base, want, token) => {
    const into: RemoteTree = new Map()
    expect(parseListPage(xml, base, into)).toBe(token)
    expect(Object.fromEntries(into)).toEqual(want)
  })
})

describe('encodeKey', () => {
  it.each([['a b/c+d (1)!.txt'], ["ü/ß*it's~=&$@.txt"], ['plain/path/main.nf'], ['%41;,:']])('puts %s in the path as the SDK does', async (key) => {
    const c = new S3Client({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'k', secretAccessKey: 's' } })
    let path = ''
    c.middlewareStack.add(() => async (args) => { path = (args.request as { path: string }).path; throw new Error('captured') }, { step: 'finalizeRequest' })
    await c.send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: 'x' })).catch(() => undefined)
    expect(path).toBe(`/bucket/${encodeKey(key)}`)
  })
})

describe('syncUp / syncDown against s3rver', () => {
  let s3: TestS3
  let tmp: string
  const opts = () => ({ quiet: true, cacheDir: join(tmp, 'cache') })
  beforeAll(async () => { s3 = await startS3(['bucket']); tmp = mkdtempSync(join(tmpdir(), 'nfo-sync-')) })
  afterAll(async () => { await s3.stop(); rmSync(tmp, { recursive: true, force: true }) })

  function tree(name: string, files: Record<string, string | Buffer>): string {
    const dir = join(tmp, name)
    for (const [rel, body] of Object.entries(files)) { mkdirSync(join(dir, rel, '..'), { recursive: true }); writeFileSync(join(dir, rel), body) }
    return dir
  }

  it('keeps mtime in x-amz-meta-mtime, goes multipart for big files, and a re-sync moves nothing', async () => {
    const big = Buffer.alloc(9 * MiB + 123, 7)
    const big2 = Buffer.alloc(17 * MiB, 9)   // with big.bin: 5 parts queue for 4 shared part slots
    const dir = tree('mp', { 'big.bin': big, 'big2.bin': big2, 'a/b.txt': 'hello' })
    utimesSync(join(dir, 'a/b.txt'), 1_600_000_000.123, 1_600_000_000.123)
    const s = await syncUp(s3.client, dir, 's3://bucket/mp', opts())
    expect(s).toMatchObject({ transferred: 3, bytes: big.length + big2.length + 5, skipped: 0 })
    const h = await s3.client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'mp/a/b.txt' }))
    expect(h.Metadata?.mtime).toBe('1600000000123')
    const hb = await s3.client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'mp/big.bin' }))
    expect([hb.ContentLength, hb.Metadata?.mtime]).toEqual([big.length, String(Math.round(statSync(join(dir, 'big.bin')).mtimeMs))])
    expect((await syncUp(s3.client, dir, 's3://bucket/mp', opts())).transferred).toBe(0)
    // without the cache the metadata comes from HEAD: still exact
    expect((await syncUp(s3.client, dir, 's3://bucket/mp', { ...opts(), cacheDir: false })).transferred).toBe(0)

    const out = join(tmp, 'mp-down')
    expect((await syncDown(s3.client, 's3://bucket/mp', out, opts())).transferred).toBe(3)
    expect(readFileSync(join(out, 'big.bin')).equals(big)).toBe(true)
    expect(readFileSync(join(out, 'big2.bin')).equals(big2)).toBe(true)
    expect(Math.round(statSync(join(out, 'a/b.txt')).mtimeMs)).toBe(1_600_000_000_123)
    expect((await syncDown(s3.client, 's3://bucket/mp', out, { ...opts(), cacheDir: false })).transferred).toBe(0)
  })

  it('round-trips keys with spaces, plus signs, quotes and non-ASCII names', async () => {
    const dir = tree('odd', { 'a b/c+d (1)!.txt': '1', "ü/ß*it's.txt": '2', 'x/%41.txt': '3' })
    expect((await syncUp(s3.client, dir, 's3://bucket/odd', opts())).transferred).toBe(3)
    const out = join(tmp, 'odd-down')
    expect((await syncDown(s3.client, 's3://bucket/odd', out, opts())).transferred).toBe(3)
    expect(readFileSync(join(out, "ü/ß*it's.txt"), 'utf8')).toBe('2')
    expect(readFileSync(join(out, 'x/%41.txt'), 'utf8')).toBe('3')
    expect((await syncUp(s3.client, out, 's3://bucket/odd', { ...opts(), cacheDir: false })).transferred).toBe(0)
  })

  it('objects from other tools (no metadata) are never downloaded twice', async () => {
    await s3.client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'foreign/x.txt', Body: 'abc' }))
    const out = join(tmp, 'foreign')
    expect((await syncDown(s3.client, 's3://bucket/foreign', out, opts())).transferred).toBe(1)
    expect((await syncDown(s3.client, 's3://bucket/foreign', out, { ...opts(), cacheDir: false })).transferred).toBe(0)
    expect((await syncUp(s3.client, out, 's3://bucket/foreign', { ...opts(), cacheDir: false })).transferred).toBe(0)
  })

  it('follows links on the way up: a linked dir is walked, a loop is not', async () => {
    const dir = tree('links', { 'real/f.txt': 'f', 'target.txt': 't' })
    symlinkSync('real', join(dir, 'alias'))
    symlinkSync('target.txt', join(dir, 'l.txt'))
    symlinkSync('..', join(dir, 'real', 'up'))
    symlinkSync('nowhere', join(dir, 'broken'))
    const local = await walkLocal(dir)
    expect([...local.keys()].sort()).toEqual(['alias/f.txt', 'l.txt', 'real/f.txt', 'target.txt'])
    await syncUp(s3.client, dir, 's3://bucket/links', opts())
    const got = await s3.client.send(new GetObjectCommand({ Bucket: 'bucket', Key: 'links/alias/f.txt' }))
    expect(await got.Body!.transformToString()).toBe('f')
  })

  it('--delete on down removes local extras and the dirs they leave empty; a dry run changes nothing', async () => {
    const dir = tree('del', { 'keep.txt': 'k' })
    await syncUp(s3.client, dir, 's3://bucket/del', opts())
    const out = tree('del-out', { 'keep.txt': 'old', 'x/y/extra.txt': 'e', '.nextflow.log': 'log' })
    const dry = await syncDown(s3.client, 's3://bucket/del', out, { ...opts(), delete: true, dryRun: true, exclude: ['.nextflow*'] })
    expect(dry.planned).toEqual(['download keep.txt', 'delete x/y/extra.txt'])
    expect(existsSync(join(out, 'x/y/extra.txt'))).toBe(true)
    const r = await syncDown(s3.client, 's3://bucket/del', out, { ...opts(), delete: true, exclude: ['.nextflow*'] })
    // keep.txt was not what a down left there: the local one is kept aside, and a later --delete leaves it
    expect(r.kept).toEqual([expect.stringMatching(/^down: keep\.txt was edited here; kept as keep\.txt\.local-\d{8}T\d{6}Z$/)])
    const copy = readdirSync(out).find((f) => f.startsWith('keep.txt.local-'))!
    expect(readdirSync(out).sort()).toEqual(['.nextflow.log', 'keep.txt', copy])
    expect(readFileSync(join(out, 'keep.txt'), 'utf8')).toBe('k')
    expect(readFileSync(join(out, copy), 'utf8')).toBe('old')
    expect((await syncDown(s3.client, 's3://bucket/del', out, { ...opts(), delete: true, exclude: ['.nextflow*'] })).deleted).toBe(0)
    expect(existsSync(join(out, copy))).toBe(true)
  })

  it('refuses to --delete everything when the source is empty', async () => {
    const out = tree('empty-src', { 'a.txt': 'a' })
    await expect(syncDown(s3.client, 's3://bucket/nothing-here', out, { ...opts(), delete: true })).rejects.toThrow(/is empty; refusing to --delete/)
    expect(existsSync(join(out, 'a.txt'))).toBe(true)
  })

  it.each([
    ['s3://nosuchbucket/x', /s3:\/\/nosuchbucket\/x: bucket does not exist; check S3_ROOT/],
    ['http://bucket/x', /is not an s3:\/\/bucket\/prefix URI/],
  ])('%s fails with one line', async (uri, msg) => {
    await expect(syncDown(s3.client, uri, join(tmp, 'err'), opts())).rejects.toThrow(msg)
  })
})

describe('makeS3Client: credentials from env files without writing process.env', () => {
  it('uses keys given in env (an env file, KEY=VALUE words) and leaves process.env alone', async () => {
    const { makeS3Client, credentialsFrom } = await import('../../../scripts/lib/s3/client.js')
    const before = { ...process.env }
    const c = makeS3Client({ AWS_ACCESS_KEY_ID: 'AKFROMFILE', AWS_SECRET_ACCESS_KEY: 'secret-from-file', AWS_REGION: 'eu-west-1' })
    expect(await c.config.credentials()).toMatchObject({ accessKeyId: 'AKFROMFILE', secretAccessKey: 'secret-from-file' })
    expect(await c.config.region()).toBe('eu-west-1')
    expect(process.env).toEqual(before)
    expect('credentialDefaultProvider' in credentialsFrom({ AWS_PROFILE: 'p' })).toBe(true)
    c.destroy()
  })
})
