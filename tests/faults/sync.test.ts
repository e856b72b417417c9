// Reliability of `up` and `down`: kill -9 at seeded random points, transient S3 faults, permanent 403/404 in one line.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { faultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { killCampaign, killRun } from '../helpers/kill.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { bucketSnapshot, treeSnapshot } from '../helpers/snapshot.js'
import { cutPuts } from './atomic-s3rver.js'
import { record } from './record.js'
import { recordDerived } from '../../scripts/lib/stage/derived.js'
import { emptyPrefix, refusingS3, stageFaultsPipeline, sum, Tally, tempsUnder } from './workloads.js'

const NAME = 'faults'
const FILES = 60   // 2–30 KiB each, plus one of 9 MiB (a multipart upload)
const TMP = /(^|\/)\.[^/]*\.tmp-\d+-/
const CWD = `pipelines/${NAME}`
let s3: TestS3, dev: Project, prod: Project, env: Record<string, string>
let wantBucket: Record<string, string>, wantTree: Record<string, string>

const snapBucket = () => bucketSnapshot(s3.client, 'bucket', 'rel/')
const prodDir = () => join(prod.root, CWD)
const snapProd = () => existsSync(prodDir()) ? treeSnapshot(prodDir(), TMP) : {}

beforeAll(async () => {
  s3 = await startS3(['bucket'])
  env = { ...s3.env, S3_ROOT: 's3://bucket/rel', S3_CONCURRENCY: '4' }
  dev = tmpProject()
  prod = tmpProject()
  const dir = stageFaultsPipeline(dev, NAME)
  const bulk = join(dir, NAME, 'assets', 'bulk')
  for (let d = 0; d < 12; d++) mkdirSync(join(bulk, `d${d}`), { recursive: true })
  for (let i = 0; i < FILES; i++) writeFileSync(join(bulk, `d${i % 12}`, `f${i}.txt`), `${i} `.repeat(1000 + (i * 7919) % 9000))
  writeFileSync(join(dir, NAME, 'assets', 'big.bin'), Buffer.alloc(9 << 20, 'nf-offline '))
  writeFileSync(join(dir, 'inputs3.csv'), 'sample,fastq_1\nS1,s3://bucket/rel/faults/data/a.fq.gz\n')
  recordDerived(dir, 'inputs3.csv', '1.0.0', readFileSync(join(dir, 'inputs3.csv')))   // as mirror records it
  const up = await dev.script('up', [], { cwd: CWD, env })
  if (up.code !== 0) throw new Error(up.stderr)
  wantBucket = await snapBucket()
  const down = await prod.script('down', [`PIPELINE=${NAME}`], { env })
  if (down.code !== 0) throw new Error(down.stderr)
  wantTree = snapProd()
  expect(Object.keys(wantBucket).length).toBeGreaterThan(FILES)
}, 120_000)
// the fault proxies' keep-alive sockets to s3rver can keep its close() waiting: do not hang the suite on it
afterAll(async () => { dev.cleanup(); prod.cleanup(); await Promise.race([s3.stop(), new Promise((r) => setTimeout(r, 3000))]) })

describe('up: kill -9', () => {
  it('seeded kills over the whole run (S3 answers 10 ms late), at least 4 mid-work: only whole objects under final keys; every re-run completes with the clean run\'s bucket', async () => {
    // a warm run from scratch, timed through the same slow endpoint, sets the first span the kills fall in
    const slow = await faultProxy(s3.endpoint, { seed: 1, rate: 1, kinds: ['slow'], slowMs: 10 })
    const senv = { ...env, AWS_ENDPOINT_URL: slow.url }
    await emptyPrefix(s3.client, 'bucket', 'rel/')
    const timed = await dev.script('up', [], { cwd: CWD, env: senv })
    expect(timed.code, timed.stderr).toBe(0)
    const cut0 = cutPuts.count
    const tally = new Tally()
    const total = Object.keys(wantBucket).length
    const c = await killCampaign({
      name: 'up', spanMs: timed.ms, minMidWork: 4, maxRuns: 50,
      run: async (run, ms) => {
        if (run % 4 !== 3) await emptyPrefix(s3.client, 'bucket', 'rel/')
        const k = await killRun(dev, 'up', [], ms, { cwd: CWD, env: senv })
        const got = await snapBucket()
        tally.afterKill(got, wantBucket, `bucket after kill ${run} (${ms} ms)`)
        const n = Object.keys(got).length
        const r = await dev.script('up', [], { cwd: CWD, env })
        expect(r.code, r.stderr).toBe(0)
        expect(r.stderr).toBe('')
        tally.afterRerun(await snapBucket(), wantBucket, `bucket after the re-run of kill ${run}`)
        return { killed: k.killed, midWork: k.killed && n > 0 && n < total, ranMs: k.ms }
      },
    })
    await slow.close()
    const cut = cutPuts.count - cut0
    console.log(`up: ${cut} PUTs cut mid-body`)
    record('up', { killRuns: c.runs, killsLanded: c.landed, killsMidWork: c.midWork, putsCutMidBody: cut, lost: tally.lost, corrupted: tally.corrupted, seed: c.seed })
  })
})

