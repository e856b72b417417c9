import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort, serve, type TestServer } from '../helpers/http-server.js'
import { fixtures, tmpProject, type Project } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'

let gh: TestServer
let env: Record<string, string>

beforeAll(async () => {
  const archives = await Promise.all(['3.10', '1.0', '2.0.0'].map(async (rev) => ({ rev, archive: await packRelease('basic', 'basic', rev) })))
  gh = await serve(githubRoutes('basic', [archives[2], archives[0], archives[1]]))
  gh.add({ path: '/nf-core/basic/archive/refs/tags/9.9.9.tar.gz', body: Buffer.from('this is not gzip') })
  // a release tree that is not whole: no main.nf at its top
  const partial = mkdtempSync(join(tmpdir(), 'nfo-partial-'))
  cpSync(join(fixtures, 'pipelines/basic'), partial, { recursive: true })
  rmSync(join(partial, 'main.nf'))
  gh.add({ path: '/nf-core/basic/archive/refs/tags/5.0.0.tar.gz', body: await packRelease(partial, 'basic', '5.0.0') })
  rmSync(partial, { recursive: true })
  env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
})
afterAll(() => gh.close())

function tree(p: Project, name = 'basic') {
  const code = join(p.root, 'pipelines', name, name)
  return {
    code,
    link: (rel: string) => readlinkSync(join(code, rel)),
    read: (rel: string) => readFileSync(join(p.root, 'pipelines', name, rel), 'utf8'),
  }
}

