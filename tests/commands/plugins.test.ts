import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { ListObjectsV2Command } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closedPort } from '../helpers/http-server.js'
import { seeded } from '../helpers/fault-proxy.js'
import { killAfter } from '../helpers/kill.js'
import { makePlugin, pluginServer, type PluginServer, type TestPlugin } from '../helpers/plugins.js'
import { fixtures, tmpProject, type Project } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'

const a = makePlugin('nf-a', '1.0.0', { requires: '>=24.10.0' })
const b = makePlugin('nf-b', '2.0.0', { requires: '>=23.04.0' })
const cOld = makePlugin('nf-c', '2.0.0', { requires: '>=24.10.0' })
const cNew = makePlugin('nf-c', '3.0.0', { requires: '>=25.04.0' })
let srv: PluginServer
let env: Record<string, string>

beforeAll(async () => {
  srv = await pluginServer([a, b, cOld, cNew])
  // System-ENV pins NXF_VER=24.10.6: the legacy index goes first, its github.com URLs rewritten to us
  env = { NXF_PLUGINS_INDEX_URL: srv.indexUrl, NXF_PLUGINS_REGISTRY_URL: srv.registryUrl, SOURCE_REWRITE: srv.rewrite, NXF_BASE: srv.releasesUrl }
})
afterAll(() => srv.close())

function files(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : out.push(relative(dir, join(d, e.name))) }
  walk(dir)
  return out.sort()
}
const nxfHome = (p: Project) => join(p.root, 'home/offline/.nextflow')
const pluginsOf = (p: Project) => join(nxfHome(p), 'plugins')
const project = (list: string) => { const p = tmpProject(); writeFileSync(join(p.root, 'plugins.list'), list); return p }
const expectTree = (p: Project, plugin: TestPlugin) =>
  expect(files(join(pluginsOf(p), `${plugin.id}-${plugin.version}`))).toEqual(Object.keys(plugin.files).sort())

