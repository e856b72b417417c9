import { DeleteObjectCommand } from '@aws-sdk/client-s3'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeTools, type FakeTools } from '../helpers/fake-nextflow.js'
import { jarStandIn } from '../helpers/nextflow-release.js'
import { closedPort, type TestServer } from '../helpers/http-server.js'
import { fixtures, tmpProject, type Project, cacheConfigs } from '../helpers/project.js'
import { ociImage, push, startRegistry } from '../helpers/registry.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { commonDir } from '../../scripts/lib/mirror/data-check.js'
import { recordDerived } from '../../scripts/lib/stage/derived.js'
import { dataHost, seedSourceBucket, stageFixture } from './mirror-setup.js'

let p: Project, s3: TestS3, http: TestServer, env: Record<string, string>, tools: FakeTools
const name = 'igenomes-genome'

/** An NXF_HOME with these plugins installed whole and the framework jar of 24.10.6. */
function nxfHome(dir: string, plugins: string[]): Record<string, string> {
  rmSync(dir, { recursive: true, force: true })
  for (const w of plugins) {
    const [id, version] = w.split('@')
    mkdirSync(join(dir, 'plugins', `${id}-${version}`, 'classes', 'META-INF'), { recursive: true })
    writeFileSync(join(dir, 'plugins', `${id}-${version}`, 'classes', 'META-INF', 'MANIFEST.MF'), `Manifest-Version: 1.0\nPlugin-Id: ${id}\nPlugin-Version: ${version}\n`)
  }
  mkdirSync(join(dir, 'framework', '24.10.6'), { recursive: true })
  writeFileSync(join(dir, 'framework', '24.10.6', 'nextflow-24.10.6-one.jar'), jarStandIn('24.10.6'))
  return { NXF_HOME: dir, NXF_VER: '24.10.6' }
}

/** The lines of one `[group]` of the output. */
function group(stdout: string, title: string): string[] {
  const lines = stdout.split('\n')
  const at = lines.findIndex((l) => l === `[${title}]` || l.startsWith(`[${title} `))
  if (at < 0) return []
  const end = lines.findIndex((l, i) => i > at && (l.startsWith('[') || /^(not )?ready: /.test(l)))
  return lines.slice(at + 1, end)
}

beforeAll(async () => {
  p = tmpProject()
  cacheConfigs(p)
  s3 = await startS3(['dest', 'ngi-igenomes'])
  await seedSourceBucket(s3)
  http = await dataHost()
  env = { ...s3.env, S3_ROOT: 's3://dest/offline', OFFLINE_DIR: `${p.root}/offline`, SOURCE_REWRITE: `https://raw.githubusercontent.com/nf-core/test-datasets=>${http.url}/raw` }
  stageFixture(p, name)
  tools = fakeTools()
  // a host ready in every other way: the plugins plugins.list pins, the framework, java/docker/nextflow
  Object.assign(env, nxfHome(join(p.root, 'nxf'), ['nf-amazon@2.9.3', 'nf-validation@1.1.3', 'nf-prov@1.2.2']), { PATH: tools.path() })
})
afterAll(async () => { await http.close(); await s3.stop(); p.cleanup(); tools.cleanup() })

