import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import { appendFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort, serve, type TestServer } from '../helpers/http-server.js'
import { killAfter } from '../helpers/kill.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { recordDerived } from '../../scripts/lib/stage/derived.js'

let gh: TestServer
let s3: TestS3
let ghEnv: Record<string, string>

beforeAll(async () => {
  gh = await serve(githubRoutes('basic', [{ rev: '1.0', archive: await packRelease('basic', 'basic', '1.0') }]))
  ghEnv = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
  s3 = await startS3(['bucket'])
})
afterAll(async () => { await gh.close(); await s3.stop() })

/** A Dev project with basic 1.0 staged, an inputs3.csv, and run leftovers that must not travel. */
async function devProject(): Promise<Project> {
  const p = tmpProject()
  expect((await p.just(['stage', 'basic', '1.0'], { env: ghEnv })).code).toBe(0)
  const dir = join(p.root, 'pipelines/basic')
  writeFileSync(join(dir, 'inputs3.csv'), 'sample,fastq_1\nS1,s3://bucket/root/basic/data/a.fq.gz\n')
  writeFileSync(join(dir, 'images.txt'), 'quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0\n')
  for (const f of ['inputs3.csv', 'images.txt']) recordDerived(dir, f, undefined, readFileSync(join(dir, f)))   // as mirror and images record them
  expect((await p.just(['stage', 'basic', '1.0'], { env: ghEnv })).code).toBe(0)   // links inputs3.csv
  for (const f of ['work/ab/123/.command.sh', 'results/multiqc.html', '.nextflow/history', '.nextflow.log', 'basic/.nextflow.log.1', 'data/local.fq', 'basic/work/x', 'run.log']) {
    mkdirSync(join(dir, f, '..'), { recursive: true })
    writeFileSync(join(dir, f), 'leftover')
  }
  return p
}

const keys = async (prefix: string) => {
  const r = await s3.client.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: prefix }))
  return (r.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort()
}

/** Every path under `dir` (not following links) → 'link:<target>' or the file's bytes, skipping `skip`. */
function snapshot(dir: string, skip: RegExp): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name
      if (skip.test(r)) continue
      const st = lstatSync(join(dir, r))
      if (st.isSymbolicLink()) out[r] = `link:${readlinkSync(join(dir, r))}`
      else if (st.isDirectory()) walk(r)
      else out[r] = `${readFileSync(join(dir, r), 'utf8')}@${Math.round(st.mtimeMs)}`
    }
  }
  walk('')
  return out
}

