// Advice that fixes what it names: break each `just check` item in turn, run the command its ✗ line names
// (in the folder check ran in), and check again. One folder plays Dev and Prod, against s3rver and local servers.
import { appendFileSync, chmodSync, existsSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { DeleteObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeTools, type FakeTools } from '../helpers/fake-nextflow.js'
import type { TestServer } from '../helpers/http-server.js'
import { makePlugin, pluginServer, type PluginServer } from '../helpers/plugins.js'
import { cacheConfigs, justBin, run, tmpProject, type Project } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { dataHost, seedSourceBucket, stageFixture } from './mirror-setup.js'

const name = 'igenomes-genome'
let p: Project, s3: TestS3, data: TestServer, plug: PluginServer, tools: FakeTools, env: Record<string, string | undefined>
const home = () => join(p.root, 'home/offline/.nextflow')
const folder = () => join(p.root, 'pipelines', name)

/** `just <args>` in the pipeline folder, as a user types it there */
const just = (args: string[]) => run(justBin, args, { cwd: folder(), env, timeoutMs: 120_000 })

/** `A (Dev), then B (Dev)` → `A && B`: one host plays both sides here */
const asShell = (advice: string) => advice.replace(/ \(Dev\), then /g, ' && ').replace(/ \(Dev\)$/, '')

/** The commands that the check's failed lines name (`...; run: <command>`), in order. */
function advice(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('✗ ')).map((l) => {
    const i = l.lastIndexOf('; run: ')
    expect(i, `no command in: ${l}`).toBeGreaterThan(0)
    return asShell(l.slice(i + '; run: '.length))
  })
}