describe('just stage', () => {
  it.each([
    [['stage', 'PIPELINE=basic', 'REVISION=3.10']],
    [['stage', 'basic', '3.10']],
    [['PIPELINE=basic', 'REVISION=3.10', 'stage']],
  ])('accepts `just %s` and keeps 3.10 as written', async (args) => {
    const p = tmpProject()
    try {
      const r = await p.just(args, { env })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/staged nf-core\/basic 3\.10 → pipelines\/basic\/basic/)
      const t = tree(p)
      expect(t.read('Pipeline-ENV')).toBe('export PIPELINE=basic\nexport REVISION=3.10\n')
      expect(readlinkSync(join(p.root, 'pipelines/basic/justfile'))).toBe('../pipeline.just')
      expect(t.link('ENV')).toBe('../Pipeline-ENV')
      expect(t.link('justfile')).toBe('../justfile')
      expect(t.link('conf/test.config')).toBe('../../test.config')
      expect(readFileSync(join(t.code, 'conf/test.config.orig'), 'utf8')).toMatch(/Minimal test dataset/)
      expect(t.read('test.config')).toBe(readFileSync(join(t.code, 'conf/test.config.orig'), 'utf8'))
      expect(existsSync(join(t.code, 'modules/nf-core/fastqc/main.nf'))).toBe(true)
    } finally { p.cleanup() }
  })

  it('stages the latest release when no revision is known, and `1.0` stays `1.0`', async () => {
    const p = tmpProject()
    try {
      const r = await p.just(['stage', 'basic'], { env })
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/basic 2\.0\.0/)
      const r2 = await p.just(['stage', 'basic', '1.0'], { env })
      expect(r2.stdout).toMatch(/basic 1\.0 /)
      expect(tree(p).read('Pipeline-ENV')).toMatch(/REVISION=1\.0\n/)
    } finally { p.cleanup() }
  })

  it('re-running changes nothing, and the revision in Pipeline-ENV is the default', async () => {
    const p = tmpProject()
    try {
      expect((await p.just(['stage', 'basic', '3.10'], { env })).code).toBe(0)
      const t = tree(p)
      writeFileSync(join(p.root, 'pipelines/basic/test.config'), '// edited by mirror\n')
      const before = statSync(join(t.code, 'main.nf')).mtimeMs
      const r = await p.just(['stage', 'basic'], { env })
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/3\.10 .*already staged/)
      expect(r.stdout).not.toMatch(/linked:/)
      expect(statSync(join(t.code, 'main.nf')).mtimeMs).toBe(before)
      expect(t.read('test.config')).toBe('// edited by mirror\n')
      expect(readdirSync(join(p.root, 'pipelines/basic')).sort()).toEqual(['.derived.json', '.staged', 'Pipeline-ENV', 'basic', 'justfile', 'test.config'])
    } finally { p.cleanup() }
  })

  it('re-staging another revision replaces the code; what was made from the old one goes, one line each', async () => {
    const p = tmpProject()
    try {
      await p.just(['stage', 'basic', '3.10'], { env })
      writeFileSync(join(p.root, 'pipelines/basic/inputs3.csv'), 'sample\n')
      writeFileSync(join(tree(p).code, 'stray-file'), 'x')
      const r = await p.just(['stage', 'basic', '2.0.0'], { env })
      expect(r.code).toBe(0)
      expect(existsSync(join(tree(p).code, 'stray-file'))).toBe(false)
      expect(r.stdout).toContain('\ninputs3.csv: removed (made for 3.10); run: just mirror basic\n')
      expect(r.stdout).not.toContain('test.config:')   // the release's own, untouched: simply replaced
      expect(existsSync(join(p.root, 'pipelines/basic/inputs3.csv'))).toBe(false)
      expect(lstatSync(join(tree(p).code, 'conf/test.config')).isSymbolicLink()).toBe(true)
    } finally { p.cleanup() }
  })

  it('works from a pipeline folder through its justfile link (`just` there lists per-pipeline recipes)', async () => {
    const p = tmpProject({ pipelines: ['sarek'] })
    try {
      const r = await p.just(['--list'], { cwd: 'pipelines/sarek' })
      expect(r.stdout).toMatch(/online/)
      expect(r.stdout).toMatch(/up \*args/)
    } finally { p.cleanup() }
  })

  it.each([
    [['stage', 'nosuch', '1.0'], /unknown pipeline nf-core\/nosuch \(404\)/],
    [['stage', 'basic', '7.7.7'], /no release 7\.7\.7 of nf-core\/basic \(404\); list them with: just suggest basic/],
    [['stage', 'basic', '9.9.9'], /corrupt archive .*delete it and re-run/],
    [['stage'], /PIPELINE is not set/],
    [['stage', 'PIPELINE=a/b'], /'a\/b' is not a pipeline name/],
    [['stage', 'PIPELINE=a b'], /'a b' is not a pipeline name/],
  ])('`just %s` fails with one line', async (args, msg) => {
    const p = tmpProject()
    try {
      const r = await p.just(args as string[], { env })
      expect(r.code).not.toBe(0)
      expect(r.stderr).toMatch(msg)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/^stage: /)
    } finally { p.cleanup() }
  })

  it('says the network is unreachable in one line', async () => {
    const p = tmpProject()
    try {
      const dead = `http://127.0.0.1:${await closedPort()}`
      const r = await p.just(['stage', 'basic', '3.10'], { env: { GITHUB_URL: dead, GITHUB_API_URL: dead } })
      expect(r.code).not.toBe(0)
      expect(r.stderr.trim()).toBe(`stage: cannot reach ${dead} (ECONNREFUSED); check the network, or HTTPS_PROXY/NO_PROXY`)
    } finally { p.cleanup() }
  })

  it('refuses an archive without nextflow.config and main.nf at its top: one line, nothing replaced, not cached', async () => {
    const p = tmpProject()
    try {
      await p.just(['stage', 'basic', '3.10'], { env })
      const before = readdirSync(join(p.root, 'pipelines/basic')).sort()
      const r = await p.just(['stage', 'basic', '5.0.0'], { env })
      expect(r.code).toBe(1)
      expect(r.stderr).toBe('stage: nf-core/basic 5.0.0 is not a whole pipeline release (no main.nf at its top); nothing replaced, archive dropped from the cache\n')
      expect(readdirSync(join(p.root, 'pipelines/basic')).sort()).toEqual(before)
      expect(tree(p).read('Pipeline-ENV')).toMatch(/REVISION=3\.10/)
      expect(existsSync(join(tree(p).code, 'main.nf'))).toBe(true)
      expect(readdirSync(join(p.root, '.cache/archives')).filter((f) => f.includes('5.0.0') && f.endsWith('.tar.gz'))).toEqual([])
    } finally { p.cleanup() }
  })

  it('re-extracts a staged tree that is not whole, whatever its stamp says', async () => {
    const p = tmpProject()
    try {
      await p.just(['stage', 'basic', '3.10'], { env })
      rmSync(join(tree(p).code, 'main.nf'))
      const images = await p.just(['images'], { cwd: 'pipelines/basic', env })
      expect(images.stderr).toBe('images: pipelines/basic/basic is not a whole release (no main.nf at its top); run: just stage basic (Dev) or just down basic (Prod)\n')
      const r = await p.just(['stage', 'basic', '3.10'], { env })
      expect(r.code).toBe(0)
      expect(r.stdout).not.toMatch(/already staged/)
      expect(existsSync(join(tree(p).code, 'main.nf'))).toBe(true)
    } finally { p.cleanup() }
  })

  it('keeps the previous tree when the new archive is corrupt', async () => {
    const p = tmpProject()
    try {
      await p.just(['stage', 'basic', '3.10'], { env })
      const r = await p.just(['stage', 'basic', '9.9.9'], { env })
      expect(r.code).toBe(1)
      expect(existsSync(join(tree(p).code, 'main.nf'))).toBe(true)
      expect(tree(p).read('Pipeline-ENV')).toMatch(/REVISION=3\.10/)
      expect(readdirSync(join(p.root, 'pipelines/basic')).filter((f) => f.includes('.tmp-'))).toEqual([])
    } finally { p.cleanup() }
  })

  it('sends GITHUB_TOKEN to the API but never prints it', async () => {
    const p = tmpProject()
    try {
      const token = 'ghp_SECRETSECRET123'
      const r = await p.just(['stage', 'nosuch', '1.0'], { env: { ...env, GITHUB_TOKEN: token, DEBUG: '1' } })
      expect(r.stdout + r.stderr).not.toContain(token)
      expect(gh.headers.some((h) => h.authorization === `Bearer ${token}`)).toBe(true)
    } finally { p.cleanup() }
  })
})