describe('just plugins', () => {
  it('installs from the index, warns on requires, and a second run needs no network', async () => {
    const p = project('# prod plugins\nnf-a@1.0.0, nf-b@2.0.0\nnf-c@3.0.0\n')
    try {
      srv.server.log.length = 0
      const r = await p.just(['plugins', '--no-sync'], { env })
      expect(r.code).toBe(0)
      expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual([
        `done: 3 installed, 0 already installed → ${pluginsOf(p)}`, '✓ nf-a@1.0.0 installed', '✓ nf-b@2.0.0 installed', '✓ nf-c@3.0.0 installed',
        `✓ nextflow 24.10.6 launcher installed (sha256 matches nextflow.sha256) → ${nxfHome(p)}/framework/24.10.6/nextflow`,
        `✓ nextflow-24.10.6-one.jar installed (no published checksum; a whole zip, 3 entries, with its manifest) → ${nxfHome(p)}/framework/24.10.6/nextflow-24.10.6-one.jar`,
      ].sort())
      expect(r.stderr).toBe('warning: nf-c@3.0.0 requires Nextflow >=25.04.0 but NXF_VER is 24.10.6; that Nextflow disables it ("Plugin validation failed"); nf-c@2.0.0 fits\n')
      expect(srv.server.log.filter((l) => l.endsWith('.json'))).toEqual(['GET /plugins.json'])
      expect(srv.server.log.filter((l) => l.startsWith('GET /gh/')).length).toBe(3)
      expect(srv.server.log.filter((l) => l.startsWith('GET /releases/')).sort()).toEqual(
        ['GET /releases/v24.10.6/nextflow', 'GET /releases/v24.10.6/nextflow-24.10.6-one.jar', 'GET /releases/v24.10.6/nextflow.sha256'])
      expect(readdirSync(pluginsOf(p)).sort()).toEqual(['nf-a-1.0.0', 'nf-b-2.0.0', 'nf-c-3.0.0'])
      for (const x of [a, b, cNew]) expectTree(p, x)
      expect(readdirSync(nxfHome(p)).sort()).toEqual(['framework', 'plugins'])
      expect(readdirSync(join(nxfHome(p), 'framework/24.10.6')).sort()).toEqual(['nextflow', 'nextflow-24.10.6-one.jar'])

      srv.server.log.length = 0
      const again = await p.just(['plugins', '--no-sync'], { env: { ...env, NXF_PLUGINS_INDEX_URL: 'http://127.0.0.1:9/none.json' } })
      expect(again.code).toBe(0)
      expect(again.stdout).toBe(['· nf-a@1.0.0 already installed', '· nf-b@2.0.0 already installed', '· nf-c@3.0.0 already installed',
        '· nextflow 24.10.6 launcher already installed', '· nextflow-24.10.6-one.jar already installed',
        `done: 0 installed, 3 already installed → ${pluginsOf(p)}`, ''].join('\n'))
      expect(again.stderr).toMatch(/^warning: nf-c@3.0.0 requires Nextflow >=25.04.0 but NXF_VER is 24.10.6; that Nextflow disables it \("Plugin validation failed"\)\n$/)
      expect(srv.server.log).toEqual([])
    } finally { p.cleanup() }
  })

  it('reads the registry for a Nextflow that does (NXF_VER 25.10.0) into NXF_PLUGINS_DIR', async () => {
    const p = project('nf-a@1.0.0,nf-c@3.0.0')
    try {
      srv.server.log.length = 0
      const dir = join(p.root, 'elsewhere/plugins')
      const r = await p.just(['plugins', '--no-sync'], { env: { ...env, NXF_VER: '25.10.0', NXF_PLUGINS_DIR: dir } })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(srv.server.log.sort()).toEqual([
        'GET /api/v1/plugins/dependencies?plugins=nf-a@1.0.0,nf-c@3.0.0&nextflowVersion=25.10.0',
        'GET /api/v1/plugins/nf-a/1.0.0/download/nf-a-1.0.0.zip',
        'GET /api/v1/plugins/nf-c/3.0.0/download/nf-c-3.0.0.zip',
        'GET /releases/v25.10.0/nextflow', 'GET /releases/v25.10.0/nextflow-25.10.0-one.jar', 'GET /releases/v25.10.0/nextflow.sha256',
      ])
      expect(readdirSync(dir).sort()).toEqual(['nf-a-1.0.0', 'nf-c-3.0.0'])
    } finally { p.cleanup() }
  })

  it('reports a checksum mismatch and an unknown version per plugin, installs the rest, exits 1', async () => {
    const bad = await pluginServer([a, b], { sha: { 'nf-a@1.0.0': 'ab'.repeat(64) } })
    const p = project('nf-a@1.0.0\nnf-b@2.0.0\nnf-x@9.9.9\n')
    try {
      const r = await p.just(['plugins', '--no-sync'], { env: { ...env, NXF_PLUGINS_INDEX_URL: bad.indexUrl, NXF_PLUGINS_REGISTRY_URL: bad.indexUrl, SOURCE_REWRITE: bad.rewrite } })
      expect(r.code).toBe(1)
      const lines = r.stdout.split('\n')
      expect(lines).toContain(`✗ nf-a@1.0.0: SHA512 checksum of downloaded file nf-a-1.0.0.zip does not match that from plugin descriptor. Got ${a.sha512} but expected ${'ab'.repeat(64)}`)
      expect(lines).toContain(`✗ nf-x@9.9.9: nf-x@9.9.9 is not in the index ${bad.indexUrl}; no plugin nf-x there`)
      expect(lines).toContain('✓ nf-b@2.0.0 installed')
      expect(lines).toContain(`done: 1 installed, 0 already installed, 2 failed → ${pluginsOf(p)}`)
      expect(readdirSync(pluginsOf(p))).toEqual(['nf-b-2.0.0'])
    } finally { p.cleanup(); await bad.close() }
  })

  it.each([
    ['nf-a@1.0.0\nnf-b\n', "plugins: plugins.list:2: 'nf-b' has no version; offline Nextflow refuses unpinned plugins, write nf-b@<version>"],
    ['nf-a@~1.0.0', "plugins: plugins.list:1: 'nf-a@~1.0.0' is not an exact version; pin one release, e.g. nf-a@1.2.3"],
  ])('refuses %j with one line', async (list, line) => {
    const p = project(list)
    try {
      const r = await p.just(['plugins', '--no-sync'], { env })
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(`${line}\n`)
      expect(r.stdout).toBe('')
    } finally { p.cleanup() }
  })

  it('says which host it cannot reach', async () => {
    const p = project('nf-a@1.0.0')
    try {
      const dead = `http://127.0.0.1:${await closedPort()}`
      const r = await p.just(['plugins', '--no-sync'], { env: { NXF_PLUGINS_INDEX_URL: `${dead}/plugins.json`, NXF_PLUGINS_REGISTRY_URL: `${dead}/api` } })
      expect(r.code).toBe(1)
      expect(r.stderr).toBe(`plugins: cannot reach ${dead} (ECONNREFUSED); check the network, or HTTPS_PROXY/NO_PROXY\n`)
    } finally { p.cleanup() }
  })

  it('downloads at most 4 plugins at a time', async () => {
    const many = Array.from({ length: 8 }, (_, i) => makePlugin(`nf-m${i}`, '1.0.0'))
    const slow = await pluginServer(many)
    let now = 0, max = 0
    for (const m of many) {
      slow.server.add({ path: `/gh/nextflow-io/${m.id}/releases/download/1.0.0/${m.id}-1.0.0.zip`, handler: async (_q, res) => {
        max = Math.max(max, ++now)
        await new Promise((r) => setTimeout(r, 60))
        now--
        res.writeHead(200, { 'content-length': m.zip.length }).end(m.zip)
      } })
    }
    const p = project(many.map((m) => `${m.id}@1.0.0`).join('\n'))
    try {
      const r = await p.just(['plugins', '--no-sync'], { env: { NXF_PLUGINS_INDEX_URL: slow.indexUrl, NXF_PLUGINS_REGISTRY_URL: slow.indexUrl, SOURCE_REWRITE: slow.rewrite, NXF_BASE: slow.releasesUrl } })
      expect(r.code).toBe(0)
      expect(max).toBe(4)
    } finally { p.cleanup(); await slow.close() }
  })

  it('under kill -9 never leaves a partial plugin folder, and a re-run completes', async () => {
    const big = [makePlugin('nf-k1', '1.0.0', { bulk: 150 }), makePlugin('nf-k2', '1.0.0', { bulk: 150 }), makePlugin('nf-k3', '1.0.0', { bulk: 150 })]
    const ksrv = await pluginServer(big)
    const kenv = { NXF_PLUGINS_INDEX_URL: ksrv.indexUrl, NXF_PLUGINS_REGISTRY_URL: ksrv.indexUrl, SOURCE_REWRITE: ksrv.rewrite, NXF_BASE: ksrv.releasesUrl }
    const p = project(big.map((m) => `${m.id}@1.0.0`).join(','))
    const next = seeded(5)
    try {
      for (let run = 0; run < 3; run++) {
        await killAfter(p, 'plugins', ['--no-sync'], 300 + Math.floor(next() * 1200), { env: kenv })
        const dir = pluginsOf(p)
        for (const name of existsSync(dir) ? readdirSync(dir) : []) {
          const m = big.find((x) => `${x.id}-1.0.0` === name)
          expect(m, `stray ${name}`).toBeDefined()
          expectTree(p, m!)
        }
        const r = await p.just(['plugins', '--no-sync'], { env: kenv })
        expect(r.code).toBe(0)
        for (const m of big) expectTree(p, m)
        expect(readdirSync(nxfHome(p)).sort()).toEqual(['framework', 'plugins'])
        expect(readdirSync(join(nxfHome(p), 'framework/24.10.6')).sort()).toEqual(['nextflow', 'nextflow-24.10.6-one.jar'])
        rmSync(dir, { recursive: true })   // start over, so the next kill lands in real work
      }
    } finally { p.cleanup(); await ksrv.close() }
  }, 60_000)

  it('also installs what staged pipelines pin beyond plugins.list (both versions when they differ) and nf-amazon for s3:// inputs', async () => {
    const v2 = makePlugin('nf-validation', '1.1.2'), v3 = makePlugin('nf-validation', '1.1.3'), am = makePlugin('nf-amazon', '2.9.3', { requires: '>=24.10.6' })
    const vsrv = await pluginServer([v2, v3, am])
    const p = project('nf-validation@1.1.2')
    try {
      cpSync(join(fixtures, 'pipelines/basic'), join(p.root, 'pipelines/basic/basic'), { recursive: true })
      const r = await p.just(['plugins', '--no-sync'], { env: { NXF_PLUGINS_INDEX_URL: vsrv.indexUrl, NXF_PLUGINS_REGISTRY_URL: vsrv.indexUrl, SOURCE_REWRITE: vsrv.rewrite, NXF_BASE: vsrv.releasesUrl } })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout.split('\n').slice(0, 2)).toEqual([
        '+ nf-validation@1.1.3: declared in pipelines/basic/basic/nextflow.config; plugins.list pins nf-validation@1.1.2: both kept, as offline Nextflow loads nf-validation@1.1.3 for this pipeline',
        '+ nf-amazon@2.9.3: basic needs it (params.igenomes_base = s3://ngi-igenomes/igenomes/); the default of Nextflow 24.10.6',
      ])
      expect(r.stdout).toContain(`done: 3 installed, 0 already installed → ${pluginsOf(p)}`)
      expect(readdirSync(pluginsOf(p)).sort()).toEqual(['nf-amazon-2.9.3', 'nf-validation-1.1.2', 'nf-validation-1.1.3'])
      for (const x of [v2, v3, am]) expectTree(p, x)
    } finally { p.cleanup(); await vsrv.close() }
  })

  it('refuses a launcher whose checksum does not match and a jar that is not a whole zip; keeps neither; exits 1', async () => {
    const { makeRelease, serveRelease } = await import('../helpers/nextflow-release.js')
    const rel = makeRelease('24.10.6')
    const p = project('nf-b@2.0.0')
    try {
      const base = serveRelease(srv.server, rel, { sum: 'bad', jar: rel.jar.subarray(0, rel.jar.length - 40) })
      const r = await p.just(['plugins', '--no-sync'], { env: { ...env, NXF_BASE: base } })
      expect(r.code).toBe(1)
      const url = `${base}/v24.10.6`
      expect(r.stdout).toContain(`✗ nextflow 24.10.6 launcher: ${url}/nextflow: sha256 ${rel.sha256} does not match ${url}/nextflow.sha256 (${'f'.repeat(64)})\n`)
      expect(r.stdout).toContain(`✗ nextflow-24.10.6-one.jar: ${url}/nextflow-24.10.6-one.jar: no end-of-central-directory record (cut short?)\n`)
      expect(existsSync(join(nxfHome(p), 'framework/24.10.6')) ? readdirSync(join(nxfHome(p), 'framework/24.10.6')) : []).toEqual([])
      serveRelease(srv.server, rel, { sum: false })   // a release that publishes no checksum: the script is checked for what it is
      const again = await p.just(['plugins', '--no-sync'], { env: { ...env, NXF_BASE: base } })
      expect(again.code).toBe(0)
      expect(again.stdout).toContain('✓ nextflow 24.10.6 launcher installed (no published checksum; checked it is the launcher script)')
    } finally { p.cleanup(); serveRelease(srv.server, makeRelease('24.10.6')) }
  })

  it('warns when a plugin depends on one plugins.list lacks', async () => {
    const d = makePlugin('nf-dep', '1.0.0', { dependencies: 'nf-b@>=2.0.0, nf-zz@>=1.0.0' })
    const dsrv = await pluginServer([d, b])
    const p = project('nf-dep@1.0.0,nf-b@2.0.0')
    try {
      const r = await p.just(['plugins', '--no-sync'], { env: { NXF_PLUGINS_INDEX_URL: dsrv.indexUrl, NXF_PLUGINS_REGISTRY_URL: dsrv.indexUrl, SOURCE_REWRITE: dsrv.rewrite, NXF_BASE: dsrv.releasesUrl } })
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('warning: nf-dep@1.0.0 depends on nf-zz (>=1.0.0), which plugins.list lacks; add it\n')
    } finally { p.cleanup(); await dsrv.close() }
  })

  it('warns about stray entries in the plugins dir', async () => {
    const p = project('nf-b@2.0.0')
    try {
      mkdirSync(pluginsOf(p), { recursive: true })
      writeFileSync(join(pluginsOf(p), 'nf-old-1.0.0.zip'), 'zip')
      const r = await p.just(['plugins', '--no-sync'], { env })
      expect(r.code).toBe(0)
      expect(r.stderr).toBe(`warning: ${join(pluginsOf(p), 'nf-old-1.0.0.zip')} is not a plugin folder; offline Nextflow fails on it ("Cannot find the manifest path"): remove it\n`)
    } finally { p.cleanup() }
  })
})

