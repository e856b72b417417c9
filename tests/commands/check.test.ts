import { DeleteObjectCommand } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../helpers/http-server.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { commonDir } from '../../scripts/lib/data-check.js'
import { dataHost, seedSourceBucket, stageFixture } from './mirror-setup.js'

let p: Project, s3: TestS3, http: TestServer, env: Record<string, string>
const name = 'igenomes-genome'

beforeAll(async () => {
  p = tmpProject()
  s3 = await startS3(['dest', 'ngi-igenomes'])
  await seedSourceBucket(s3)
  http = await dataHost()
  env = { ...s3.env, S3_ROOT: 's3://dest/offline', OFFLINE_DIR: `${p.root}/offline`, SOURCE_REWRITE: `https://raw.githubusercontent.com/nf-core/test-datasets=>${http.url}/raw` }
  stageFixture(p, name)
})
afterAll(async () => { await http.close(); await s3.stop(); p.cleanup() })

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
    expect(r.code).toBe(0)
    const lines = r.stdout.trim().split('\n')
    // inputs3.csv + its 2 distinct cells + 2 bcftools files + 4 genome files + the genome's bwa/ folder
    expect(lines.filter((l) => l.startsWith('✓ '))).toHaveLength(10)
    expect(lines).toContainEqual(expect.stringMatching(/^✓ +\d+ kB {2}s3:\/\/dest\/offline\/igenomes-genome\/data\/ngi-igenomes\/testdata\/nf-core\/modules\/genomics\/homo_sapiens\/genome\/bwa\/$/))
    expect(lines).toContainEqual(expect.stringMatching(/^✓ +\d+ kB {2}s3:\/\/dest\/offline\/igenomes-genome\/data\/ngi-igenomes\/testdata\/nf-core\/modules\/genomics\/homo_sapiens\/genome\/genome.fasta$/))
    expect(lines.at(-1)).toMatch(/^data: 10 objects, [\d.]+ kB$/)
  })

  it('exits 1 naming a missing object', async () => {
    const key = 'offline/igenomes-genome/data/ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta.fai'
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'dest', Key: key }))
    const r = await p.script('check', [name], { env })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`✗ missing   s3://dest/${key} (genome 'testdata.nf-core.sarek')`)
    expect(r.stderr).toBe(`check: 1 of 10 S3 objects missing; run: just mirror ${name}\n`)
  })

  it('follows the URLs inside a mirrored URL list (bbsplit_fasta_list)', async () => {
    stageFixture(p, 'bbsplit-list')
    expect((await p.script('mirror', ['bbsplit-list'], { env })).code).toBe(0)
    const r = await p.script('check', ['bbsplit-list'], { env })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^✓ .*\/reference\/sarscov2.fa$/m)
    expect(r.stdout).toMatch(/^✓ .*\/reference\/human.fa$/m)
    expect(r.stdout).toMatch(/^data: 10 objects/m)   // inputs3.csv, its 5 files, fasta, the list and its 2 files
  })

  it.each([
    [['a/b/c.fa', 'a/b/d/e.fa'], 'a/b/'],
    [['a/b/c.fa', 'a/x/c.fa'], 'a/'],
    [['a/b/c.fa'], 'a/b/'],
    [['top.fa', 'a/b.fa'], ''],
    [['ab/c', 'abc/d'], ''],
  ])('one listing for %j under %j', (keys, dir) => expect(commonDir(keys)).toBe(dir))
})