describe('just check (data)', () => {
  it('refuses a test.config that mirror has not rewritten', async () => {
    const r = await p.just(['check'], { cwd: `pipelines/${name}`, env })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`check: pipelines/${name}/test.config does not point at S3 yet; run: just mirror ${name}\n`)
  })

  it('lists every object test.config and inputs3.csv name, with sizes', async () => {
    expect((await p.script('mirror', [name], { env })).code).toBe(0)
    const r = await p.just(['check'], { cwd: `pipelines/${name}`, env })
    expect(r.stderr).toBe('')
    expect(r.code, r.stdout).toBe(0)
    const lines = group(r.stdout, 'data')
    // inputs3.csv + its 2 distinct cells + 2 bcftools files + 4 genome files + the genome's bwa/ folder
    expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(10)
    expect(lines).toContainEqual(expect.stringMatching(/^✓ +\d+ kB {2}s3:\/\/dest\/offline\/igenomes-genome\/data\/ngi-igenomes\/testdata\/nf-core\/modules\/genomics\/homo_sapiens\/genome\/bwa\/$/))
    expect(lines).toContainEqual(expect.stringMatching(/^✓ +\d+ kB {2}s3:\/\/dest\/offline\/igenomes-genome\/data\/ngi-igenomes\/testdata\/nf-core\/modules\/genomics\/homo_sapiens\/genome\/genome.fasta$/))
    expect(lines.at(-1)).toMatch(/^data: 10 objects, [\d.]+ kB$/)
    expect(r.stdout).toMatch(/\nready: all 17 checks passed\n$/)   // 10 objects, 3 plugins, framework, 3 tools
  })

  it('exits 1 naming a missing object', async () => {
    const key = 'offline/igenomes-genome/data/ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta.fai'
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'dest', Key: key }))
    const r = await p.script('check', [name], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`✗ missing   s3://dest/${key} (genome 'testdata.nf-core.sarek'); run: just mirror ${name} (Dev), then just up (Dev)\n`)
    expect(group(r.stdout, 'data').at(-1)).toMatch(/^data: 9 objects, .*; 1 missing$/)
    expect(r.stdout).toMatch(/\nnot ready: 1 of 17 checks failed\n$/)
    expect(r.stderr).toBe('')
  })

  it('follows the URLs inside a mirrored URL list (bbsplit_fasta_list)', async () => {
    stageFixture(p, 'bbsplit-list')
    expect((await p.script('mirror', ['bbsplit-list'], { env })).code).toBe(0)
    const r = await p.script('check', ['bbsplit-list'], { env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^✓ .*\/reference\/sarscov2.fa$/m)
    expect(r.stdout).toMatch(/^✓ .*\/reference\/human.fa$/m)
    expect(r.stdout).toMatch(/^data: 10 objects/m)   // inputs3.csv, its 5 files, fasta, the list and its 2 files
    expect(r.stdout).toMatch(/^ready: all 17 checks passed$/m)
  })

  it.each([
    [['a/b/c.fa', 'a/b/d/e.fa'], 'a/b/'],
    [['a/b/c.fa', 'a/x/c.fa'], 'a/'],
    [['a/b/c.fa'], 'a/b/'],
    [['top.fa', 'a/b.fa'], ''],
    [['ab/c', 'abc/d'], ''],
  ])('one listing for %j under %j', (keys, dir) => expect(commonDir(keys)).toBe(dir))
})

