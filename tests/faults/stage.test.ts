// Reliability of `stage`: kill -9 at seeded random points, transient faults from GitHub, bad inputs.
import { existsSync, readdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evilTarGz } from '../helpers/evil-tar.js'
import { faultProxy, type FaultProxy } from '../helpers/fault-proxy.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import { cleanStages, stageKills } from '../helpers/stage-kill.js'
import { tmpProject } from '../helpers/project.js'
import { bigFixture, githubRoutes, packRelease } from '../helpers/release.js'
import { treeSnapshot } from '../helpers/snapshot.js'
import { record } from './record.js'

let gh: TestServer
let env: Record<string, string>

beforeAll(async () => {
  const [a, b] = await Promise.all([packRelease(bigFixture('one'), 'big', '1.0.0'), packRelease(bigFixture('two'), 'big', '2.0.0')])
  gh = await serve(githubRoutes('big', [{ rev: '2.0.0', archive: b }, { rev: '1.0.0', archive: a }]))
  const evil: Record<string, Buffer> = {
    dotdot: evilTarGz([{ path: 'big-6.0.0/', type: 'dir' }, { path: 'big-6.0.0/../../escape.txt', data: 'x' }]),
    absolute: evilTarGz([{ path: '/tmp/nfo-escape.txt', data: 'x' }]),
    symlink: evilTarGz([{ path: 'big-6.0.0/', type: 'dir' }, { path: 'big-6.0.0/conf', type: 'symlink', linkpath: '../../../etc' }]),
    abslink: evilTarGz([{ path: 'big-6.0.0/', type: 'dir' }, { path: 'big-6.0.0/x', type: 'symlink', linkpath: '/etc/passwd' }]),
    truncated: (await packRelease(bigFixture('t', 50), 'big', '6.0.0')).subarray(0, 3000),
  }
  for (const [name, body] of Object.entries(evil)) gh.add({ path: `/nf-core/big/archive/refs/tags/${name}.tar.gz`, body })
  env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
})
afterAll(() => gh.close())

const SKIP = /^\.staged$/   // the stamp holds the archive hash, the same in both runs anyway

describe('stage: kill -9', () => {
  it('seeded kills over the whole run while switching revisions, at least 4 mid-work: after each kill the code is one revision whole; every re-run ends byte-identical to a clean stage', async () => {
    const p = tmpProject()
    try {
      const { clean, ms } = await cleanStages(p, env)
      const c = await stageKills(p, env, clean, { spanMs: ms, minRuns: 20, maxRuns: 50, minMidWork: 4 })
      record('stage', { killRuns: c.runs, killsLanded: c.landed, killsMidWork: c.midWork, lost: c.lost, corrupted: c.corrupted, seed: c.seed })
    } finally { p.cleanup() }
  })
})

describe('stage: transient faults', () => {
  let proxy: FaultProxy
  beforeAll(async () => { proxy = await faultProxy(gh.url, { seed: 7, rate: 0.5, kinds: ['500', '503', 'reset', 'slow'], maxInARow: 3 }) })
  afterAll(() => proxy.close())

  it('retries 5xx, resets and slow answers and stages the same tree', async () => {
    const clean = tmpProject(), p = tmpProject()
    try {
      await clean.just(['stage', 'big', '2.0.0'], { env })
      for (let i = 0; i < 6; i++) {
        const r = await p.just(['stage', 'big', i % 2 ? '1.0.0' : '2.0.0'], { env: { GITHUB_URL: proxy.url, GITHUB_API_URL: proxy.url } })
        expect(r.code, r.stderr).toBe(0)
        renameSync(join(p.root, '.cache'), join(p.root, `.cache-${i}`))   // make the next run download again
      }
      const last = await p.just(['stage', 'big', '2.0.0'], { env: { GITHUB_URL: proxy.url, GITHUB_API_URL: proxy.url } })
      expect(last.code, last.stderr).toBe(0)
      expect(treeSnapshot(join(p.root, 'pipelines/big'), SKIP)).toEqual(treeSnapshot(join(clean.root, 'pipelines/big'), SKIP))
      const injected = proxy.injected['500'] + proxy.injected['503'] + proxy.injected.reset + proxy.injected.slow
      expect(injected).toBeGreaterThan(0)
      record('stage', { faultsInjected: injected, requests: proxy.requests })
    } finally { clean.cleanup(); p.cleanup() }
  })
})

describe('stage: bad inputs', () => {
  const bad: [string[], RegExp][] = [
    [['stage', 'big', 'dotdot'], /unsafe archive .*escapes the target; refusing to extract/],
    [['stage', 'big', 'absolute'], /unsafe archive|unexpected archive/],
    [['stage', 'big', 'symlink'], /unsafe archive .*points outside the target/],
    [['stage', 'big', 'abslink'], /unsafe archive .*absolute path/],
    [['stage', 'big', 'truncated'], /corrupt archive/],
    [['stage', 'big', '7.7.7'], /no release 7\.7\.7 of nf-core\/big \(404\)/],
    [['stage', 'nosuch', '1.0'], /unknown pipeline nf-core\/nosuch \(404\)/],
    [['stage', 'PIPELINE=../x'], /not a pipeline name/],
    [['stage', 'a b'], /not a pipeline name/],
    [['stage'], /PIPELINE is not set/],
  ]
  it.each(bad.map(([a, m]) => [a.join(' '), a, m] as const))('`just %s`: one line, non-zero, nothing written', async (_name, args, msg) => {
    const p = tmpProject()
    try {
      const r = await p.just([...args], { env })
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(msg)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      const pipelines = readdirSync(join(p.root, 'pipelines')).filter((f) => f !== 'pipeline.just')
      for (const d of pipelines) expect(existsSync(join(p.root, 'pipelines', d, d))).toBe(false)
      expect(existsSync('/tmp/nfo-escape.txt')).toBe(false)
      record('badInputs', { [args.join(' ')]: 1 })
    } finally { p.cleanup() }
  })

  it('a missing env/System-ENV is one line', async () => {
    const p = tmpProject()
    try {
      renameSync(join(p.root, 'env/System-ENV'), join(p.root, 'env/gone'))
      const r = await p.script('stage', ['big', '2.0.0'], { env })
      expect(r.code).toBe(1)
      expect(r.stderr.trim()).toMatch(/^stage: .*env\/System-ENV is missing; restore it \(git checkout env\/System-ENV\)$/)
      record('badInputs', { 'missing System-ENV': 1 })
    } finally { p.cleanup() }
  })
})