describe('just plugins: S3', () => {
  let s3: TestS3
  beforeAll(async () => { s3 = await startS3(['bucket']) })
  afterAll(() => s3.stop())
  const keys = async (prefix: string) => ((await s3.client.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: prefix }))).Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort()

  it('ships plugins and Nextflow, and --down brings them to another host (launcher as bin/nextflow), with nothing added', async () => {
    const dev = project('nf-a@1.0.0\nnf-b@2.0.0')
    const prod = tmpProject()
    const s3env = { ...env, ...s3.env, S3_ROOT: 's3://bucket/offline' }
    try {
      mkdirSync(pluginsOf(dev), { recursive: true })
      writeFileSync(join(pluginsOf(dev), 'junk.zip'), 'stray, warned and not shipped')
      const up = await dev.just(['plugins'], { env: s3env })
      expect(up.code).toBe(0)
      expect(up.stdout).toMatch(/plugins → s3:\/\/bucket\/offline\/nextflow\/plugins: 8 files \(.*\) transferred, 0 unchanged/)
      expect(up.stdout).toMatch(/framework → s3:\/\/bucket\/offline\/nextflow\/framework\/24.10.6: 2 files /)
      const want = [a, b].flatMap((x) => Object.keys(x.files).map((f) => `${x.id}-${x.version}/${f}`)).sort()
      expect(await keys('offline/nextflow/plugins/')).toEqual(want)
      expect(await keys('offline/nextflow/framework/')).toEqual(['24.10.6/nextflow', '24.10.6/nextflow-24.10.6-one.jar'])

      const again = await dev.just(['plugins'], { env: s3env })
      expect(again.stdout).toMatch(/plugins → .*: 0 files \(0 B\) transferred, 8 unchanged/)

      const down = await prod.just(['plugins', '--down'], { env: s3env })
      expect(down.stderr).toBe('')
      expect(down.code).toBe(0)
      expect(down.stdout).toMatch(/✓ nf-a-1.0.0 pulled\n✓ nf-b-2.0.0 pulled\n/)
      expect(readdirSync(pluginsOf(prod)).sort()).toEqual(['nf-a-1.0.0', 'nf-b-2.0.0'])
      for (const x of [a, b]) expectTree(prod, x)
      expect(readFileSync(join(nxfHome(prod), 'framework/24.10.6/nextflow-24.10.6-one.jar'))).toEqual(readFileSync(join(nxfHome(dev), 'framework/24.10.6/nextflow-24.10.6-one.jar')))
      expect(readdirSync(nxfHome(prod)).sort()).toEqual(['framework', 'plugins'])
      expect(down.stdout).toContain(`✓ bin/nextflow ← nextflow 24.10.6 launcher (jar ${nxfHome(prod)}/framework/24.10.6/nextflow-24.10.6-one.jar)\n`)
      expect(readFileSync(join(prod.root, 'bin/nextflow'), 'utf8')).toBe(readFileSync(join(nxfHome(dev), 'framework/24.10.6/nextflow'), 'utf8'))
      expect(statSync(join(prod.root, 'bin/nextflow')).mode & 0o777).toBe(0o755)
      const down2 = await prod.just(['plugins', '--down'], { env: s3env })
      expect(down2.stdout).toMatch(/· bin\/nextflow is the nextflow 24.10.6 launcher/)
      expect(down2.stdout).toMatch(/· nf-a-1.0.0 already installed/)
      expect(down2.stdout).toMatch(/done: 0 pulled, 2 already installed/)
    } finally { dev.cleanup(); prod.cleanup() }
  })

  it('an empty plugins.list still succeeds and ships an empty plugins dir', async () => {
    const p = project('# no plugins yet\n')
    try {
      const r = await p.just(['plugins'], { env: { ...env, ...s3.env, S3_ROOT: 's3://bucket/empty' } })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/done: 0 installed, 0 already installed → .*\nplugins → s3:\/\/bucket\/empty\/nextflow\/plugins: 0 files/)
    } finally { p.cleanup() }
  })
})
