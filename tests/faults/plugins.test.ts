// Reliability of `plugins` (install + sync to S3 on Dev, --down on Prod): kill -9 at seeded random points,
// transient faults from the plugin host and from S3, permanent 403/404 in one clear line.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { faultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { killCampaign, killRun } from '../helpers/kill.js'
import { strToU8, zipSync } from 'fflate'
import { makePlugin, pluginServer, type PluginServer } from '../helpers/plugins.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { bucketSnapshot, treeSnapshot } from '../helpers/snapshot.js'
import { cutPuts } from './atomic-s3rver.js'
import { record } from './record.js'
import { emptyPrefix, expectSubsetOf, refusingS3, sum, Tally, tempsUnder } from './workloads.js'

const PLUGINS = [1, 2, 3].map((i) => makePlugin(`nf-f${i}`, '1.0.0', { bulk: 25 }))
const MANIFEST = 'classes/META-INF/MANIFEST.MF'
let srv: PluginServer, s3: TestS3, dev: Project, prod: Project, env: Record<string, string>
let wantDev: Record<string, string>, wantBucket: Record<string, string>, wantProd: Record<string, string>

const nxfHome = (p: Project) => join(p.root, 'home/offline/.nextflow')
const TMP = /(^|\/)\.[^/]*\.tmp-\d+-/   // scratch dirs beside the plugins dir: never under a final name
const snapHome = (p: Project) => existsSync(nxfHome(p)) ? treeSnapshot(nxfHome(p), TMP) : {}
const snapBucket = () => bucketSnapshot(s3.client, 'bucket', 'pl/')

/** After a kill: every plugin folder present is whole (all of its files, as in the clean run), nothing else in the dir. */
function expectWholeFolders(got: Record<string, string>, want: Record<string, string>, what: string): void {
  expectSubsetOf(got, want, what)
  const folders = new Set(Object.keys(got).filter((k) => k.startsWith('plugins/')).map((k) => k.split('/')[1]))
  for (const f of folders) {
    const all = Object.keys(want).filter((k) => k.startsWith(`plugins/${f}/`))
    expect(all.filter((k) => !(k in got)), `${what}: plugin folder ${f} is partial`).toEqual([])
  }
}

/** After a kill: a plugin whose manifest is on S3 has all of its files there (pullPlugins trusts the manifest). */
function expectManifestLast(got: Record<string, string>, what: string): void {
  for (const k of Object.keys(got).filter((k) => k.endsWith(`/${MANIFEST}`))) {
    const folder = k.slice(0, -MANIFEST.length)
    const all = Object.keys(wantBucket).filter((w) => w.startsWith(folder))
    expect(all.filter((w) => !(w in got)), `${what}: ${folder} has its manifest before its files`).toEqual([])
  }
}

