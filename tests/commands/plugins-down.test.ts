import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seeded } from '../helpers/fault-proxy.js'
import { killAfter } from '../helpers/kill.js'
import { makePlugin, pluginServer, type PluginServer, type TestPlugin } from '../helpers/plugins.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'

// Prod side: `just plugins --down` (pullPlugins) against s3rver, filled by a Dev run of `just plugins`.
const big = [makePlugin('nf-d1', '1.0.0', { bulk: 150 }), makePlugin('nf-d2', '1.0.0', { bulk: 150 }), makePlugin('nf-d3', '1.0.0', { bulk: 150 })]
let srv: PluginServer
let s3: TestS3
let dev: Project
let env: Record<string, string>

function files(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => { for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : out.push(relative(dir, join(d, e.name))) }
  walk(dir)
  return out.sort()
}
const pluginsOf = (p: Project) => join(p.root, 'home/offline/.nextflow/plugins')
const expectTree = (p: Project, x: TestPlugin) => expect(files(join(pluginsOf(p), `${x.id}-${x.version}`))).toEqual(Object.keys(x.files).sort())

beforeAll(async () => {
  srv = await pluginServer(big)
  s3 = await startS3(['bucket'])
  env = { NXF_PLUGINS_INDEX_URL: srv.indexUrl, NXF_PLUGINS_REGISTRY_URL: srv.indexUrl, SOURCE_REWRITE: srv.rewrite, NXF_BASE: srv.releasesUrl, ...s3.env, S3_ROOT: 's3://bucket/offline' }
  dev = tmpProject()
  writeFileSync(join(dev.root, 'plugins.list'), big.map((x) => `${x.id}@${x.version}`).join('\n'))
  const r = await dev.just(['plugins'], { env })
  if (r.code !== 0) throw new Error(r.stderr)
}, 60_000)
afterAll(async () => { dev.cleanup(); await s3.stop(); await srv.close() })

describe('just plugins --down', () => {
  it('with no Nextflow of NXF_VER on S3 nor here, pulls the plugins and then fails naming the fix', async () => {
    const prod = tmpProject()
    try {
      const r = await prod.just(['plugins', '--down'], { env: { ...env, NXF_VER: '24.10.9' } })
      expect(r.code).toBe(1)
      expect(r.stdout).toMatch(/^done: 3 pulled, 0 already installed → /m)
      expect(r.stderr).toBe('plugins: no Nextflow 24.10.9 under s3://bucket/offline/nextflow/framework/ and none here; run `just plugins` on the Dev host (it fetches Nextflow from NXF_BASE), then `just plugins --down`\n')
      expect(existsSync(join(prod.root, 'bin/nextflow'))).toBe(false)
    } finally { prod.cleanup() }
  })

  it('skips a plugin whose upload was cut (no manifest on S3), and --delete drops what S3 no longer has', async () => {
    const prod = tmpProject()
    try {
      await s3.client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'offline/nextflow/plugins/nf-cut-1.0.0/lib/half.jar', Body: 'x' }))
      mkdirSync(join(pluginsOf(prod), 'nf-gone-0.1.0/classes/META-INF'), { recursive: true })
      writeFileSync(join(pluginsOf(prod), 'nf-gone-0.1.0/classes/META-INF/MANIFEST.MF'), 'Plugin-Id: nf-gone\n')
      const r = await prod.just(['plugins', '--down', '--delete'], { env })
      expect(r.code).toBe(0)
      expect(r.stderr).toBe('warning: s3://bucket/offline/nextflow/plugins/nf-cut-1.0.0/ has no classes/META-INF/MANIFEST.MF (an upload was cut); re-run `just plugins` on Dev\n')
      expect(r.stdout).toMatch(/- nf-gone-0.1.0 removed \(not on S3\)\n/)
      expect(readdirSync(pluginsOf(prod)).sort()).toEqual(['nf-d1-1.0.0', 'nf-d2-1.0.0', 'nf-d3-1.0.0'])
      for (const x of big) expectTree(prod, x)
      expect(readdirSync(join(prod.root, 'home/offline/.nextflow')).sort()).toEqual(['framework', 'plugins'])
      expect(existsSync(join(prod.root, 'bin/nextflow'))).toBe(true)
    } finally { prod.cleanup() }
  })

  it('under kill -9 never leaves a partial plugin folder, and a re-run completes', async () => {
    const prod = tmpProject()
    const next = seeded(7)
    try {
      for (let run = 0; run < 2; run++) {
        await killAfter(prod, 'plugins', ['--down'], 300 + Math.floor(next() * 1500), { env })
        const dir = pluginsOf(prod)
        for (const name of existsSync(dir) ? readdirSync(dir) : []) {
          const x = big.find((b) => `${b.id}-${b.version}` === name)
          expect(x, `stray ${name}`).toBeDefined()
          expectTree(prod, x!)
        }
        const r = await prod.just(['plugins', '--down'], { env })
        expect(r.code).toBe(0)
        for (const x of big) expectTree(prod, x)
        expect(readdirSync(join(prod.root, 'home/offline/.nextflow')).sort()).toEqual(['framework', 'plugins'])
        expect(readdirSync(join(prod.root, 'home/offline/.nextflow/framework/24.10.6')).sort()).toEqual(['nextflow', 'nextflow-24.10.6-one.jar'])
        rmSync(dir, { recursive: true })
      }
    } finally { prod.cleanup() }
  }, 90_000)
})

describe('just plugins (upload) under kill -9', () => {
  it('a plugin has its manifest on S3 only once all its files are there', async () => {
    const root = 's3://bucket/killup'
    const prefix = 'killup/nextflow/plugins/'
    const keys = async () => ((await s3.client.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: prefix }))).Contents ?? []).map((o) => o.Key!.slice(prefix.length))
    const next = seeded(11)
    for (let run = 0; run < 2; run++) {
      await killAfter(dev, 'plugins', [], 400 + Math.floor(next() * 1500), { env: { ...env, S3_ROOT: root } })
      const got = await keys()
      for (const x of big) {
        const mine = got.filter((k) => k.startsWith(`${x.id}-${x.version}/`)).map((k) => k.slice(`${x.id}-${x.version}/`.length)).sort()
        if (mine.includes('classes/META-INF/MANIFEST.MF')) expect(mine).toEqual(Object.keys(x.files).sort())
      }
      const r = await dev.just(['plugins'], { env: { ...env, S3_ROOT: root } })
      expect(r.code).toBe(0)
      expect((await keys()).length).toBe(big.reduce((n, x) => n + Object.keys(x.files).length, 0))
      const all = await keys()
      await s3.client.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: all.map((k) => ({ Key: prefix + k })) } }))
    }
  }, 90_000)
})
