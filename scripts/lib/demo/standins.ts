// demo-standins: local stand-ins for the outside world of the demo: S3 (s3rver), GitHub, a test-data host, a plugin index, Nextflow downloads.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { gzipSync, zipSync, strToU8 } from 'fflate'
import * as tar from 'tar'
import { UserError } from '../core/cli.js'

export const DEMO = { pipeline: 'minidemo', revision: '1.0.0', bucket: 'nf-offline-demo', nxfVer: '24.10.6' }
export const DEMO_PLUGINS = ['nf-schema@2.1.1', 'nf-amazon@2.9.3']

export interface StandIns { http: string; s3: string; close(): Promise<void> }
type Files = Map<string, Uint8Array | string>
type S3rverClass = typeof import('s3rver').default

export const demoPaths = (root: string) => ({ pipelineSrc: join(root, 'scripts', 'demo', DEMO.pipeline) })

/**
 * What the demo needs before it starts anything: the embedded pipeline (the shipped toolkit leaves
 * it out) and s3rver (a dependency, absent where node_modules is). Each miss is one line.
 */
export async function demoPrerequisites(root: string): Promise<{ pipelineSrc: string; S3rver: S3rverClass }> {
  const { pipelineSrc } = demoPaths(root)
  const clone = 'run it in a clone of the toolkit: npm ci && npx just demo'
  if (!existsSync(join(pipelineSrc, 'nextflow.config'))) throw new UserError(`the demo pipeline is not in this toolkit (${pipelineSrc}; the shipped toolkit leaves it out); ${clone}`)
  try {
    return { pipelineSrc, S3rver: (await import('s3rver')).default }
  } catch {
    throw new UserError(`s3rver, the demo's S3 stand-in, is not installed here; ${clone}`)
  }
}

/** A deterministic small FASTQ (gzipped) for sample `name`. */
function fastq(name: string, n = 200): Uint8Array {
  const bases = 'ACGT'
  let s = '', x = 7
  for (let i = 0; i < n; i++) {
    let seq = ''
    for (let j = 0; j < 50; j++) { x = (x * 1103515245 + 12345) & 0x7fffffff; seq += bases[x % 4] }
    s += `@${name}.${i}\n${seq}\n+\n${'I'.repeat(50)}\n`
  }
  return gzipSync(strToU8(s), { mtime: 0 })
}

/** A plugin release zip in the layout Nextflow unpacks (classes/META-INF/MANIFEST.MF, lib/): a stand-in, no real classes. */
function pluginZip(id: string, version: string): Uint8Array {
  const manifest = `Manifest-Version: 1.0\nPlugin-Id: ${id}\nPlugin-Version: ${version}\nPlugin-Class: demo.${id.replace(/-/g, '')}.Plugin\nPlugin-Provider: nf-offline demo\nPlugin-Requires: >=24.10.0\n`
  return zipSync({ classes: { 'META-INF': { 'MANIFEST.MF': strToU8(manifest) } }, lib: { [`${id}-${version}.jar`]: strToU8(`stand-in jar for ${id}@${version}\n`) } }, { mtime: new Date('2024-01-01') })
}

/**
 * Nextflow's launcher and -one.jar for NXF_VER, as NXF_BASE serves them: stand-ins. The jar is a whole zip
 * with a manifest and no classes; the launcher says what it is and fails if anything runs it.
 */
export function nextflowStandIns(ver: string): { launcher: string; jar: Uint8Array } {
  const launcher = `#!/usr/bin/env bash\n# nf-offline demo: a stand-in for the Nextflow launcher, not Nextflow\nNXF_VER=\${NXF_VER:-'${ver}'}\n`
    + `echo "nf-offline demo: stand-in for the Nextflow $NXF_VER launcher; it runs nothing" >&2\nexit 1\n`
  const manifest = `Manifest-Version: 1.0\nMain-Class: nextflow.cli.Launcher\nImplementation-Title: nf-offline demo stand-in for nextflow-${ver}-one.jar\n`
  const jar = zipSync({ 'META-INF': { 'MANIFEST.MF': strToU8(manifest) }, 'README.txt': strToU8('no classes: a stand-in\n') }, { mtime: new Date('2024-01-01') })
  return { launcher, jar }
}

async function tarGz(dir: string, top: string): Promise<Buffer> {
  // GitHub archives hold one `<name>-<rev>/` folder: pack the demo's sources under that prefix
  const chunks: Buffer[] = []
  for await (const c of tar.c({ gzip: true, cwd: dir, portable: true, prefix: top }, ['.']) as AsyncIterable<Buffer>) chunks.push(c)
  return Buffer.concat(chunks)
}

/** One HTTP server answering from `files` (GitHub's archive redirect included), on 127.0.0.1. */
async function serveFiles(files: Files): Promise<{ url: string; close(): Promise<void> }> {
  const { pipeline: name, revision } = DEMO
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const body = files.get(url.pathname)
    if (url.pathname === `/nf-core/${name}/archive/refs/tags/${revision}.tar.gz`) {
      res.writeHead(302, { location: `/codeload/${name}-${revision}.tar.gz` }).end()
    } else if (body === undefined) res.writeHead(404).end('not found')
    else {
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) })
      res.end(req.method === 'HEAD' ? undefined : body)
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => { server.closeAllConnections(); await new Promise((r) => server.close(r)) },
  }
}

