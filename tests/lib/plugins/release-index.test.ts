import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_INDEX, DEFAULT_REGISTRY, findRelease, knownVersions, newestFitting, parseEntries, pickSources, resolveReleases } from '../../../scripts/lib/plugins/release-index.js'
import { closedPort } from '../../helpers/http-server.js'
import { makePlugin, pluginServer, type PluginServer } from '../../helpers/plugins.js'
import { fixtures } from '../../helpers/project.js'

const index = parseEntries(JSON.parse(readFileSync(join(fixtures, 'plugins/index.json'), 'utf8')), 'index.json')
const legacy = { kind: 'index' as const, url: 'x' }

describe('pickSources', () => {
  it.each([
    [{}, [`index ${DEFAULT_INDEX}`, `registry ${DEFAULT_REGISTRY}`]],
    [{ NXF_VER: '24.10.6' }, [`index ${DEFAULT_INDEX}`, `registry ${DEFAULT_REGISTRY}`]],
    [{ NXF_VER: '25.04.8' }, [`index ${DEFAULT_INDEX}`, `registry ${DEFAULT_REGISTRY}`]],
    [{ NXF_VER: '25.07.0-edge' }, [`registry ${DEFAULT_REGISTRY}`, `index ${DEFAULT_INDEX}`]],
    [{ NXF_VER: '25.10.0' }, [`registry ${DEFAULT_REGISTRY}`, `index ${DEFAULT_INDEX}`]],
    [{ NXF_VER: '24.10.6', NXF_PLUGINS_REGISTRY_URL: 'http://r/api' }, ['registry http://r/api', `index ${DEFAULT_INDEX}`]],
    [{ NXF_VER: '25.10.0', NXF_PLUGINS_INDEX_URL: 'http://i/p.json' }, ['index http://i/p.json', `registry ${DEFAULT_REGISTRY}`]],
    [{ NXF_VER: '25.10.0', NXF_PLUGINS_INDEX_URL: 'http://i/p.json', NXF_PLUGINS_REGISTRY_URL: 'http://r/api' }, ['registry http://r/api', 'index http://i/p.json']],
    [{ NXF_PLUGINS_REGISTRY_URL: 'http://m/plugins.json' }, ['index http://m/plugins.json', `index ${DEFAULT_INDEX}`]],
    [{ NXF_PLUGINS_REGISTRY_URL: 'http://m/p.json', NXF_PLUGINS_INDEX_URL: 'http://m/p.json' }, ['index http://m/p.json']],
  ])('%j → %j', (env, want) => expect(pickSources(env).map((s) => `${s.kind} ${s.url}`)).toEqual(want))
})

describe('the legacy index (a trimmed real plugins.json)', () => {
  it.each([
    ['nf-amazon', '2.9.3', '>=24.10.6'],
    ['nf-amazon', '2.15.0-patch2', '>=25.03.0-edge'],
    ['nf-validation', '1.1.3', '>=22.10.0'],
    ['nf-prov', '1.2.2', '>=23.04.0'],
  ])('finds %s@%s (requires %s)', (id, version, requires) => {
    const f = findRelease(index, { id, version }, legacy)!
    expect(f.release.requires).toBe(requires)
    expect(f.release.url).toBe(`https://github.com/nextflow-io/${id}/releases/download/${version}/${id}-${version}.zip`)
    expect(f.release.sha512sum).toMatch(/^[0-9a-f]{128}$/)
  })

  it.each([
    ['nf-amazon', '24.10.6', '2.9.3'],
    ['nf-amazon', '25.04.8', '2.15.0'],        // semver: 2.15.0-patch2 is a pre-release of 2.15.0
    ['nf-amazon', '25.07.0-edge', '3.1.0'],
    ['nf-prov', '24.10.6', '1.4.0'],
    ['nf-prov', '25.10.0', '1.6.0'],
    ['nf-amazon', '24.04.0', undefined],
  ])('newest %s fitting Nextflow %s is %s', (id, nxf, want) =>
    expect(newestFitting(index.find((p) => p.id === id)!.releases, nxf)?.version).toBe(want))

  it('lists known versions newest first', () => expect(knownVersions(index, 'nf-validation', 3)).toEqual(['1.1.4', '1.1.3', '1.1.2']))
  it('a registry release without url gets the standard download URL', () =>
    expect(findRelease([{ id: 'a', releases: [{ version: '1.0.0' }] }], { id: 'a', version: '1.0.0' }, { kind: 'registry', url: 'http://r/api/' })!.release.url)
      .toBe('http://r/api/v1/plugins/a/1.0.0/download/a-1.0.0.zip'))
  it('refuses what is not an index', () => expect(() => parseEntries({ foo: 1 }, 'http://x/p.json')).toThrow('http://x/p.json: not a plugins index'))
})