describe('just check (readiness of this host)', () => {
  const ready = 'ready'
  const NXF = () => join(p.root, 'nxf-ready')
  const PLUGINS = ['nf-schema@2.1.1', 'nf-amazon@2.9.3', 'nf-validation@1.1.3', 'nf-prov@1.2.2']
  beforeAll(() => {
    const dir = join(p.root, 'pipelines', ready)
    cpSync(join(fixtures, 'readiness', ready), join(dir, ready), { recursive: true })
    writeFileSync(join(dir, 'Pipeline-ENV'), `export PIPELINE=${ready}\nexport REVISION=1.0.0\n`)
    symlinkSync('../pipeline.just', join(dir, 'justfile'))
  })

  it('--local: plugins, framework and tools of a ready host, one line each, in well under a second', async () => {
    const host = { ...nxfHome(NXF(), PLUGINS), PATH: tools.path() }
    const r = await p.just(['check', '--local'], { cwd: `pipelines/${ready}`, env: host })
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe([
      `[plugins in ${NXF()}/plugins]`,
      ...PLUGINS.map((w) => `✓ plugin ${w}`),   // declared, nf-amazon for igenomes_base, then plugins.list
      '[framework]',
      `✓ framework 24.10.6 ${NXF()}/framework/24.10.6/nextflow-24.10.6-one.jar`,
      '[tools]',
      `✓ java 17.0.2 ${tools.bin}/java`, ...['docker', 'nextflow'].map((t) => `✓ ${t} ${tools.bin}/${t}`),
      'ready: all 8 checks passed', '',
    ].join('\n'))
    expect(r.code).toBe(0)
    console.log(`just check --local on the fixture: ${r.ms} ms wall (just + node)`)
  })

  it('names each miss (missing, incomplete, stray, framework, tools) and exits 1', async () => {
    const host = nxfHome(NXF(), ['nf-amazon@2.9.3', 'nf-validation@1.1.3'])
    mkdirSync(join(NXF(), 'plugins', 'nf-prov-1.2.2', 'lib'), { recursive: true })   // a copy cut short: no manifest
    mkdirSync(join(NXF(), 'plugins', 'empty'))
    writeFileSync(join(NXF(), 'plugins', '.DS_Store'), '')
    rmSync(join(NXF(), 'framework'), { recursive: true })
    const javaOnly = fakeTools(['java'])
    try {
      const r = await p.script('check', [ready, '--local'], { env: { ...host, PATH: javaOnly.bin } })
      const stray = (f: string) => `✗ stray ${NXF()}/plugins/${f}: not a plugin folder; offline Nextflow fails on it ("Cannot find the manifest path"); run: rm -rf ${NXF()}/plugins/${f}`
      expect(group(r.stdout, 'plugins')).toEqual([
        '✗ plugin nf-schema@2.1.1: not installed (needed by nextflow.config); run: just plugins (Dev), then just plugins --down',
        '✓ plugin nf-amazon@2.9.3',
        '✓ plugin nf-validation@1.1.3',
        '✗ plugin nf-prov@1.2.2: nf-prov-1.2.2 is incomplete (no classes/META-INF/MANIFEST.MF); run: just plugins --down',
        stray('.DS_Store'), stray('empty'),
      ])
      expect(group(r.stdout, 'framework')).toEqual([`✗ framework 24.10.6: ${NXF()}/framework/24.10.6/nextflow-24.10.6-one.jar missing; run: just plugins --down`])
      expect(group(r.stdout, 'tools')).toEqual([
        `✓ java 17.0.2 ${javaOnly.bin}/java`,
        '✗ docker: not found on PATH; the test profile runs its tasks in Docker containers: install Docker',
        "✗ nextflow: not in the toolkit's bin/ nor on PATH; run: just plugins --down",
      ])
      expect(r.stdout).toMatch(/\nnot ready: 7 of 10 checks failed\n$/)
      expect(r.stderr).toBe('')
      expect(r.code).toBe(1)
    } finally { javaOnly.cleanup() }
  })

  it('an unreachable S3 is one failed data item; the local checks still run', async () => {
    const host = { ...env, ...nxfHome(NXF(), ['nf-amazon@2.9.3', 'nf-validation@1.1.3', 'nf-prov@1.2.2']), AWS_ENDPOINT_URL: `http://127.0.0.1:${await closedPort()}` }
    const r = await p.script('check', [name], { env: host })
    expect(group(r.stdout, 'data')).toEqual([expect.stringMatching(/^✗ S3 data: s3:\/\/dest\/.*: cannot reach S3 \(ECONNREFUSED\); check AWS_ENDPOINT_URL/)])
    expect(group(r.stdout, 'plugins')).toHaveLength(3)
    expect(r.stdout).toMatch(/\nnot ready: 1 of 8 checks failed\n$/)
    expect(r.code).toBe(1)
  })

  it('--images: each image resolves through REGISTRY_PROXY (a real registry), from images.txt or else the staged config', async () => {
    const reg = await startRegistry()
    const layout = mkdtempSync(join(tmpdir(), 'nfo-oci-'))
    try {
      const digest = ociImage(layout, '1.0--0')
      await push(layout, '1.0--0', `${reg.host}/biocontainers/hello:1.0--0`)
      const host = { ...nxfHome(NXF(), PLUGINS), PATH: tools.path(), REGISTRY_PROXY: reg.url }
      let r = await p.script('check', [ready, '--local', '--images'], { env: host })
      expect(r.stdout).toContain(`\n[images via ${reg.url}, from the staged config (just images writes images.txt)]\n✓ image quay.io/biocontainers/hello:1.0--0 ${digest}\nready: all 9 checks passed\n`)
      expect(r.code).toBe(0)
      writeFileSync(join(p.root, 'pipelines', ready, 'images.txt'), 'quay.io/biocontainers/hello:1.0--0\nquay.io/biocontainers/gone:2\n')
      recordDerived(join(p.root, 'pipelines', ready), 'images.txt', '1.0.0', readFileSync(join(p.root, 'pipelines', ready, 'images.txt')))   // as `just images` would
      r = await p.script('check', [ready, '--local', '--images'], { env: host })
      expect(group(r.stdout, 'images')).toEqual([`✓ image quay.io/biocontainers/hello:1.0--0 ${digest}`, '✗ image quay.io/biocontainers/gone:2: manifest unknown (404)'])
      expect(r.stdout).toMatch(/\nnot ready: 1 of 10 checks failed\n$/)
      expect(r.code).toBe(1)
    } finally {
      await reg.stop()
      rmSync(layout, { recursive: true, force: true })
    }
  })

  it('refuses an unknown option in one line', async () => {
    const r = await p.script('check', [ready, '--imgaes'], { env: {} })
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'check: unknown option --imgaes (did you mean --images?); usage: just check [--local | --data] [--images]\n' })
  })

  it('--data checks only the S3 data (Dev, right after mirror): no plugins, framework or tools', async () => {
    const r = await p.script('check', ['bbsplit-list', '--data'], { env: { ...env, NXF_HOME: join(p.root, 'nowhere'), PATH: '' } })
    expect(r.stdout.split('\n').filter((l) => l.startsWith('['))).toEqual(['[data]'])
    expect(r.stdout).toMatch(/\nready: all 10 checks passed\n$/)
    expect(r.code).toBe(0)
  })
})
