// The bad-input matrix of mirror, up, down and plugins (stage's is in stage.test.ts): each case is one stderr
// line, a non-zero exit, and nothing written (no new files under pipelines/ or the home, no objects in S3).
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestServer } from '../helpers/http-server.js'
import { tmpProject, type Project, cacheConfigs } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { bucketSnapshot, treeSnapshot } from '../helpers/snapshot.js'
import { record } from './record.js'
import { dataHost, emptyPrefix, RAW, stageFaultsPipeline } from './workloads.js'

let p: Project, s3: TestS3, http: TestServer, env: Record<string, string>
const NAME = 'faults'

const config = (input: string) => `params {\n    input = '${input}'\n    fasta = '${RAW}/faults/reference/genome.fasta'\n}\n`
/** staged pipelines whose test profile is broken in one way each */
const BROKEN: Record<string, string> = {
  unbalanced: `params {\n    input = '${RAW}/faults/samplesheet.csv'\n    fasta = '${RAW}/faults/reference/genome.fasta'\n`,
  unterminated: `params {\n    input = '${RAW}/faults/samplesheet.csv\n    fasta = '${RAW}/faults/reference/genome.fasta'\n}\n`,
  noheader: config(`${RAW}/bad/noheader.csv`),
  emptysheet: config(`${RAW}/bad/empty.csv`),
}

/** Edit a file for one case; returns the undo. */
function edit(path: string, change: (text: string) => string | undefined): () => void {
  const before = readFileSync(path, 'utf8')
  const after = change(before)
  if (after === undefined) renameSync(path, `${path}.away`)
  else writeFileSync(path, after)
  return () => { if (after === undefined) renameSync(`${path}.away`, path); else writeFileSync(path, before) }
}
const noS3Root = () => edit(join(p.root, 'env/System-ENV'), (t) => t.replace(/^export S3_ROOT=.*$/m, ''))
const noSystemEnv = () => edit(join(p.root, 'env/System-ENV'), () => undefined)
const notStaged = () => {
  mkdirSync(join(p.root, 'pipelines/nosuch'), { recursive: true })
  symlinkSync('../pipeline.just', join(p.root, 'pipelines/nosuch/justfile'))
  return () => rmSync(join(p.root, 'pipelines/nosuch'), { recursive: true })
}
const pluginsList = (text: string) => () => edit(join(p.root, 'plugins.list'), () => text)