/** GitHub: the release archive and the API answers `stage` and `suggest` ask for. */
async function githubFiles(files: Files, pipelineSrc: string): Promise<void> {
  const { pipeline: name, revision } = DEMO
  files.set(`/codeload/${name}-${revision}.tar.gz`, await tarGz(pipelineSrc, `${name}-${revision}`))
  files.set(`/repos/nf-core/${name}`, JSON.stringify({ full_name: `nf-core/${name}` }))
  files.set(`/repos/nf-core/${name}/releases/latest`, JSON.stringify({ tag_name: revision }))
  files.set(`/repos/nf-core/${name}/releases`, JSON.stringify([{ tag_name: revision, draft: false }]))
  // nf-core/configs at custom_config_version, which `mirror` brings along (the demo's own stand-in files)
  files.set('/nf-core/configs/archive/master.tar.gz', await tarGz(join(pipelineSrc, '..', 'nf-core-configs'), 'configs-master'))
}

/** The test-data host (raw.githubusercontent.com, reached through SOURCE_REWRITE): reads and their samplesheet. */
function testDataFiles(files: Files): void {
  const name = DEMO.pipeline
  const raw = `/raw/nf-core/test-datasets/${name}`
  const sheet = ['sample,fastq_1,fastq_2']
  for (const s of ['SAMPLE_A', 'SAMPLE_B']) {
    for (const r of [1, 2]) files.set(`${raw}/testdata/${s}_${r}.fastq.gz`, fastq(`${s}_${r}`))
    sheet.push(`${s},https://raw.githubusercontent.com/nf-core/test-datasets/${name}/testdata/${s}_1.fastq.gz,https://raw.githubusercontent.com/nf-core/test-datasets/${name}/testdata/${s}_2.fastq.gz`)
  }
  files.set(`${raw}/samplesheet/samplesheet_test.csv`, sheet.join('\n') + '\n')
}

/** The legacy plugin index, with zips and their sha512. */
function pluginFiles(files: Files, http: string): void {
  const index = DEMO_PLUGINS.map((p) => {
    const [id, version] = p.split('@')
    const zip = pluginZip(id, version)
    const path = `/plugins/${id}-${version}.zip`
    files.set(path, zip)
    return { id, releases: [{ version, url: `${http}${path}`, date: '2024-01-01T00:00:00Z', sha512sum: createHash('sha512').update(zip).digest('hex'), requires: '>=24.10.0' }] }
  })
  files.set('/plugins.json', JSON.stringify(index, null, 2))
}

/** NXF_BASE: `v<ver>/nextflow` and `v<ver>/nextflow-<ver>-one.jar` (no nextflow.sha256: the launcher is then checked by shape). */
function nextflowFiles(files: Files): void {
  const { launcher, jar } = nextflowStandIns(DEMO.nxfVer)
  files.set(`/nextflow-releases/v${DEMO.nxfVer}/nextflow`, launcher)
  files.set(`/nextflow-releases/v${DEMO.nxfVer}/nextflow-${DEMO.nxfVer}-one.jar`, jar)
}

/** S3 (s3rver), with the demo's bucket and a public-style source bucket. */
async function startS3(S3rver: S3rverClass, dir: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: DEMO.bucket }, { name: 'ngi-igenomes' }] })
  const info = (await server.run()) as AddressInfo
  return { url: `http://127.0.0.1:${info.port}`, close: async () => { await server.close() } }
}

/** The igenomes-style genome the demo's test profile reads from s3://ngi-igenomes. */
async function seedGenome(s3: string): Promise<void> {
  const name = DEMO.pipeline
  const fasta = '>chrDemo\n' + 'ACGTTGCA'.repeat(400).replace(/(.{60})/g, '$1\n') + '\n'
  const put = async (key: string, data: string) => {
    const res = await fetch(`${s3}/ngi-igenomes/${key}`, { method: 'PUT', body: data })
    if (!res.ok) throw new Error(`seeding s3://ngi-igenomes/${key}: HTTP ${res.status}`)
  }
  const base = `testdata/nf-core/${name}/${name}/genome`
  await put(`${base}/genome.fasta`, fasta)
  await put(`${base}/genome.fasta.fai`, `chrDemo\t3200\t9\t60\t61\n`)
  await put(`${base}/README.txt`, 'minidemo genome: a stand-in for an iGenomes test reference\n')
}

/** Start the stand-ins; whatever fails on the way, the servers already started are closed before the error goes up. */
export async function startStandIns(pipelineSrc: string, s3dir: string, S3rver: S3rverClass): Promise<StandIns> {
  const closers: (() => Promise<void>)[] = []
  const close = async () => { for (const c of closers.splice(0).reverse()) await c().catch(() => undefined) }
  try {
    const files: Files = new Map()
    const web = await serveFiles(files)
    closers.push(web.close)
    await githubFiles(files, pipelineSrc)
    testDataFiles(files)
    pluginFiles(files, web.url)
    nextflowFiles(files)
    const s3 = await startS3(S3rver, s3dir)
    closers.push(s3.close)
    await seedGenome(s3.url)
    return { http: web.url, s3: s3.url, close }
  } catch (e) {
    await close()
    throw e
  }
}