describe('down: kill -9', () => {
  it('seeded kills over the whole run (S3 answers 10 ms late), at least 4 mid-work: only whole files under final names; every re-run completes with the clean run\'s tree', async () => {
    const slow = await faultProxy(s3.endpoint, { seed: 1, rate: 1, kinds: ['slow'], slowMs: 10 })
    const senv = { ...env, AWS_ENDPOINT_URL: slow.url }
    rmSync(prodDir(), { recursive: true, force: true }); mkdirSync(prodDir(), { recursive: true })
    const timed = await prod.script('down', [`PIPELINE=${NAME}`], { env: senv })
    expect(timed.code, timed.stderr).toBe(0)
    const tally = new Tally()
    const total = Object.keys(wantTree).length
    const c = await killCampaign({
      name: 'down', spanMs: timed.ms, minMidWork: 4, maxRuns: 50,
      run: async (run, ms) => {
        if (run % 4 !== 3) { rmSync(prodDir(), { recursive: true, force: true }); mkdirSync(prodDir(), { recursive: true }) }
        const k = await killRun(prod, 'down', [`PIPELINE=${NAME}`], ms, { env: senv })
        const got = snapProd()
        // a link path is a link from the start (or absent): never a copy of what up sent in its place
        tally.afterKill(got, wantTree, `tree after kill ${run} (${ms} ms)`)
        const n = Object.keys(got).length
        const r = await prod.script('down', [`PIPELINE=${NAME}`], { env })
        expect(r.code, r.stderr).toBe(0)
        expect(r.stderr).toBe('')
        tally.afterRerun(snapProd(), wantTree, `tree after the re-run of kill ${run}`)
        expect(tempsUnder(prodDir())).toEqual([])
        return { killed: k.killed, midWork: k.killed && n > 0 && n < total, ranMs: k.ms }
      },
    })
    await slow.close()
    record('down', { killRuns: c.runs, killsLanded: c.landed, killsMidWork: c.midWork, lost: tally.lost, corrupted: tally.corrupted, seed: c.seed })
  })
})

describe('up / down: transient S3 faults', () => {
  let proxy: FaultProxy
  beforeAll(async () => { proxy = await faultProxy(s3.endpoint, { seed: 31, rate: 0.1, kinds: ['500', '503', 'reset', 'slow'], maxInARow: 3, slowMs: 150 }) })
  afterAll(() => proxy.close())

  it('up then down through 500/503/resets/slow answers: both complete, nothing lost', async () => {
    const fenv = { ...env, AWS_ENDPOINT_URL: proxy.url }
    const tally = new Tally()
    for (let i = 0; i < 2; i++) {
      await emptyPrefix(s3.client, 'bucket', 'rel/')
      const up = await dev.script('up', [], { cwd: CWD, env: fenv, timeoutMs: 120_000 })
      expect(up.code, up.stderr).toBe(0)
      tally.afterRerun(await snapBucket(), wantBucket, `bucket after up ${i} through faults`)
      rmSync(prodDir(), { recursive: true, force: true })
      mkdirSync(prodDir(), { recursive: true })
      const down = await prod.script('down', [`PIPELINE=${NAME}`], { env: fenv, timeoutMs: 120_000 })
      expect(down.code, down.stderr).toBe(0)
      tally.afterRerun(snapProd(), wantTree, `tree after down ${i} through faults`)
    }
    const kinds = ['500', '503', 'reset', 'slow'] as const
    console.log(`up/down faults: ${JSON.stringify(proxy.injected)} of ${proxy.requests}`)
    for (const k of kinds) expect(proxy.injected[k]).toBeGreaterThan(0)
    const by = Object.fromEntries(kinds.map((k) => [k, proxy.injected[k]]))
    record('up-down', { faultRuns: 4, faultsInjected: sum(by), faults500: by['500'], faults503: by['503'], faultsReset: by.reset, faultsSlow: by.slow, requests: proxy.requests, lost: tally.lost, corrupted: tally.corrupted })
  })
})

describe('up / down: permanent 403/404', () => {
  it.each([
    ['up', 'everything 403', {}, /^up: s3:\/\/bucket\/rel\/faults: access denied; check your AWS credentials and the bucket policy$/],
    ['down', 'everything 403', {}, /^down: s3:\/\/bucket\/rel\/faults: access denied; check your AWS credentials and the bucket policy$/],
    ['up', 'PUT of one key 403', { match: /\/bulk\/d3\/f3\.txt$/, method: 'PUT' }, /^up: s3:\/\/bucket\/rel\/faults\/faults\/assets\/bulk\/d3\/f3\.txt: access denied; /],
    ['down', 'GET of one key 404', { match: /\/bulk\/d5\/f5\.txt$/, method: 'GET', status: 404 as const }, /^down: s3:\/\/bucket\/rel\/faults\/faults\/assets\/bulk\/d5\/f5\.txt: not found$/],
  ])('%s, %s: one line naming the key, exit 1', async (cmd, _what, o, line) => {
    await emptyPrefix(s3.client, 'bucket', 'rel/')
    if (cmd === 'down') expect((await dev.script('up', [], { cwd: CWD, env })).code).toBe(0)
    const refusing = await refusingS3({ upstream: s3.endpoint, ...o })
    try {
      rmSync(prodDir(), { recursive: true, force: true })
      mkdirSync(prodDir(), { recursive: true })
      const fenv = { ...env, AWS_ENDPOINT_URL: refusing.url }
      const r = cmd === 'up' ? await dev.script('up', [], { cwd: CWD, env: fenv }) : await prod.script('down', [`PIPELINE=${NAME}`], { env: fenv })
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr.trim()).toMatch(line)
      expect(refusing.refused).toBeGreaterThan(0)
      expect(tempsUnder(prodDir())).toEqual([])
      record('up-down', { permanentErrors: 1 })
    } finally { await refusing.close() }
  })
})