type Case = [label: string, how: 'just' | 'script', cmd: string, args: string[], cwd: string, extra: Record<string, string | undefined>, setup: (() => () => void) | undefined, msg: RegExp]
const PIPE = `pipelines/${NAME}`
const cases: Case[] = [
  // mirror
  ['mirror: unbalanced braces in test.config', 'just', 'mirror', ['unbalanced'], '', {}, undefined, /^mirror: .*conf\/test\.config\.orig:\d+.*(brace|\}|end of file|unclosed|expected)/i],
  ['mirror: unterminated string in test.config', 'just', 'mirror', ['unterminated'], '', {}, undefined, /^mirror: .*conf\/test\.config\.orig:\d+.*(unterminated|string|quote)/i],
  ['mirror: S3_ROOT not an s3:// URI', 'just', 'mirror', [NAME], '', { S3_ROOT: 'dest/offline' }, undefined, /^mirror: S3_ROOT 'dest\/offline' is not an s3:\/\/bucket\/prefix URI$/],
  ['mirror: bucket missing', 'just', 'mirror', [NAME], '', { S3_ROOT: 's3://no-such-bucket/x' }, undefined, /^mirror: s3:\/\/no-such-bucket\/x\/faults\/data\/: bucket does not exist; check S3_ROOT$/],
  ['mirror: access denied (unknown access key)', 'just', 'mirror', [NAME], '', { AWS_ACCESS_KEY_ID: 'NOT-A-KEY-S3RVER-KNOWS' }, undefined, /^mirror: s3:\/\/dest\/offline\/faults\/data\/: access denied; check your AWS credentials and the bucket policy$/],
  ['mirror: S3_ROOT unset', 'just', 'mirror', [NAME], '', { S3_ROOT: undefined }, noS3Root, /^mirror: S3_ROOT is not set; add it to env\/System-ENV or export it$/],
  ['mirror: env/System-ENV missing', 'script', 'mirror', [NAME], '', {}, noSystemEnv, /^mirror: .*env\/System-ENV is missing; restore it/],
  ['mirror: pipeline not staged', 'just', 'mirror', ['nosuch'], '', {}, undefined, /^mirror: pipelines\/nosuch\/nosuch is not staged; run: just stage nosuch \(Dev\) or just down nosuch \(Prod\)$/],
  ['mirror: name with /', 'just', 'mirror', ['PIPELINE=../faults'], '', {}, undefined, /not a pipeline name/],
  ['mirror: name with a space', 'just', 'mirror', ['fau lts'], '', {}, undefined, /not a pipeline name/],
  ['mirror: ROWS not a number', 'just', 'mirror', [NAME, 'ROWS=two'], '', {}, undefined, /^mirror: ROWS=two is not a number of rows$/],
  // up
  ['up: S3_ROOT not an s3:// URI', 'just', 'up', [], PIPE, { S3_ROOT: 'bucket/x' }, undefined, /^up: S3_ROOT 'bucket\/x' is not an s3:\/\/bucket\/prefix URI$/],
  ['up: bucket missing', 'just', 'up', [], PIPE, { S3_ROOT: 's3://no-such-bucket/x' }, undefined, /^up: s3:\/\/no-such-bucket\/x\/faults: bucket does not exist; check S3_ROOT$/],
  ['up: access denied (unknown access key)', 'just', 'up', [], PIPE, { AWS_ACCESS_KEY_ID: 'NOT-A-KEY-S3RVER-KNOWS' }, undefined, /^up: s3:\/\/dest\/offline\/faults: access denied; /],
  ['up: S3_ROOT unset', 'just', 'up', [], PIPE, { S3_ROOT: undefined }, noS3Root, /^up: S3_ROOT is not set; add it to env\/System-ENV or export it$/],
  ['up: env/System-ENV missing', 'script', 'up', [], PIPE, {}, noSystemEnv, /^up: .*env\/System-ENV is missing; restore it/],
  ['up: pipeline not staged', 'just', 'up', [], 'pipelines/nosuch', {}, notStaged, /^up: pipelines\/nosuch\/nosuch is not staged; run: just stage nosuch \(Dev\) or just down nosuch \(Prod\)$/],
  ['up: name with /', 'script', 'up', ['PIPELINE=a/b'], '', {}, undefined, /not a pipeline name/],
  ['up: name with a space', 'script', 'up', ['PIPELINE=a b'], '', {}, undefined, /not a pipeline name/],
  // down
  ['down: S3_ROOT not an s3:// URI', 'just', 'down', [], PIPE, { S3_ROOT: 'bucket/x' }, undefined, /^down: S3_ROOT 'bucket\/x' is not an s3:\/\/bucket\/prefix URI$/],
  ['down: bucket missing', 'just', 'down', [], PIPE, { S3_ROOT: 's3://no-such-bucket/x' }, undefined, /^down: s3:\/\/no-such-bucket\/x\/faults: bucket does not exist; check S3_ROOT$/],
  ['down: access denied (unknown access key)', 'just', 'down', [], PIPE, { AWS_ACCESS_KEY_ID: 'NOT-A-KEY-S3RVER-KNOWS' }, undefined, /^down: s3:\/\/dest\/offline\/faults: access denied; /],
  ['down: nothing on S3', 'just', 'down', [], PIPE, {}, undefined, /^down: nothing under s3:\/\/dest\/offline\/faults; run `just up faults` on the Dev host first$/],
  ['down: S3_ROOT unset', 'just', 'down', [], PIPE, { S3_ROOT: undefined }, noS3Root, /^down: S3_ROOT is not set; add it to env\/System-ENV or export it$/],
  ['down: name with /', 'script', 'down', ['PIPELINE=../x'], '', {}, undefined, /not a pipeline name/],
  ['down: name with a space', 'script', 'down', ['PIPELINE=x y'], '', {}, undefined, /not a pipeline name/],
  // plugins
  ['plugins: unpinned entry', 'just', 'plugins', [], '', {}, pluginsList('nf-a@1.0.0\nnf-b\n'), /^plugins: plugins\.list:2: 'nf-b' has no version; /],
  ['plugins: a range, not a version', 'just', 'plugins', [], '', {}, pluginsList('nf-a@>=1.0.0\n'), /^plugins: plugins\.list:1: 'nf-a@>=1\.0\.0' is not an exact version; /],
  ['plugins: not an id', 'just', 'plugins', [], '', {}, pluginsList('nf-a@1.0.0, ../evil@1.0\n'), /^plugins: plugins\.list:1: '\.\.\/evil@1\.0' is not a plugin id@version$/],
  ['plugins: pinned twice', 'just', 'plugins', [], '', {}, pluginsList('nf-a@1.0.0\nnf-a@2.0.0\n'), /^plugins: plugins\.list:2: nf-a is pinned twice/],
  ['plugins: plugins.list missing', 'just', 'plugins', [], '', {}, () => edit(join(p.root, 'plugins.list'), () => undefined), /^plugins: no .*plugins\.list; write one/],
  ['plugins: unknown flag', 'just', 'plugins', ['--up'], '', {}, undefined, /^plugins: unknown option --up; usage: just plugins /],
  ['plugins --down: S3_ROOT not an s3:// URI', 'just', 'plugins', ['--down'], '', { S3_ROOT: 'bucket/x' }, undefined, /^plugins: .*'bucket\/x(\/nextflow\/plugins)?' is not an s3:\/\/bucket\/prefix URI$/],
  ['plugins --down: bucket missing', 'just', 'plugins', ['--down'], '', { S3_ROOT: 's3://no-such-bucket/x' }, undefined, /^plugins: s3:\/\/no-such-bucket\/x\/nextflow\/plugins: bucket does not exist; check S3_ROOT$/],
  ['plugins --down: access denied', 'just', 'plugins', ['--down'], '', { AWS_ACCESS_KEY_ID: 'NOT-A-KEY-S3RVER-KNOWS' }, undefined, /^plugins: s3:\/\/dest\/offline\/nextflow\/plugins: access denied; /],
  ['plugins --down: S3_ROOT unset', 'just', 'plugins', ['--down'], '', { S3_ROOT: undefined }, noS3Root, /^plugins: S3_ROOT is not set; add it to env\/System-ENV or export it$/],
  ['plugins --down: nothing on S3', 'just', 'plugins', ['--down'], '', {}, undefined, /^plugins: no plugins under s3:\/\/dest\/offline\/nextflow\/plugins\/; run `just plugins` on the Dev host first$/],
]