describe('resolveReleases against local servers', () => {
  let srv: PluginServer
  beforeAll(async () => { srv = await pluginServer([makePlugin('nf-a', '1.0.0'), makePlugin('nf-a', '1.1.0'), makePlugin('nf-b', '2.0.0')]) })
  afterAll(() => srv.close())

  it('reads the registry with one dependencies call when NXF_VER says so', async () => {
    srv.server.log.length = 0
    const r = await resolveReleases([{ id: 'nf-a', version: '1.0.0' }, { id: 'nf-b', version: '2.0.0' }], { NXF_VER: '25.10.0', NXF_PLUGINS_REGISTRY_URL: srv.registryUrl })
    expect(srv.server.log).toEqual(['GET /api/v1/plugins/dependencies?plugins=nf-a@1.0.0,nf-b@2.0.0&nextflowVersion=25.10.0'])
    expect(r.found.get('nf-a@1.0.0')!.release.url).toBe(`${srv.registryUrl}/v1/plugins/nf-a/1.0.0/download/nf-a-1.0.0.zip`)
    expect(r.missing.size).toBe(0)
  })

  it('falls back to the index for what the registry lacks, and says where it looked', async () => {
    const env = { NXF_VER: '25.10.0', NXF_PLUGINS_REGISTRY_URL: srv.registryUrl, NXF_PLUGINS_INDEX_URL: `${srv.server.url}/empty.json` }
    srv.server.add({ path: '/empty.json', json: [{ id: 'nf-x', releases: [{ version: '1.0.0', url: 'https://github.com/x/nf-x-1.0.0.zip' }] }] })
    const r = await resolveReleases([{ id: 'nf-a', version: '1.1.0' }, { id: 'nf-x', version: '1.0.0' }, { id: 'nf-a', version: '9.9.9' }], env)
    expect(r.found.get('nf-a@1.1.0')!.source.kind).toBe('registry')
    expect(r.found.get('nf-x@1.0.0')!.source.kind).toBe('index')
    expect(r.missing.get('nf-a@9.9.9')).toBe(`nf-a@9.9.9 is not in the registry ${srv.registryUrl} nor the index ${srv.server.url}/empty.json`)
    expect(r.missing.get('nf-x@1.0.0')).toBeUndefined()
  })

  it('names the index and the versions it has for an unknown version', async () => {
    const r = await resolveReleases([{ id: 'nf-a', version: '9.9.9' }], { NXF_PLUGINS_INDEX_URL: srv.indexUrl, NXF_PLUGINS_REGISTRY_URL: srv.indexUrl })
    expect(r.missing.get('nf-a@9.9.9')).toBe(`nf-a@9.9.9 is not in the index ${srv.indexUrl}; it has 1.1.0, 1.0.0`)
  })

  it('an unreachable first source falls back, and a dead network is one clear error', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}`
    const r = await resolveReleases([{ id: 'nf-b', version: '2.0.0' }], { NF_OFFLINE_RETRY_MS: '1', NXF_PLUGINS_INDEX_URL: `${dead}/plugins.json`, NXF_PLUGINS_REGISTRY_URL: srv.registryUrl, NXF_VER: '24.10.6' })
    expect(r.found.get('nf-b@2.0.0')!.source.kind).toBe('registry')
    await expect(resolveReleases([{ id: 'nf-b', version: '2.0.0' }], { NF_OFFLINE_RETRY_MS: '1', NXF_PLUGINS_INDEX_URL: `${dead}/plugins.json`, NXF_PLUGINS_REGISTRY_URL: `${dead}/api` }))
      .rejects.toThrow(`cannot reach ${dead} (ECONNREFUSED)`)
  })
})
