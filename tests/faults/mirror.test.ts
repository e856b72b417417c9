// Reliability of `mirror`: kill -9 at seeded random points, transient faults from the data host and from S3,
// permanent 403/404 named in one line.
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { faultProxy } from '../helpers/fault-proxy.js'
import type { TestServer } from '../helpers/http-server.js'
import { killCampaign, killRun } from '../helpers/kill.js'
import { tmpProject, type Project, cacheConfigs } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { bucketSnapshot, treeSnapshot } from '../helpers/snapshot.js'
import { cutPuts } from './atomic-s3rver.js'
import { record } from './record.js'
import { bytesOf, dataHost, deniedS3, emptyPrefix, RAW, s3Sources, stageFaultsPipeline, sum, Tally, tempsUnder } from './workloads.js'

const ROWS = 20   // 40 reads (4 of them from an s3:// source bucket) + fasta + gtf + inputs3.csv
const NAME = 'faults'
const TMP = /(^|\/)\.[^/]*\.tmp-\d+-/
let p: Project, s3: TestS3, http: TestServer, env: Record<string, string>
let wantBucket: Record<string, string>, wantTree: Record<string, string>, wantOffline: Record<string, string>

const snapBucket = () => bucketSnapshot(s3.client, 'dest', 'offline/')
const snapTree = () => treeSnapshot(join(p.root, 'pipelines', NAME), TMP)
const snapOffline = () => existsSync(join(p.root, 'offline')) ? treeSnapshot(join(p.root, 'offline'), TMP) : {}
/** stderr without the per-file progress lines printed when not on a TTY */
const errLines = (s: string) => s.split('\n').filter((l) => l && !l.startsWith('mirror: ✓ '))

async function reset(): Promise<void> {
  await emptyPrefix(s3.client, 'dest', 'offline/')
  for (const f of ['test.config', 'inputs3.csv']) rmSync(join(p.root, 'pipelines', NAME, f), { force: true })
  rmSync(join(p.root, 'offline'), { recursive: true, force: true })
}

