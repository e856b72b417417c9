import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { installPlugin, openWorkDir, parseManifest, sweepDeadTemps, unzipInto } from '../../../scripts/lib/plugins/install.js'
import { installAll } from '../../../scripts/lib/plugins/batch.js'
import { makePlugin, pluginServer, sha512, type PluginServer } from '../../helpers/plugins.js'

/** every file under `dir`, relative, sorted */
function files(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : out.push(relative(dir, join(d, e.name))) }
  walk(dir)
  return out.sort()
}

describe('parseManifest', () => {
  it.each([
    ['Plugin-Id: nf-amazon\r\nPlugin-Version: 2.9.3\r\n', { 'Plugin-Id': 'nf-amazon', 'Plugin-Version': '2.9.3' }],
    ['Plugin-Requires: >=24.10.6\nPlugin-Description: a very long\n  description\n', { 'Plugin-Requires': '>=24.10.6', 'Plugin-Description': 'a very long description' }],
    ['', {}],
  ])('%j', (text, want) => expect(parseManifest(text)).toEqual(want))
})

describe('installPlugin', () => {
  const a = makePlugin('nf-a', '1.0.0', { requires: '>=24.10.0' })
  const wrong = makePlugin('nf-w', '1.0.0', { manifestId: 'nf-other' })
  let srv: PluginServer
  let home: string, plugins: string
  beforeAll(async () => {
    srv = await pluginServer([a, wrong])
    srv.server.add({ path: '/bad.zip', body: Buffer.from(zipSync({ '../evil': strToU8('x'), 'classes/META-INF/MANIFEST.MF': strToU8('Plugin-Id: x') })) })
    srv.server.add({ path: '/notzip.zip', body: 'hello' })
  })
  afterAll(() => srv.close())
  beforeEach(() => { home = mkdtempSync(join(tmpdir(), 'nfo-pl-')); plugins = join(home, 'plugins') })
  afterEach(() => rmSync(home, { recursive: true, force: true }))
  const url = (p: { id: string; version: string }) => `${srv.registryUrl}/v1/plugins/${p.id}/${p.version}/download/${p.id}-${p.version}.zip`

  it('unpacks the zip as-is into <id>-<version>/ and leaves nothing else anywhere', async () => {
    const work = await openWorkDir(plugins)
    expect(await installPlugin({ ...a, url: url(a), sha512sum: a.sha512 }, plugins, work.dir, {})).toBe('installed')
    await work.close()
    expect(readdirSync(plugins)).toEqual(['nf-a-1.0.0'])
    expect(files(join(plugins, 'nf-a-1.0.0'))).toEqual(Object.keys(a.files).sort())
    for (const [f, text] of Object.entries(a.files)) expect(readFileSync(join(plugins, 'nf-a-1.0.0', f), 'utf8')).toBe(text)
    expect(readdirSync(home)).toEqual(['plugins'])
  })

  it('refuses a checksum mismatch with Nextflow\'s message and installs nothing', async () => {
    const work = await openWorkDir(plugins)
    const bad = 'ab'.repeat(64)
    await expect(installPlugin({ ...a, url: url(a), sha512sum: bad }, plugins, work.dir, {}))
      .rejects.toThrow(`SHA512 checksum of downloaded file nf-a-1.0.0.zip does not match that from plugin descriptor. Got ${a.sha512} but expected ${bad}`)
    await work.close()
    expect(readdirSync(plugins)).toEqual([])
    expect(readdirSync(home)).toEqual(['plugins'])
  })

  it.each([
    ['a zip for another plugin', () => ({ id: 'nf-w', version: '1.0.0', url: url(wrong) }), 'nf-w-1.0.0.zip contains nf-other@1.0.0, not nf-w@1.0.0'],
    ['an entry outside the folder', () => ({ id: 'x', version: '1', url: `${srv.server.url}/bad.zip` }), "bad.zip: unsafe entry '../evil'"],
    ['not a zip', () => ({ id: 'x', version: '1', url: `${srv.server.url}/notzip.zip` }), 'notzip.zip is not a valid zip'],
    ['a 404', () => ({ id: 'x', version: '1', url: `${srv.server.url}/nope.zip` }), '/nope.zip: HTTP 404'],
  ])('refuses %s', async (_what, job, msg) => {
    const work = await openWorkDir(plugins)
    await expect(installPlugin(job(), plugins, work.dir, {})).rejects.toThrow(msg)
    await work.close()
    expect(readdirSync(plugins)).toEqual([])
  })

  it('replaces a folder without manifest, and keeps one that has it', async () => {
    mkdirSync(join(plugins, 'nf-a-1.0.0/lib'), { recursive: true })
    writeFileSync(join(plugins, 'nf-a-1.0.0/lib/half.jar'), 'x')
    const work = await openWorkDir(plugins)
    expect(await installPlugin({ ...a, url: url(a), sha512sum: a.sha512 }, plugins, work.dir, {})).toBe('repaired')
    expect(files(join(plugins, 'nf-a-1.0.0'))).toEqual(Object.keys(a.files).sort())
    expect(await installPlugin({ ...a, url: url(a), sha512sum: a.sha512 }, plugins, work.dir, {})).toBe('present')
    await work.close()
  })

  it('reaches github.com asset URLs through SOURCE_REWRITE', async () => {
    const work = await openWorkDir(plugins)
    const gh = `https://github.com/nextflow-io/nf-a/releases/download/1.0.0/nf-a-1.0.0.zip`
    expect(await installPlugin({ ...a, url: gh, sha512sum: a.sha512 }, plugins, work.dir, { SOURCE_REWRITE: srv.rewrite })).toBe('installed')
    await work.close()
  })

  it('sweeps scratch dirs of killed runs, not of live ones', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    mkdirSync(join(home, `.plugins.tmp-${dead}-abc/nf-a-1.0.0`), { recursive: true })
    mkdirSync(join(home, `.plugins.tmp-${process.pid}-abc`))
    mkdirSync(plugins)
    writeFileSync(join(plugins, `.nf-a-1.0.0.tmp-${dead}-x`), '')
    sweepDeadTemps(home, 'plugins')
    sweepDeadTemps(plugins)
    expect(readdirSync(home).sort()).toEqual([`.plugins.tmp-${process.pid}-abc`, 'plugins'])
    expect(readdirSync(plugins)).toEqual([])
  })

  // the faults campaign (seed 254950093) killed a run after its last install, before its scratch dir was
  // removed: the re-run had nothing to install, opened no work dir, and so never swept it
  it('a run with nothing to install still sweeps the scratch dir a killed run left, and asks no server', async () => {
    const work = await openWorkDir(plugins)
    expect(await installPlugin({ ...a, url: url(a), sha512sum: a.sha512 }, plugins, work.dir, {})).toBe('installed')
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!
    const left = join(home, `.plugins.tmp-${dead}-abc`)
    mkdirSync(join(left, 'nf-a-1.0.0'), { recursive: true })
    await work.close()
    const lines: string[] = []
    const env = { NXF_PLUGINS_INDEX_URL: 'http://127.0.0.1:9/none', NXF_PLUGINS_REGISTRY_URL: 'http://127.0.0.1:9/none', NXF_VER: '24.10.6' }
    const r = await installAll([{ id: 'nf-a', version: '1.0.0', at: 'plugins.list:1' }], plugins, { env, line: (l) => lines.push(l), warn: (l) => lines.push(l) })
    expect(r.map((x) => x.status)).toEqual(['present'])
    expect(lines[0]).toBe('· nf-a@1.0.0 already installed')
    expect(readdirSync(home).sort()).toEqual(['plugins'])
  })

  it('unzipInto keeps directories and nested files', () => {
    const d = join(home, 'u')
    expect(unzipInto(zipSync({ 'a/': new Uint8Array(), 'a/b/c.txt': strToU8('c') }), d, 't.zip')).toBe(1)
    expect(existsSync(join(d, 'a/b/c.txt'))).toBe(true)
    expect(sha512(new Uint8Array())).toMatch(/^cf83/)
  })
})
