// State belongs to a revision: files made from one release are reset by staging another and refused by check, run and up.
import { existsSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { RAW, dataHost } from './mirror-setup.js'

let gh: TestServer, http: TestServer, s3: TestS3, env: Record<string, string>
const SHEET = `sample,fastq_1\nS1,${RAW}/basic/reads/s1.fq.gz\nS2,${RAW}/basic/reads/s2.fq.gz\n`

beforeAll(async () => {
  const [a, b] = await Promise.all(['3.18.0', '3.10'].map((rev) => packRelease('basic', 'basic', rev)))
  gh = await serve(githubRoutes('basic', [{ rev: '3.18.0', archive: a }, { rev: '3.10', archive: b }]))
  http = await dataHost([{ path: '/raw/basic/samplesheet/samplesheet_test.csv', body: SHEET }])
  s3 = await startS3(['dest'])
  env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url, ...s3.env, S3_ROOT: 's3://dest/offline', SOURCE_REWRITE: `https://raw.githubusercontent.com/nf-core/test-datasets=>${http.url}/raw` }
})
afterAll(async () => { await gh.close(); await http.close(); await s3.stop() })

/** A project with basic 3.18.0 staged, mirrored and its images listed. */
async function mirrored(): Promise<Project> {
  const p = tmpProject()
  const e = { ...env, OFFLINE_DIR: join(p.root, 'offline') }
  for (const args of [['stage', 'basic', '3.18.0'], ['mirror', 'basic'], ['images', 'basic']]) {
    const r = await p.just(args, { env: e })
    expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0)
  }
  return p
}