beforeAll(async () => {
  p = tmpProject()
  cacheConfigs(p)
  s3 = await startS3(['dest', 'src-data'])
  for (const k of s3Sources(ROWS)) await s3.client.send(new PutObjectCommand({ Bucket: 'src-data', Key: k, Body: bytesOf(`/s3/${k}`) }))
  http = await dataHost(ROWS, () => 10)
  http.add({ path: /^\/raw\/denied\//, status: 403, body: 'denied' })
  env = { ...s3.env, S3_ROOT: 's3://dest/offline', OFFLINE_DIR: join(p.root, 'offline'), SOURCE_REWRITE: `${RAW}=>${http.url}/raw` }
  stageFaultsPipeline(p, NAME)
  const r = await p.script('mirror', [NAME], { env })
  if (r.code !== 0) throw new Error(r.stderr)
  ;[wantBucket, wantTree, wantOffline] = [await snapBucket(), snapTree(), snapOffline()]
  expect(Object.keys(wantBucket)).toHaveLength(2 * ROWS + 3)
})
afterAll(async () => { await http.close(); await s3.stop(); p.cleanup() })

describe('mirror: kill -9', () => {
  it('seeded kills over the whole run, at least 4 mid-work: nothing partial under a final name; every re-run completes byte-identical to a clean run', async () => {
    // a warm run from scratch, timed, sets the first span the kills fall in (the first run of the file is a cold one)
    // two transfers at once: the writes spread over the run instead of landing in one burst at its end, so
    // seeded kill points fall among them often enough to reach the mid-work floor by design, not by luck
    const kenv = { ...env, MIRROR_JOBS: '2' }
    await reset()
    const timed = await p.script('mirror', [NAME], { env: kenv })
    expect(timed.code, timed.stderr).toBe(0)
    const cut0 = cutPuts.count
    const tally = new Tally()
    const total = Object.keys(wantBucket).length
    const c = await killCampaign({
      name: 'mirror', spanMs: timed.ms, minMidWork: 4, maxRuns: 160, budgetMs: 240_000,
      run: async (run, ms) => {
        if (run % 4 !== 3) await reset()   // every 4th kill lands on the state the last one left: a resume
        const k = await killRun(p, 'mirror', [NAME], ms, { env: kenv })
        const got = await snapBucket()
        tally.afterKill(got, wantBucket, `bucket after kill ${run} (${ms} ms)`)
        tally.afterKill(snapTree(), wantTree, `local tree after kill ${run}`)
        tally.afterKill(snapOffline(), wantOffline, `OFFLINE_DIR after kill ${run}`)
        const n = Object.keys(got).length
        const r = await p.script('mirror', [NAME], { env: kenv })
        expect(r.code, r.stderr).toBe(0)
        expect(errLines(r.stderr)).toEqual([])
        tally.afterRerun(await snapBucket(), wantBucket, `bucket after the re-run of kill ${run}`)
        tally.afterRerun(snapTree(), wantTree, `local tree after the re-run of kill ${run}`)
        tally.afterRerun(snapOffline(), wantOffline, `OFFLINE_DIR after the re-run of kill ${run}`)
        expect(tempsUnder(p.root)).toEqual([])
        return { killed: k.killed, midWork: k.killed && n > 0 && n < total, ranMs: k.ms }
      },
    })
    record('mirror', { killRuns: c.runs, killsLanded: c.landed, killsMidWork: c.midWork, putsCutMidBody: cutPuts.count - cut0, lost: tally.lost, corrupted: tally.corrupted, seed: c.seed })
  })
})

describe('mirror: transient faults', () => {
  // each case reads only the proxies it made: no test depends on counters an earlier one set
  it.each([
    ['the data host', true, false],
    ['S3 (destination and source bucket)', false, true],
    ['both', true, true],
  ])('faults from %s: retried, the run completes, the bucket equals a clean run', async (what, viaData, viaS3) => {
    const seed = viaData && viaS3 ? 13 : viaData ? 11 : 12
    const opts = { rate: 0.3, kinds: ['500', '503', 'reset', 'slow'] as ('500' | '503' | 'reset' | 'slow')[], maxInARow: 3, slowMs: 150 }
    const dataProxy = await faultProxy(http.url, { seed, ...opts })
    const s3Proxy = await faultProxy(s3.endpoint, { seed: seed + 100, ...opts })
    try {
      await reset()
      const fenv = { ...env, ...(viaData ? { SOURCE_REWRITE: `${RAW}=>${dataProxy.url}/raw` } : {}), ...(viaS3 ? { AWS_ENDPOINT_URL: s3Proxy.url } : {}) }
      const tally = new Tally()
      const r = await p.script('mirror', [NAME], { env: fenv, timeoutMs: 120_000 })
      expect(r.code, r.stderr).toBe(0)
      expect(errLines(r.stderr)).toEqual([])
      tally.afterRerun(await snapBucket(), wantBucket, 'bucket')
      tally.afterRerun(snapTree(), wantTree, 'local tree')
      tally.afterRerun(snapOffline(), wantOffline, 'OFFLINE_DIR')
      const kinds = ['500', '503', 'reset', 'slow'] as const
      const by = Object.fromEntries(kinds.map((k) => [k, dataProxy.injected[k] + s3Proxy.injected[k]]))
      console.log(`mirror faults from ${what}: data host ${JSON.stringify(dataProxy.injected)} of ${dataProxy.requests}, S3 ${JSON.stringify(s3Proxy.injected)} of ${s3Proxy.requests}`)
      expect(sum(by)).toBeGreaterThan(0)
      if (viaData && viaS3) for (const k of kinds) expect(by[k], `${k} faults injected`).toBeGreaterThan(0)
      record('mirror', { faultRuns: 1, faultsInjected: sum(by), faults500: by['500'], faults503: by['503'], faultsReset: by.reset, faultsSlow: by.slow, requests: dataProxy.requests + s3Proxy.requests, lost: tally.lost, corrupted: tally.corrupted })
    } finally { await dataProxy.close(); await s3Proxy.close() }
  })
})

describe('mirror: permanent 403/404 are one clear error naming the URL or key', () => {
  const cases: [string, string, string[], RegExp][] = [
    ['gone-sheet', `params {\n    input = '${RAW}/gone/samplesheet.csv'\n}\n`, [], /^mirror: (samplesheet \(params\.input, conf\/test\.config:\d+\): )?http:\/\/127\.0\.0\.1:\d+\/raw\/gone\/samplesheet\.csv: HTTP 404$/],
    ['denied-fasta', `params {\n    input = '${RAW}/faults/samplesheet.csv'\n    fasta = '${RAW}/denied/genome.fasta'\n}\n`, ['ROWS=1'], /^✗ https:\/\/raw\.githubusercontent\.com\/nf-core\/test-datasets\/denied\/genome\.fasta( \(fasta\))?: .*HTTP 403$/],
    ['missing-s3', `params {\n    input = '${RAW}/faults/samplesheet.csv'\n    fasta = 's3://src-data/nothing/genome.fa'\n}\n`, ['ROWS=1'], /^✗ s3:\/\/src-data\/nothing\/genome\.fa( \(fasta\))?: s3:\/\/src-data\/nothing\/genome\.fa: (not found|access denied)/],
  ]
  it.each(cases)('%s', async (name, config, extra, line) => {
    stageFaultsPipeline(p, name, config)
    const r = await p.script('mirror', [name, ...extra], { env })
    expect(r.code).toBe(1)
    const lines = errLines(r.stderr)
    expect(lines[0]).toMatch(line)
    // a file that failed among others: its ✗ line, then the count; nothing else
    expect(lines.length).toBeLessThanOrEqual(2)
    if (lines.length === 2) expect(lines[1]).toMatch(/^mirror: 1 of \d+ files failed; /)
    record('mirror', { permanentErrors: 1 })
  })

  it('S3 answering 403 AccessDenied: one line naming the bucket prefix', async () => {
    const denied = await deniedS3()
    try {
      const r = await p.script('mirror', [NAME], { env: { ...env, AWS_ENDPOINT_URL: denied.url } })
      expect(r.code).toBe(1)
      expect(errLines(r.stderr)).toEqual(['mirror: s3://dest/offline/faults/data/: access denied; check your AWS credentials and the bucket policy'])
      record('mirror', { permanentErrors: 1 })
    } finally { await denied.close() }
  })
})