beforeAll(async () => {
  srv = await pluginServer(PLUGINS)
  s3 = await startS3(['bucket'])
  env = { NXF_PLUGINS_INDEX_URL: srv.indexUrl, NXF_PLUGINS_REGISTRY_URL: srv.indexUrl, SOURCE_REWRITE: srv.rewrite, NXF_BASE: srv.releasesUrl, ...s3.env, S3_ROOT: 's3://bucket/pl' }
  dev = tmpProject()
  prod = tmpProject()
  writeFileSync(join(dev.root, 'plugins.list'), PLUGINS.map((x) => `${x.id}@${x.version}`).join('\n') + '\n')
  const fw = join(nxfHome(dev), 'framework/24.10.6')
  mkdirSync(fw, { recursive: true })
  // a whole jar of ~300 kB (stored, not deflated), so the framework upload takes a while too
  writeFileSync(join(fw, 'nextflow-24.10.6-one.jar'), zipSync({ 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\n'), 'nextflow/big.bin': [Buffer.alloc(300_000, 'jar bytes '), { level: 0 }] }))
  const up = await dev.script('plugins', [], { env })
  if (up.code !== 0) throw new Error(up.stderr)
  ;[wantDev, wantBucket] = [snapHome(dev), await snapBucket()]
  const down = await prod.script('plugins', ['--down'], { env })
  if (down.code !== 0) throw new Error(down.stderr)
  wantProd = snapHome(prod)
  expect(Object.keys(wantProd).sort()).toEqual(Object.keys(wantDev).sort())
}, 120_000)
// the fault proxies' keep-alive sockets to s3rver can keep its close() waiting: do not hang the suite on it
afterAll(async () => { dev.cleanup(); prod.cleanup(); await srv.close(); await Promise.race([s3.stop(), new Promise((r) => setTimeout(r, 3000))]) })

describe('plugins: kill -9', () => {
  it('Dev, seeded kills over install + upload (S3 answers 10 ms late), at least 4 mid-work: whole folders only, manifest last on S3, re-runs end as a clean run', async () => {
    // a warm run from scratch, timed through the same slow endpoint, sets the window the kills fall in
    const slow = await faultProxy(s3.endpoint, { seed: 1, rate: 1, kinds: ['slow'], slowMs: 10 })
    const senv = { ...env, AWS_ENDPOINT_URL: slow.url }
    rmSync(join(nxfHome(dev), 'plugins'), { recursive: true, force: true })
    await emptyPrefix(s3.client, 'bucket', 'pl/')
    const timed = await dev.script('plugins', [], { env: senv })
    expect(timed.code, timed.stderr).toBe(0)
    const cut0 = cutPuts.count
    const tally = new Tally()
    const c = await killCampaign({ name: 'plugins (Dev)', spanMs: timed.ms, minMidWork: 4, maxRuns: 50, run: async (run, ms) => {
      // alternately a fresh host (install, then upload) and a fresh bucket (upload only); every 4th: resume
      if (run % 4 === 0 || run % 4 === 2) rmSync(join(nxfHome(dev), 'plugins'), { recursive: true, force: true })
      if (run % 4 !== 3) await emptyPrefix(s3.client, 'bucket', 'pl/')
      const k = await killRun(dev, 'plugins', [], ms, { env: senv })
      const home = snapHome(dev), bucket = await snapBucket()
      tally.afterKill(home, wantDev, `plugins dir after kill ${run} (${ms} ms)`)
      expectWholeFolders(home, wantDev, `plugins dir after kill ${run} (${ms} ms)`)
      tally.afterKill(bucket, wantBucket, `bucket after kill ${run}`)
      expectManifestLast(bucket, `bucket after kill ${run}`)
      // mid-work: some plugins installed but not all, or some objects uploaded but not all
      const installed = Object.keys(home).filter((k) => k.startsWith('plugins/')).length, nb = Object.keys(bucket).length
      const scratch = tempsUnder(join(dev.root, 'home')).length > 0   // a download or unpack was under way
      const midWork = k.killed && (scratch || (installed > 0 && installed < Object.keys(wantDev).filter((x) => x.startsWith('plugins/')).length) || (nb > 0 && nb < Object.keys(wantBucket).length))
      const r = await dev.script('plugins', [], { env })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      tally.afterRerun(snapHome(dev), wantDev, `plugins dir after the re-run of kill ${run}`)
      tally.afterRerun(await snapBucket(), wantBucket, `bucket after the re-run of kill ${run}`)
      expect(tempsUnder(join(dev.root, 'home'))).toEqual([])
      return { killed: k.killed, midWork, ranMs: k.ms }
    } })
    await slow.close()
    console.log(`plugins (Dev): ${cutPuts.count - cut0} PUTs cut mid-body`)
    record('plugins', { killRuns: c.runs, killsLanded: c.landed, killsMidWork: c.midWork, lost: tally.lost, corrupted: tally.corrupted, seed: c.seed })
  })

  it('Prod, seeded kills over --down (S3 answers 20 ms late), at least 4 mid-work: whole folders only; re-runs end as a clean run', async () => {
    const slow = await faultProxy(s3.endpoint, { seed: 1, rate: 1, kinds: ['slow'], slowMs: 20 })
    const senv = { ...env, AWS_ENDPOINT_URL: slow.url }
    rmSync(nxfHome(prod), { recursive: true, force: true })
    const timed = await prod.script('plugins', ['--down'], { env: senv })
    expect(timed.code, timed.stderr).toBe(0)
    expect(snapHome(prod)).toEqual(wantProd)
    const tally = new Tally()
    const c = await killCampaign({ name: 'plugins --down', spanMs: timed.ms, minMidWork: 4, maxRuns: 50, run: async (run, ms) => {
      if (run % 4 !== 3) rmSync(nxfHome(prod), { recursive: true, force: true })
      const k = await killRun(prod, 'plugins', ['--down'], ms, { env: senv })
      const got = snapHome(prod)
      tally.afterKill(got, wantProd, `Prod NXF_HOME after kill ${run} (${ms} ms)`)
      expectWholeFolders(got, wantProd, `Prod NXF_HOME after kill ${run} (${ms} ms)`)
      const fw = Object.keys(wantProd).filter((k) => k.startsWith('framework/'))
      if (fw.some((x) => x in got)) expect(fw.filter((x) => !(x in got)), 'framework partial').toEqual([])
      const n = Object.keys(got).length
      const midWork = k.killed && (tempsUnder(join(prod.root, 'home')).length > 0 || (n > 0 && n < Object.keys(wantProd).length))
      const r = await prod.script('plugins', ['--down'], { env })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      tally.afterRerun(snapHome(prod), wantProd, `Prod NXF_HOME after the re-run of kill ${run}`)
      expect(tempsUnder(join(prod.root, 'home'))).toEqual([])
      return { killed: k.killed, midWork, ranMs: k.ms }
    } })
    await slow.close()
    record('plugins-down', { killRuns: c.runs, killsLanded: c.landed, killsMidWork: c.midWork, lost: tally.lost, corrupted: tally.corrupted, seed: c.seed })
  })
})

describe('plugins: transient faults', () => {
  let hostProxy: FaultProxy, s3Proxy: FaultProxy
  beforeAll(async () => {
    hostProxy = await faultProxy(srv.server.url, { seed: 41, rate: 0.3, kinds: ['500', '503', 'reset', 'slow'], maxInARow: 3, slowMs: 150 })
    s3Proxy = await faultProxy(s3.endpoint, { seed: 42, rate: 0.1, kinds: ['500', '503', 'reset', 'slow'], maxInARow: 3, slowMs: 150 })
  })
  afterAll(async () => { await hostProxy.close(); await s3Proxy.close() })

  it('index, zips and S3 through 500/503/resets/slow answers: install, upload and --down complete, nothing lost', async () => {
    const fenv = { ...env, NXF_PLUGINS_INDEX_URL: `${hostProxy.url}/plugins.json`, NXF_PLUGINS_REGISTRY_URL: `${hostProxy.url}/plugins.json`, SOURCE_REWRITE: `https://github.com/=>${hostProxy.url}/gh/`, AWS_ENDPOINT_URL: s3Proxy.url }
    const tally = new Tally()
    for (let i = 0; i < 1; i++) {
      rmSync(join(nxfHome(dev), 'plugins'), { recursive: true, force: true })
      await emptyPrefix(s3.client, 'bucket', 'pl/')
      const up = await dev.script('plugins', [], { env: fenv, timeoutMs: 120_000 })
      expect(up.code, up.stderr + up.stdout).toBe(0)
      tally.afterRerun(snapHome(dev), wantDev, 'Dev plugins dir')
      tally.afterRerun(await snapBucket(), wantBucket, 'bucket')
      rmSync(nxfHome(prod), { recursive: true, force: true })
      const down = await prod.script('plugins', ['--down'], { env: fenv, timeoutMs: 120_000 })
      expect(down.code, down.stderr).toBe(0)
      tally.afterRerun(snapHome(prod), wantProd, 'Prod NXF_HOME')
    }
    const kinds = ['500', '503', 'reset', 'slow'] as const
    console.log(`plugins faults: host ${JSON.stringify(hostProxy.injected)} of ${hostProxy.requests}, S3 ${JSON.stringify(s3Proxy.injected)} of ${s3Proxy.requests}`)
    const by = Object.fromEntries(kinds.map((k) => [k, hostProxy.injected[k] + s3Proxy.injected[k]]))
    for (const k of kinds) expect(by[k]).toBeGreaterThan(0)
    record('plugins', { faultRuns: 2, faultsInjected: sum(by), faults500: by['500'], faults503: by['503'], faultsReset: by.reset, faultsSlow: by.slow, requests: hostProxy.requests + s3Proxy.requests, lost: tally.lost, corrupted: tally.corrupted })
  })
})

describe('plugins: permanent 403/404', () => {
  it('a zip answering 404: its line names it, the rest install, exit 1', async () => {
    const p = tmpProject()
    try {
      writeFileSync(join(p.root, 'plugins.list'), 'nf-f1@1.0.0\nnf-f2@1.0.0\n')
      const r = await p.script('plugins', ['--no-sync'], { env: { ...env, SOURCE_REWRITE: `https://github.com/nextflow-io/nf-f2/=>${srv.server.url}/nowhere/;${srv.rewrite}` } })
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/^✗ nf-f2@1\.0\.0: http:\/\/127\.0\.0\.1:\d+\/nowhere\/releases\/download\/1\.0\.0\/nf-f2-1\.0\.0\.zip: HTTP 404$/m)
      expect(readdirSync(join(nxfHome(p), 'plugins'))).toEqual(['nf-f1-1.0.0'])
      record('plugins', { permanentErrors: 1 })
    } finally { p.cleanup() }
  })

  it('the index answering 403: one line naming it', async () => {
    srv.server.add({ path: '/denied.json', status: 403, body: 'denied' })
    const p = tmpProject()
    try {
      writeFileSync(join(p.root, 'plugins.list'), 'nf-f1@1.0.0\n')
      const url = `${srv.server.url}/denied.json`
      const r = await p.script('plugins', ['--no-sync'], { env: { ...env, NXF_PLUGINS_INDEX_URL: url, NXF_PLUGINS_REGISTRY_URL: url } })
      expect(r.code).toBe(1)
      expect(`${r.stdout}${r.stderr}`).toContain(`${url}: HTTP 403`)
      expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(1)
      expect(existsSync(join(nxfHome(p), 'plugins', 'nf-f1-1.0.0'))).toBe(false)
      record('plugins', { permanentErrors: 1 })
    } finally { p.cleanup() }
  })

  it.each([['upload', [] as string[]], ['--down', ['--down']]])('S3 answering 403 on %s: one line naming the prefix', async (_what, args) => {
    const denied = await refusingS3()
    try {
      const r = await dev.script('plugins', args, { env: { ...env, AWS_ENDPOINT_URL: denied.url } })
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr.trim()).toMatch(/^plugins: s3:\/\/bucket\/pl\/nextflow\/plugins: access denied; check your AWS credentials and the bucket policy$/)
      record('plugins', { permanentErrors: 1 })
    } finally { await denied.close() }
  })
})