beforeAll(async () => {
  p = tmpProject()
  cacheConfigs(p)
  s3 = await startS3(['dest'])
  http = await dataHost(3)
  http.add({ path: '/raw/bad/noheader.csv', body: `S1,${RAW}/faults/reads/S1_1.fastq.gz,${RAW}/faults/reads/S1_2.fastq.gz,auto\n` })
  http.add({ path: '/raw/bad/empty.csv', body: '' })
  env = { ...s3.env, S3_ROOT: 's3://dest/offline', OFFLINE_DIR: join(p.root, 'offline'), SOURCE_REWRITE: `${RAW}=>${http.url}/raw` }
  stageFaultsPipeline(p, NAME)
  for (const [name, text] of Object.entries(BROKEN)) stageFaultsPipeline(p, name, text)
  mkdirSync(join(p.root, 'home'), { recursive: true })
  writeFileSync(join(p.root, 'plugins.list'), 'nf-a@1.0.0\n')
})
afterAll(async () => { await http.close(); await s3.stop(); p.cleanup() })

describe('bad inputs: one line, non-zero exit, nothing written', () => {
  it.each(cases)('%s', async (label, how, cmd, args, cwd, extra, setup, msg) => {
    const undo = setup?.()
    try {
      const before = { pipelines: treeSnapshot(join(p.root, 'pipelines')), home: treeSnapshot(join(p.root, 'home')) }
      const o = { cwd, env: { ...env, ...extra } }
      const r = how === 'just' ? await p.just([cmd, ...args], o) : await p.script(cmd, args, o)
      expect(r.code, r.stdout).not.toBe(0)
      expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
      expect(r.stderr.trim()).toMatch(msg)
      expect(treeSnapshot(join(p.root, 'pipelines'))).toEqual(before.pipelines)
      expect(treeSnapshot(join(p.root, 'home'))).toEqual(before.home)
      expect(await bucketSnapshot(s3.client, 'dest')).toEqual({})
    } finally {
      undo?.()
      await emptyPrefix(s3.client, 'dest', '')   // a case that wrongly wrote must not fail the next ones
    }
    record('badInputs', { [label]: 1 })
  })
})

// A sheet without a header, or an empty one, would only be rejected by nf-schema at run time, on Prod.
describe('bad samplesheets', () => {
  it.each([
    ['samplesheet without a header', 'noheader', /^mirror: samplesheet .*noheader\.csv: .*header/i],
    ['empty samplesheet', 'emptysheet', /^mirror: samplesheet .*empty\.csv: .*(empty|header)/i],
  ])('mirror: %s', async (label, name, msg) => {
    try {
      const r = await p.just(['mirror', name], { env })
      expect(r.code).not.toBe(0)
      expect(r.stderr.trim()).toMatch(msg)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(await bucketSnapshot(s3.client, 'dest')).toEqual({})
      record('badInputs', { [`mirror: ${label}`]: 1 })
    } finally { await emptyPrefix(s3.client, 'dest', '') }
  })
})