describe('just up / just down', () => {
  it('round trip: up, no-op, one change, --dry-run, --delete; down reproduces the folder with its links', async () => {
    const dev = await devProject()
    const prod = tmpProject()
    const env = { ...s3.env, S3_ROOT: 's3://bucket/rt' }
    try {
      await s3.client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'rt/basic/data/a.fq.gz', Body: 'reads' }))
      const up = (...a: string[]) => dev.just(['up', ...a], { cwd: 'pipelines/basic', env })

      // first up: code, env files, links as files; no leftovers, nothing into data/
      const r1 = await up()
      expect(r1.stderr).toBe('')
      expect(r1.code).toBe(0)
      const sent = await keys('rt/basic/')
      expect(r1.stdout).toMatch(new RegExp(`^up basic → s3://bucket/rt/basic: ${sent.length - 1} files \\(.*\\) transferred, 0 unchanged, 0 deleted in `, 'm'))
      // one record line per file moved, as aws s3 sync prints them (no TTY here)
      expect(r1.stdout.split('\n').filter((l) => l.startsWith('upload: '))).toHaveLength(sent.length - 1)
      expect(r1.stdout).toMatch(/^upload: basic\/main\.nf to s3:\/\/bucket\/rt\/basic\/basic\/main\.nf$/m)
      expect(sent).toEqual(expect.arrayContaining(['.staged', 'Pipeline-ENV', 'basic/ENV', 'basic/conf/test.config', 'basic/conf/test.config.orig',
        'basic/inputs3.csv', 'basic/justfile', 'basic/main.nf', 'data/a.fq.gz', 'images.txt', 'inputs3.csv', 'justfile', 'test.config']))
      expect(sent.filter((k) => /work\/|results\/|\.nextflow|\.log|data\/local/.test(k))).toEqual([])
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'rt/basic/basic/main.nf' }))
      expect(head.Metadata?.mtime).toBe(String(Math.round(statSync(join(dev.root, 'pipelines/basic/basic/main.nf')).mtimeMs)))

      // no-op, then exactly the changed file
      expect((await up()).stdout).toMatch(/: 0 files \(0 B\) transferred, \d+ unchanged, 0 deleted/)
      appendFileSync(join(dev.root, 'pipelines/basic/basic/main.nf'), '\n// edited\n')
      expect((await up()).stdout).toMatch(/: 1 file \(.*\) transferred/)

      // --dry-run --delete prints the plan and changes nothing; --delete removes it, data/ stays
      rmSync(join(dev.root, 'pipelines/basic/images.txt'))
      const dry = await up('--dry-run', '--delete')
      expect(dry.stdout.split('\n').filter((l) => /^(upload|delete) /.test(l))).toEqual(['delete images.txt'])
      expect(await keys('rt/basic/')).toContain('images.txt')
      const del = await up('--delete')
      expect(del.stdout).toMatch(/0 files \(0 B\) transferred, \d+ unchanged, 1 deleted/)
      expect(await keys('rt/basic/')).not.toContain('images.txt')
      expect(await keys('rt/basic/data/')).toEqual(['a.fq.gz'])

      // down on "Prod": the same folder, links included, mtimes kept; data/ stays on S3
      const r2 = await prod.script('down', ['PIPELINE=basic'], { env })
      expect(r2.stderr).toBe('')
      expect(r2.code).toBe(0)
      expect(r2.stdout).toMatch(/^down basic ← s3:\/\/bucket\/rt\/basic: \d+ files .* transferred, 0 unchanged/m)
      expect(r2.stdout).toMatch(/linked: .*basic\/conf\/test\.config/)
      const skip = /^(work|results|data|\.nextflow.*|.*\.log.*|basic\/work)$/
      const want = snapshot(join(dev.root, 'pipelines/basic'), skip)
      expect(snapshot(join(prod.root, 'pipelines/basic'), skip)).toEqual(want)
      expect(want['basic/conf/test.config']).toBe('link:../../test.config')
      expect(want['basic/inputs3.csv']).toBe('link:../inputs3.csv')
      expect(existsSync(join(prod.root, 'pipelines/basic/data'))).toBe(false)

      // no-op down through just, from the folder; links stay links
      const r3 = await prod.just(['down'], { cwd: 'pipelines/basic', env })
      expect(r3.code).toBe(0)
      expect(r3.stdout).toMatch(/: 0 files \(0 B\) transferred/)
      expect(r3.stdout).not.toMatch(/linked:/)
      expect(snapshot(join(prod.root, 'pipelines/basic'), skip)).toEqual(want)
    } finally { dev.cleanup(); prod.cleanup() }
  })

  it('down keeps a file edited on Prod as <file>.local-<stamp>, one line; unedited files are replaced quietly', async () => {
    const dev = await devProject()
    const prod = tmpProject()
    const env = { ...s3.env, S3_ROOT: 's3://bucket/edits' }
    try {
      expect((await dev.just(['up'], { cwd: 'pipelines/basic', env })).code).toBe(0)
      expect((await prod.script('down', ['PIPELINE=basic'], { env })).code).toBe(0)
      const here = join(prod.root, 'pipelines/basic')
      appendFileSync(join(here, 'test.config'), '// tweaked on Prod\n')
      const edited = readFileSync(join(here, 'test.config'), 'utf8')
      appendFileSync(join(dev.root, 'pipelines/basic/basic/main.nf'), '\n// changed on Dev\n')
      expect((await dev.just(['up'], { cwd: 'pipelines/basic', env })).code).toBe(0)

      const r = await prod.just(['down'], { cwd: 'pipelines/basic', env })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const kept = r.stdout.split('\n').filter((l) => l.includes('edited here'))
      expect(kept).toEqual([expect.stringMatching(/^down: test\.config was edited here; kept as test\.config\.local-\d{8}T\d{6}Z$/)])
      const copy = kept[0].split(' kept as ')[1]
      expect(readFileSync(join(here, copy), 'utf8')).toBe(edited)
      expect(readFileSync(join(here, 'test.config'), 'utf8')).toBe(readFileSync(join(dev.root, 'pipelines/basic/test.config'), 'utf8'))
      expect(readFileSync(join(here, 'basic/main.nf'), 'utf8')).toMatch(/changed on Dev/)
      // the next down has nothing to replace and keeps the copy, even with --delete
      const again = await prod.just(['down', '--delete'], { cwd: 'pipelines/basic', env })
      expect(again.stdout).toMatch(/: 0 files \(0 B\) transferred, \d+ unchanged, 0 deleted/)
      expect(existsSync(join(here, copy))).toBe(true)
    } finally { dev.cleanup(); prod.cleanup() }
  })

  it('down makes link paths links before any download: a run cut midway leaves no copy under a link\'s name', async () => {
    const dev = await devProject()
    const prod = tmpProject()
    writeFileSync(join(dev.root, 'pipelines/basic/basic/z'), 'z')   // the smallest file: fetched last, and refused
    const proxy = createServer((req, res) => {
      if (req.method === 'GET' && req.url?.startsWith('/bucket/cut/basic/basic/z')) {
        res.writeHead(403, { 'content-type': 'application/xml' }).end('<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>denied</Message></Error>')
        return
      }
      const up = new URL(s3.endpoint)
      req.pipe(httpRequest({ host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers }, (r) => { res.writeHead(r.statusCode!, r.headers); r.pipe(res) }))
    })
    await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok))
    const env = { ...s3.env, S3_ROOT: 's3://bucket/cut', S3_CONCURRENCY: '1' }
    try {
      expect((await dev.just(['up'], { cwd: 'pipelines/basic', env })).code).toBe(0)
      mkdirSync(join(prod.root, 'pipelines/basic'))
      const r = await prod.script('down', ['PIPELINE=basic'], { env: { ...env, AWS_ENDPOINT_URL: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` } })
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^down: .*basic\/z.*\n$/)
      const here = join(prod.root, 'pipelines/basic')
      expect(readFileSync(join(here, 'basic/main.nf'), 'utf8')).toBe(readFileSync(join(dev.root, 'pipelines/basic/basic/main.nf'), 'utf8'))   // the cut came late
      for (const [rel, target] of Object.entries({ justfile: '../pipeline.just', 'basic/ENV': '../Pipeline-ENV', 'basic/justfile': '../justfile', 'basic/conf/test.config': '../../test.config', 'basic/inputs3.csv': '../inputs3.csv' })) {
        expect(lstatSync(join(here, rel)).isSymbolicLink(), rel).toBe(true)
        expect(readlinkSync(join(here, rel))).toBe(target)
      }
    } finally { proxy.close(); dev.cleanup(); prod.cleanup() }
  })

  it('a kill -9 mid-upload or mid-download: the re-run finishes without redoing finished files, nothing partial', async () => {
    const dev = await devProject()
    const prod = tmpProject()
    const env = { ...s3.env, S3_ROOT: 's3://bucket/kill' }
    const slow = { ...env, S3_CONCURRENCY: '2' }   // the cut runs: slow enough to be cut midway
    try {
      const bulk = join(dev.root, 'pipelines/basic/basic/assets/bulk')
      mkdirSync(bulk, { recursive: true })
      for (let i = 0; i < 600; i++) writeFileSync(join(bulk, `f${i}.txt`), `${i}`.repeat(1000))
      expect(await killAfter(dev, 'up', [], 700, { cwd: 'pipelines/basic', env: slow })).toBe(true)
      const done = (await keys('kill/basic/')).length
      const r = await dev.script('up', [], { cwd: 'pipelines/basic', env })
      expect(r.code).toBe(0)
      const total = (await keys('kill/basic/')).length
      expect(done).toBeLessThan(total)
      const [, sent, kept] = /: (\d+) files? .* transferred, (\d+) unchanged/.exec(r.stdout)!.map(Number)
      expect(sent + kept).toBe(total)
      // what the cut run finished is not sent again (s3rver, unlike S3, may keep the PUTs cut mid-body: 2 in flight)
      expect(kept).toBeGreaterThanOrEqual(done - 2)

      mkdirSync(join(prod.root, 'pipelines/basic'))
      expect(await killAfter(prod, 'down', ['PIPELINE=basic'], 700, { env: slow })).toBe(true)
      const got = join(prod.root, 'pipelines/basic/basic/assets/bulk')
      for (const f of existsSync(got) ? readdirSync(got) : []) {
        if (f.includes('.tmp-')) continue   // the temp names of the cut run: never under a final name
        expect(readFileSync(join(got, f), 'utf8')).toBe(readFileSync(join(bulk, f), 'utf8'))
      }
      const r2 = await prod.script('down', ['PIPELINE=basic'], { env })
      expect(r2.code).toBe(0)
      expect(readdirSync(got).filter((f) => f.includes('.tmp-'))).toEqual([])
      expect(readdirSync(got)).toHaveLength(600)
    } finally { dev.cleanup(); prod.cleanup() }
  })

  it.each([
    [{ S3_ROOT: '' }, /^up: S3_ROOT is not set; add it to env\/System-ENV or export it$/],
    [{ S3_ROOT: 'bucket/x' }, /^up: S3_ROOT 'bucket\/x' is not an s3:\/\/bucket\/prefix URI$/],
    [{ S3_ROOT: 's3://no-such-bucket/x' }, /^up: s3:\/\/no-such-bucket\/x\/basic: bucket does not exist; check S3_ROOT$/],
  ])('up with %j fails with one line', async (extra, msg) => {
    const p = tmpProject()
    try {
      expect((await p.just(['stage', 'basic', '1.0'], { env: ghEnv })).code).toBe(0)
      const sys = join(p.root, 'env/System-ENV')
      if (extra.S3_ROOT === '') writeFileSync(sys, readFileSync(sys, 'utf8').replace(/^export S3_ROOT=.*$/m, ''))
      const r = await p.just(['up'], { cwd: 'pipelines/basic', env: { ...s3.env, ...extra } })
      expect(r.code).toBe(1)
      expect(r.stderr.trim()).toMatch(msg)
    } finally { p.cleanup() }
  })

  it('down says what to do when S3 has nothing, or cannot be reached', async () => {
    const p = tmpProject()
    try {
      mkdirSync(join(p.root, 'pipelines/basic'))
      symlinkSync('../pipeline.just', join(p.root, 'pipelines/basic/justfile'))
      const r = await p.just(['down'], { cwd: 'pipelines/basic', env: { ...s3.env, S3_ROOT: 's3://bucket/empty' } })
      expect(r.stderr.trim()).toBe('down: nothing under s3://bucket/empty/basic; run `just up basic` on the Dev host first')
      const dead = `http://127.0.0.1:${await closedPort()}`
      const r2 = await p.just(['down'], { cwd: 'pipelines/basic', env: { ...s3.env, S3_ROOT: 's3://bucket/x', AWS_ENDPOINT_URL: dead} })
      expect(r2.stderr.trim()).toBe('down: s3://bucket/x/basic: cannot reach S3 (ECONNREFUSED); check AWS_ENDPOINT_URL and the network')
    } finally { p.cleanup() }
  })
})