beforeAll(async () => {
  p = tmpProject()
  cacheConfigs(p)
  s3 = await startS3(['dest', 'ngi-igenomes'])
  await seedSourceBucket(s3)
  data = await dataHost()
  plug = await pluginServer([makePlugin('nf-amazon', '2.9.3', { requires: '>=24.10.6' }), makePlugin('nf-validation', '1.1.3'), makePlugin('nf-prov', '1.2.2'), makePlugin('nf-schema', '2.1.1')])
  tools = fakeTools(['java', 'docker'])
  env = {
    ...s3.env, S3_ROOT: 's3://dest/offline', OFFLINE_DIR: join(p.root, 'offline'), HOME: join(p.root, 'home'), NF_OFFLINE_CACHE: join(p.root, '.cache'), JAVA_HOME: undefined,
    SOURCE_REWRITE: `https://raw.githubusercontent.com/nf-core/test-datasets=>${data.url}/raw;${plug.rewrite}`,
    NXF_PLUGINS_INDEX_URL: plug.indexUrl, NXF_PLUGINS_REGISTRY_URL: plug.registryUrl, NXF_BASE: plug.releasesUrl,
    // the doubles, just itself, and bash/coreutils for the advice; no nextflow anywhere
    PATH: [tools.bin, dirname(justBin), dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
  }
  stageFixture(p, name)
  appendFileSync(join(folder(), name, 'nextflow.config'), "\nplugins {\n    id 'nf-schema@2.1.1'\n}\n")   // beyond plugins.list
  for (const step of [['mirror'], ['up'], ['plugins'], ['plugins', '--down']]) {
    const r = await just(step)
    if (r.code !== 0) throw new Error(`just ${step.join(' ')}: ${r.stderr}${r.stdout}`)
  }
}, 180_000)
afterAll(async () => { tools.cleanup(); await data.close(); await plug.close(); await s3.stop(); p.cleanup() })

describe('just check: each failed item names a command that makes it pass', () => {
  it('a ready host first', async () => {
    const r = await just(['check'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(/^✓ plugin nf-schema@2.1.1$/m)
    expect(r.stdout).toMatch(/\nready: all \d+ checks passed\n$/)
    expect(r.code).toBe(0)
  })

  const plugin = (n: string) => join(home(), 'plugins', n)
  const jar = () => join(home(), 'framework/24.10.6/nextflow-24.10.6-one.jar')
  it.each<[string, string[], () => void | Promise<void>, RegExp]>([
    ['a plugins.list plugin removed', [], () => rmSync(plugin('nf-prov-1.2.2'), { recursive: true }), /^✗ plugin nf-prov@1.2.2: not installed; run: just plugins --down$/m],
    ['a plugin only the pipeline pins, removed', [], () => rmSync(plugin('nf-schema-2.1.1'), { recursive: true }),
      /^✗ plugin nf-schema@2.1.1: not installed \(needed by nextflow.config\); run: just plugins \(Dev\), then just plugins --down$/m],
    ['a plugin copy cut short (no manifest)', [], () => rmSync(join(plugin('nf-validation-1.1.3'), 'classes/META-INF/MANIFEST.MF')), /^✗ plugin nf-validation@1.1.3: nf-validation-1.1.3 is incomplete/m],
    ['a folder holding another release', [], () => writeFileSync(join(plugin('nf-amazon-2.9.3'), 'classes/META-INF/MANIFEST.MF'), 'Manifest-Version: 1.0\nPlugin-Id: nf-amazon\nPlugin-Version: 2.9.0\n'),
      /^✗ plugin nf-amazon@2.9.3: nf-amazon-2.9.3 holds nf-amazon@2.9.0; run: rm -rf .* && just plugins --down$/m],
    ['a stray file in the plugins dir', [], () => writeFileSync(plugin('nf-old 1.0.zip'), 'zip'), /^✗ stray .*nf-old 1.0.zip: .*; run: rm -rf '.*nf-old 1.0.zip'$/m],
    ['the framework jar removed', [], () => rmSync(jar()), /^✗ framework 24.10.6: .* missing; run: just plugins --down$/m],
    ['the framework jar cut short', [], () => truncateSync(jar(), 100), /^✗ framework 24.10.6: .* is broken \(no end-of-central-directory record \(cut short\?\)\); run: just plugins --down$/m],
    ['bin/nextflow removed', [], () => rmSync(join(p.root, 'bin/nextflow')), /^✗ nextflow: not in the toolkit's bin\/ nor on PATH; run: just plugins --down$/m],
    ['bin/nextflow not executable', [], () => chmodSync(join(p.root, 'bin/nextflow'), 0o644), /^✗ nextflow: .*; run: just plugins --down$/m],
    ['the staged config gone', ['--local'], () => rmSync(join(folder(), name, 'nextflow.config')), /^✗ pipelines\/igenomes-genome\/igenomes-genome\/nextflow.config: missing, so its plugins are not known; run: just down$/m],
    ['a mirrored object gone from S3', [], async () => {
      await s3.client.send(new DeleteObjectCommand({ Bucket: 'dest', Key: 'offline/igenomes-genome/data/ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta' }))
    }, /^✗ missing .*genome.fasta .*; run: just mirror igenomes-genome \(Dev\), then just up \(Dev\)$/m],
  ])('%s: the advice makes it pass', async (_, flags, breakIt, line) => {
    await breakIt()
    const bad = await just(['check', ...flags])
    expect(bad.stdout).toMatch(line)
    expect(bad.code).toBe(1)
    const cmds = advice(bad.stdout)
    expect(cmds.length).toBeGreaterThan(0)
    for (const c of cmds) {
      const r = await run('bash', ['-c', c], { cwd: folder(), env, timeoutMs: 120_000 })
      expect(r.code, `${c}: ${r.stderr}`).toBe(0)
    }
    const good = await just(['check', ...flags])
    expect(good.stdout).toMatch(/\nready: all \d+ checks passed\n$/)
    expect(good.code).toBe(0)
    expect(existsSync(join(p.root, 'bin/nextflow'))).toBe(true)
  })
})

describe('just bootstrap stops before running when a check fails, with the same advice', () => {
  it('names the failed item and its command; nextflow is not started', async () => {
    rmSync(join(home(), 'plugins', 'nf-schema-2.1.1'), { recursive: true })
    // bootstrap pulls from S3 what plugins --down would: take nf-schema off S3 too, so the fix is Dev's
    const { DeleteObjectsCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3')
    const keys = (await s3.client.send(new ListObjectsV2Command({ Bucket: 'dest', Prefix: 'offline/nextflow/plugins/nf-schema-2.1.1/' }))).Contents ?? []
    await s3.client.send(new DeleteObjectsCommand({ Bucket: 'dest', Delete: { Objects: keys.map((k) => ({ Key: k.Key! })) } }))
    const r = await run(justBin, ['bootstrap', name], { cwd: p.root, env, timeoutMs: 120_000 })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^✗ plugin nf-schema@2.1.1: not installed \(needed by nextflow.config\); run: just plugins \(Dev\), then just plugins --down$/m)
    expect(r.stderr).toBe('bootstrap: not ready: 1 check failed (above, each with its fix); nextflow was not started\n')
    expect(tools.javaCalls().filter((c) => c.argv.includes('-jar'))).toEqual([])
    // the advice, then bootstrap again: it runs
    for (const c of advice(r.stdout)) expect((await run('bash', ['-c', c], { cwd: folder(), env, timeoutMs: 120_000 })).code).toBe(0)
    const again = await run(justBin, ['bootstrap', name], { cwd: p.root, env, timeoutMs: 120_000 })
    expect(again.stderr).toBe('')
    expect(again.code).toBe(0)
    expect(tools.javaCalls().filter((c) => c.argv.includes('-jar'))).toHaveLength(1)
  })
})
