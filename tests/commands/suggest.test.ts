import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'

// Releases of nf-core/multi, newest first as GitHub lists them: 2.0.0 moved to Seqera containers,
// 1.1.0 pulls from docker.io (no docker.registry), 1.2.0 and 1.0.0 are quay-only.
const RELEASES: [string, string][] = [
  ['2.0.0', 'images-ternary-forms'], ['1.2.0', 'basic'], ['1.1.0', 'images-dsl2-ifelse-no-registry'], ['1.0.0', 'basic'],
]
let gh: TestServer
let env: Record<string, string>
let p: Project

beforeAll(async () => {
  const archives = await Promise.all(RELEASES.map(async ([rev, fixture]) => ({ rev, archive: await packRelease(fixture, 'multi', rev) })))
  gh = await serve(githubRoutes('multi', archives))
  // the newest release's archive comes last, so completion order differs from the order to print
  gh.add({ path: '/codeload/nf-core/multi/tar.gz/refs/tags/2.0.0', handler: (_q, res) => { setTimeout(() => res.writeHead(200, { 'content-type': 'application/x-gzip' }).end(archives[0].archive), 800) } })
  env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
  p = tmpProject()
})
afterAll(async () => { await gh.close(); p.cleanup() })

const downloads = () => gh.log.filter((l) => l.includes('/codeload/')).length

describe('just suggest', () => {
  it('judges each release and lists the quay-only ones newest first, without touching pipelines/', async () => {
    const r = await p.just(['suggest', 'multi'], { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = r.stdout.trim().split('\n')
    expect(out[0]).toBe('nf-core/multi: checking the 4 newest releases: 2.0.0 1.2.0 1.1.0 1.0.0')
    // verdicts newest first, whatever order they complete in (2.0.0's archive is served last)
    expect(out.slice(1, 5)).toEqual([
      '✗ 2.0.0: 2 of 6 images not on quay.io, first community.wave.seqera.io/library/ascat_cancerit-allelecount:c3e8749fa4af0e99 (modules/nf-core/ascat/main.nf:6)',
      '✓ 1.2.0: all 2 images on quay.io',
      '✗ 1.1.0: 2 of 3 images not on quay.io, first docker.io/biocontainers/biocontainers:v1.2.0_cv1 (modules/local/process/get_software_versions.nf:5)',
      '✓ 1.0.0: all 2 images on quay.io',
    ])
    expect(out[5]).toBe('quay-only releases, newest first: 1.2.0 1.0.0')
    expect(downloads()).toBe(4)
    expect(readdirSync(join(p.root, 'pipelines'))).toEqual(['pipeline.just'])
    expect(existsSync(join(p.root, '.cache/releases/multi-2.0.0/main.nf'))).toBe(true)
  })

  it('a second run uses the cache: no download, and fast', async () => {
    const before = downloads()
    const r = await p.just(['suggest', 'multi'], { env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/quay-only releases, newest first: 1\.2\.0 1\.0\.0\n$/)
    expect(downloads()).toBe(before)
    expect(r.ms).toBeLessThan(5000)
  })

  it('clears what a killed run left, never the temp dirs of a run still going', async () => {
    const q = tmpProject()
    try {
      const dead = spawnSync(process.execPath, ['-e', '']).pid!
      const rel = join(q.root, '.cache/releases')
      mkdirSync(join(rel, `.multi-1.0.0.tmp-${dead}-aaaaaa`), { recursive: true })
      mkdirSync(join(rel, `.multi-1.0.0.tmp-${process.pid}-bbbbbb`), { recursive: true })
      const r = await q.just(['suggest', 'multi'], { env })
      expect(r.code).toBe(0)
      expect(readdirSync(rel).filter((f) => f.includes('.tmp-'))).toEqual([`.multi-1.0.0.tmp-${process.pid}-bbbbbb`])
    } finally { q.cleanup() }
  })

  it.each([[['suggest', 'multi', '2']], [['suggest', 'PIPELINE=multi', '2']], [['suggest', 'multi', 'N=2']]])('`just %s` checks only the 2 newest', async (args) => {
    const r = await p.just(args, { env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^nf-core\/multi: checking the 2 newest releases: 2\.0\.0 1\.2\.0\n/)
    expect(r.stdout).toMatch(/quay-only releases, newest first: 1\.2\.0\n$/)
  })

  it('says so when no release is quay-only', async () => {
    const r = await p.just(['suggest', 'multi', '1'], { env })
    expect(r.stdout).toMatch(/none of the 1 newest releases is quay-only\n$/)
  })

  it('a release that cannot be fetched is reported on its line, the others still judged, exit 1', async () => {
    const q = tmpProject()
    const broken = await serve([...githubRoutes('multi', [{ rev: '1.2.0', archive: await packRelease('basic', 'multi', '1.2.0') }]),
      { path: '/repos/nf-core/multi/releases', json: [{ tag_name: '9.9.9' }, { tag_name: '1.2.0' }] },
      { path: '/nf-core/multi/archive/refs/tags/9.9.9.tar.gz', body: 'not gzip' }])
    try {
      const r = await q.just(['suggest', 'multi'], { env: { GITHUB_URL: broken.url, GITHUB_API_URL: broken.url } })
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/^✗ 9\.9\.9: could not analyse: corrupt archive .*$/m)
      expect(r.stdout).toMatch(/quay-only releases, newest first: 1\.2\.0\n$/)
    } finally { await broken.close(); q.cleanup() }
  })

  it.each([
    [['suggest', 'nosuch'], /^suggest: no pipeline nf-core\/nosuch \(404 from .*\); check the name\n$/],
    [['suggest', 'multi', '0'], /^suggest: N must be a positive number of releases, not '0'\n$/],
    [['suggest'], /^suggest: PIPELINE is not set/],
  ])('`just %s` fails in one line', async (args, msg) => {
    const r = await p.just(args as string[], { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(msg)
  })
})
