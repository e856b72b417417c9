// plugins: small Nextflow-plugin-shaped zips, and a 127.0.0.1 server playing plugins.json, GitHub assets and the registry.
import { createHash } from 'node:crypto'
import { strToU8, zipSync } from 'fflate'
import { serve, type TestServer } from './http-server.js'
import { makeRelease, serveRelease } from './nextflow-release.js'

export interface TestPlugin { id: string; version: string; requires?: string; zip: Buffer; sha512: string; files: Record<string, string> }

/** A zip laid out like a real release: classes/ (the plugin jar unpacked, with its manifest) and lib/*.jar. */
export function makePlugin(id: string, version: string, opts: { requires?: string; manifestId?: string; bulk?: number; dependencies?: string } = {}): TestPlugin {
  const manifest = [
    'Manifest-Version: 1.0',
    `Plugin-Id: ${opts.manifestId ?? id}`,
    `Plugin-Version: ${version}`,
    `Plugin-Class: nextflow.${id.replace(/\W/g, '')}.TestPlugin`,
    'Plugin-Provider: nf-offline tests',
    ...(opts.requires ? [`Plugin-Requires: ${opts.requires}`] : []),
    ...(opts.dependencies ? [`Plugin-Dependencies: ${opts.dependencies}`] : []),
    '', '',
  ].join('\r\n')
  const files: Record<string, string> = {
    'classes/META-INF/MANIFEST.MF': manifest,
    [`classes/nextflow/${id}/TestPlugin.class`]: `class bytes of ${id} ${version}`,
    [`lib/${id}-${version}.jar`]: `jar placeholder ${id} ${version}`,
    'lib/dep-1.0.jar': 'dependency placeholder',
  }
  // `bulk` extra classes, for tests that need an install to take a while
  for (let i = 0; i < (opts.bulk ?? 0); i++) files[`classes/nextflow/${id}/gen/C${i}.class`] = `${id} ${version} ${i} `.repeat(400)
  const tree: Record<string, Uint8Array> = {}
  for (const [k, v] of Object.entries(files)) tree[k] = strToU8(v)
  const zip = Buffer.from(zipSync(tree, { mtime: new Date('2025-01-01T00:00:00Z') }))
  return { id, version, requires: opts.requires, zip, files, sha512: sha512(zip) }
}

export const sha512 = (b: Uint8Array) => createHash('sha512').update(b).digest('hex')

export interface PluginServer {
  server: TestServer
  /** plugins.json whose URLs name github.com (reach them with `rewrite`) */
  indexUrl: string
  /** the registry API base (`…/api`) */
  registryUrl: string
  /** SOURCE_REWRITE that sends github.com asset URLs to this server */
  rewrite: string
  /** NXF_BASE: Nextflow 24.10.6 and 25.10.0 stand-ins (launcher, its sha256, a small jar) */
  releasesUrl: string
  /** index entries to serve with a wrong checksum, etc. */
  close(): Promise<void>
}

/**
 * Serve `plugins` three ways: `/plugins.json` (legacy, github.com asset URLs, in publish order), the
 * GitHub asset path `/gh/nextflow-io/<id>/releases/download/<v>/<id>-<v>.zip`, and the registry
 * `/api/v1/plugins/dependencies?plugins=…` + `/api/v1/plugins/<id>/<v>/download/<id>-<v>.zip`.
 * `sha` overrides a release's sha512sum (for mismatch tests).
 */
export async function pluginServer(plugins: TestPlugin[], opts: { sha?: Record<string, string> } = {}): Promise<PluginServer> {
  const server = await serve()
  const sha = (p: TestPlugin) => opts.sha?.[`${p.id}@${p.version}`] ?? p.sha512
  const ids = [...new Set(plugins.map((p) => p.id))]
  const release = (p: TestPlugin, url: string) => ({ version: p.version, url, date: '2025-01-01T00:00:00Z', sha512sum: sha(p), requires: p.requires ?? '>=22.10.0' })
  const ghUrl = (p: TestPlugin) => `https://github.com/nextflow-io/${p.id}/releases/download/${p.version}/${p.id}-${p.version}.zip`
  server.add({ path: '/plugins.json', body: () => JSON.stringify(ids.map((id) => ({ id, releases: plugins.filter((p) => p.id === id).map((p) => release(p, ghUrl(p))) }))) })
  server.add({ path: '/api/v1/plugins/dependencies', handler: (_req, res, url) => {
    const want = (url.searchParams.get('plugins') ?? '').split(',').filter(Boolean)
    const out = []
    for (const w of want) {
      const [id, version] = w.split('@')
      const rels = plugins.filter((p) => p.id === id && (!version || p.version === version))
      if (!rels.length) { res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `Plugin ${w} not found` })); return }
      out.push({ id, downloadCount: 1, releases: rels.map((p) => ({ ...release(p, `${server.url}/api/v1/plugins/${id}/${p.version}/download/${id}-${p.version}.zip`), dependsOn: [], status: 'PUBLISHED' })) })
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ plugins: out }))
  } })
  for (const p of plugins) {
    const headers = { 'content-type': 'application/zip' }
    server.add({ path: `/gh/nextflow-io/${p.id}/releases/download/${p.version}/${p.id}-${p.version}.zip`, body: p.zip, headers })
    server.add({ path: `/api/v1/plugins/${p.id}/${p.version}/download/${p.id}-${p.version}.zip`, body: p.zip, headers })
  }
  serveRelease(server, makeRelease('24.10.6'))
  return {
    server,
    releasesUrl: serveRelease(server, makeRelease('25.10.0')),
    indexUrl: `${server.url}/plugins.json`,
    registryUrl: `${server.url}/api`,
    rewrite: `https://github.com/=>${server.url}/gh/`,
    close: () => server.close(),
  }
}