describe('state belongs to the staged revision', () => {
  it('records the release each derived file was made for, in the block of test.config and in .derived.json', async () => {
    const p = await mirrored()
    try {
      const dir = join(p.root, 'pipelines/basic')
      expect(readFileSync(join(dir, 'test.config'), 'utf8')).toMatch(/\n\/\/ made for nf-core\/basic 3\.18\.0; /)
      const rec = JSON.parse(readFileSync(join(dir, '.derived.json'), 'utf8'))
      expect(Object.keys(rec)).toEqual(['images.txt', 'inputs3.csv', 'test.config'])
      for (const f of Object.keys(rec)) expect(rec[f]).toMatchObject({ revision: '3.18.0', commit: '' })
      const r = await p.just(['check', '--data'], { cwd: 'pipelines/basic', env: { ...env, OFFLINE_DIR: join(p.root, 'offline') } })
      expect(r.stdout).toMatch(/\nready: all \d+ checks passed\n$/)
    } finally { p.cleanup() }
  })

  it('mirror 3.18.0, stage 3.10: test.config is reset (old one kept), inputs3.csv and images.txt go, one line each', async () => {
    const p = await mirrored()
    try {
      const dir = join(p.root, 'pipelines/basic')
      const old = readFileSync(join(dir, 'test.config'), 'utf8')
      const r = await p.just(['stage', 'basic', '3.10'], { env })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout.split('\n').filter((l) => l && !/^(staged|linked): ?/.test(l) && !l.startsWith('staged '))).toEqual([
        "test.config: now 3.10's own; 3.18.0's kept as test.config.3.18.0; run: just mirror basic",
        'inputs3.csv: removed (made for 3.18.0); run: just mirror basic',
        'images.txt: removed (made for 3.18.0); run: just images basic',
      ])
      expect(readFileSync(join(dir, 'test.config.3.18.0'), 'utf8')).toBe(old)
      expect(readFileSync(join(dir, 'test.config'), 'utf8')).toBe(readFileSync(join(dir, 'basic/conf/test.config.orig'), 'utf8'))
      expect(readlinkSync(join(dir, 'basic/conf/test.config'))).toBe('../../test.config')
      expect(existsSync(join(dir, 'inputs3.csv')) || existsSync(join(dir, 'images.txt'))).toBe(false)
      expect(existsSync(join(dir, 'basic/inputs3.csv'))).toBe(false)
      // the seen case: nothing left says ready, and an offline run refuses the un-mirrored test.config
      const e = { ...env, OFFLINE_DIR: join(p.root, 'offline') }
      const check = await p.just(['check', '--data'], { cwd: 'pipelines/basic', env: e })
      expect(check.code).toBe(1)
      expect(check.stdout + check.stderr).not.toMatch(/(^|\n)ready: /)
      const run = await p.just(['run'], { cwd: 'pipelines/basic', env: e })
      expect(run.code).toBe(1)
      expect(run.stderr).toBe("run: pipelines/basic/test.config is nf-core/basic 3.10's own: its test data is not mirrored; run: just mirror basic\n")
      // a second stage changes nothing and says nothing more
      const again = await p.just(['stage', 'basic', '3.10'], { env })
      expect(again.stdout).toMatch(/already staged.*\n$/)
      expect(again.stdout.split('\n')).toHaveLength(2)
    } finally { p.cleanup() }
  })

  it('derived files from 3.18.0 beside 3.10 (as a copy or a sync would leave them): check --data is not ready; run and up refuse', async () => {
    const p = await mirrored()
    try {
      const dir = join(p.root, 'pipelines/basic')
      const keep = Object.fromEntries(['test.config', 'inputs3.csv', 'images.txt', '.derived.json'].map((f) => [f, readFileSync(join(dir, f))]))
      expect((await p.just(['stage', 'basic', '3.10'], { env })).code).toBe(0)
      for (const [f, b] of Object.entries(keep)) writeFileSync(join(dir, f), b)   // the seen case: old state beside new code
      const e = { ...env, OFFLINE_DIR: join(p.root, 'offline') }
      const check = await p.just(['check', '--data'], { cwd: 'pipelines/basic', env: e })
      expect(check.code).toBe(1)
      expect(check.stdout).toContain('[revision]\n✗ test.config: was made for 3.18.0 but 3.10 is staged; run: just mirror basic\n')
      expect(check.stdout).toContain('✗ images.txt: was made for 3.18.0 but 3.10 is staged; run: just images basic\n')
      expect(check.stdout).toMatch(/\nnot ready: 3 of \d+ checks failed\n$/)
      const run = await p.just(['run'], { cwd: 'pipelines/basic', env: e })
      expect(run.code).toBe(1)
      expect(run.stderr).toBe('run: pipelines/basic/test.config was made for 3.18.0 but 3.10 is staged (so were inputs3.csv); run: just mirror basic\n')
      const up = await p.just(['up'], { cwd: 'pipelines/basic', env: e })
      expect(up.code).toBe(1)
      expect(up.stderr).toBe('up: pipelines/basic/test.config was made for 3.18.0 but 3.10 is staged (so were inputs3.csv, images.txt); run: just mirror basic\n')
      // the named commands make them again, after which all three accept
      for (const args of [['mirror', 'basic'], ['images', 'basic']]) expect((await p.just(args, { env: e })).code).toBe(0)
      expect((await p.just(['check', '--data'], { cwd: 'pipelines/basic', env: e })).stdout).toMatch(/\nready: /)
      expect((await p.just(['up'], { cwd: 'pipelines/basic', env: e })).code).toBe(0)
    } finally { p.cleanup() }
  })

  it('a derived file nobody recorded is refused too (made for an unknown release)', async () => {
    const p = await mirrored()
    try {
      writeFileSync(join(p.root, 'pipelines/basic/images.txt'), 'quay.io/x/y:1\n')
      const dir = join(p.root, 'pipelines/basic')
      const rec = JSON.parse(readFileSync(join(dir, '.derived.json'), 'utf8'))
      delete rec['images.txt']
      writeFileSync(join(dir, '.derived.json'), JSON.stringify(rec))
      const up = await p.just(['up', '--dry-run'], { cwd: 'pipelines/basic', env })
      expect(up.stderr).toBe('up: pipelines/basic/images.txt was made for an unknown release but 3.18.0 is staged; run: just images basic\n')
    } finally { p.cleanup() }
  })

  it('mirror and images twice rewrite nothing: same mtimes, and the next up transfers nothing', async () => {
    const p = await mirrored()
    try {
      const dir = join(p.root, 'pipelines/basic')
      const e = { ...env, OFFLINE_DIR: join(p.root, 'offline') }
      expect((await p.just(['up'], { cwd: 'pipelines/basic', env: e })).code).toBe(0)
      const files = ['test.config', 'inputs3.csv', 'images.txt', '.derived.json']
      const before = files.map((f) => statSync(join(dir, f)).mtimeMs)
      await new Promise((r) => setTimeout(r, 20))
      for (const args of [['mirror', 'basic'], ['images', 'basic']]) expect((await p.just(args, { env: { ...env, OFFLINE_DIR: join(p.root, 'offline') } })).code).toBe(0)
      expect(files.map((f) => statSync(join(dir, f)).mtimeMs)).toEqual(before)
      expect((await p.just(['up'], { cwd: 'pipelines/basic', env: e })).stdout).toMatch(/: 0 files \(0 B\) transferred, \d+ unchanged/)
    } finally { p.cleanup() }
  })
})
