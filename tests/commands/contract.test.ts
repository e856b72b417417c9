// contract: every recipe (root, pipeline folder, root recipes through the folder's fallback) × {--help, a misspelt
// flag, extra words, a lower-case setting, -n}: help exits 0, the rest exit 2 in one line, and nothing is touched:
// zero requests to the stand-ins of GitHub, test data, plugins, registry and S3, no nextflow call, an unchanged tree.
import { PutObjectCommand } from '@aws-sdk/client-s3'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mapPool } from '../../scripts/lib/core/pool.js'
import { recordDerived } from '../../scripts/lib/stage/derived.js'
import { fakeTools, type FakeTools } from '../helpers/fake-nextflow.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import { placeStaged, tmpProject, type Project, type RunResult, cacheConfigs } from '../helpers/project.js'
import { bucketSnapshot, treeSnapshot } from '../helpers/snapshot.js'
import { startS3, type TestS3 } from '../helpers/s3.js'

const ROOT = ['stage', 'images', 'quay', 'suggest', 'mirror', 'plugins', 'smoke', 'ship', 'up', 'down', 'bootstrap', 'clean', 'demo']
const FOLDER = ['online', 'offline', 'up', 'down', 'run', 'stub', 'preview', 'test', 'check', 'images', 'quay', 'mirror']
/** recipes whose later words go to nextflow: a misspelt flag of theirs has one dash */
const NEXTFLOW = ['smoke', 'bootstrap', 'run', 'stub', 'preview', 'test']
/** the words the user typed wrong, per recipe */
const BAD = (r: string): [string, string[]][] => [
  ['misspelt flag', [NEXTFLOW.includes(r) ? '-resmue' : '--dleete']],
  ['extra words', ['x1', 'x2', 'x3']],
  ['lower-case setting', ['rows=2']],
  ['short flag', ['-n']],
]

let p: Project, net: TestServer, tools: FakeTools, env: Record<string, string>
const results: { where: string; recipe: string; what: string; r: RunResult }[] = []

beforeAll(async () => {
  net = await serve()   // every remote: GitHub, test data, plugin index, registry, S3, proxy; each request is logged
  tools = fakeTools()
  p = tmpProject()
  cacheConfigs(p)
  placeStaged(p, 'basic')
  writeFileSync(join(p.root, 'pipelines/basic/inputs3.csv'), 'sample,fastq_1\nS1,s3://bucket/x/basic/data/a.fq.gz\n')
  recordDerived(join(p.root, 'pipelines/basic'), 'inputs3.csv', '1.0.0', readFileSync(join(p.root, 'pipelines/basic/inputs3.csv')))   // as mirror records it
  env = {
    GITHUB_URL: net.url, GITHUB_API_URL: net.url, NXF_PLUGINS_INDEX_URL: net.url, NXF_PLUGINS_REGISTRY_URL: net.url,
    REGISTRY_PROXY: net.url, SOURCE_REWRITE: `https://=>${net.url}/`, HTTP_PROXY: net.url, HTTPS_PROXY: net.url,
    AWS_ENDPOINT_URL: net.url, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', S3_ROOT: 's3://bucket/x',
    PATH: tools.path([dirname(process.execPath), '/usr/bin', '/bin']),
  }
})
afterAll(async () => { p.cleanup(); tools.cleanup(); await net.close() })

describe('the argument contract of every recipe', () => {
  it('covers every recipe just lists, at the root and in a pipeline folder', async () => {
    const list = async (cwd: string) => (await p.just(['--summary'], { cwd })).stdout.trim().split(/\s+/).sort()
    expect(await list('')).toEqual([...ROOT].sort())
    expect(await list('pipelines/basic')).toEqual([...FOLDER].sort())
  })

  it('--help prints what each does and exits 0; bad words exit 2 in one line; nothing is touched', async () => {
    const before = treeSnapshot(p.root)
    const runs: [where: string, cwd: string, recipe: string, what: string, words: string[]][] = []
    for (const [where, cwd, recipes] of [['root', '', ROOT], ['folder', 'pipelines/basic', FOLDER]] as const) {
      for (const r of recipes) {
        runs.push([where, cwd, r, '--help', ['--help']], [where, cwd, r, '-h', ['-h']])
        for (const [what, words] of BAD(r)) runs.push([where, cwd, r, what, words])
      }
    }
    // root recipes reached from a pipeline folder (its justfile falls back to the root's)
    for (const r of ROOT.filter((x) => !FOLDER.includes(x))) runs.push(['folder→root', 'pipelines/basic', r, '--help', ['--help']], ['folder→root', 'pipelines/basic', r, 'misspelt flag', BAD(r)[0][1]])
    await mapPool(runs, 3, async ([where, cwd, recipe, what, words]) => {
      results.push({ where, recipe, what, r: await p.just([recipe, ...words], { cwd, env, timeoutMs: 30_000 }) })
    })

    const name = (recipe: string) => recipe   // each command names itself as the recipe the user typed
    for (const { where, recipe, what, r } of results) {
      const label = `${where} just ${recipe} (${what}): ${r.stderr}`
      if (what === '--help' || what === '-h') {
        expect(r.code, label).toBe(0)
        expect(r.stdout, label).toMatch(new RegExp(`^${name(recipe)}: .+\\nusage: just ${recipe}`))
        expect(r.stderr, label).toBe('')
      } else {
        expect(r.code, label).toBe(2)
        expect(r.stderr, label).toMatch(new RegExp(`^${name(recipe)}: .+; usage: just ${recipe}.*\\n$`))
        expect(r.stdout, label).toBe('')
      }
    }
    expect(net.log, 'requests to the stand-ins').toEqual([])
    expect(tools.calls(), 'nextflow calls').toEqual([])
    expect(treeSnapshot(p.root)).toEqual(before)
    const recipes = new Set(results.map((x) => `${x.where} ${x.recipe}`)).size
    console.log(`contract: ${recipes} recipe entries, ${results.length} runs (${results.filter((x) => !x.what.startsWith('-')).length} with bad words), requests made: ${net.log.length}`)
  }, 600_000)

  it('a misspelt flag gets a close-match hint and the usage', async () => {
    const r = await p.just(['up', '--delet'], { cwd: 'pipelines/basic', env })
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: 'up: unknown option --delet (did you mean --delete?); usage: just up [<name>] [--delete] [--dry-run] [--verbose]\n' })
    const m = await p.just(['mirror', 'basic', 'rows=2'], { env })
    expect(m.stderr).toMatch(/^mirror: unknown word rows=2 \(did you mean ROWS=2\?\); usage: just mirror .*\n$/)
  })
})

describe('the seen cases (issue 9): aws-cli spellings and --help never act', () => {
  let s3: TestS3, s3env: Record<string, string>
  beforeAll(async () => {
    s3 = await startS3(['bucket'])
    s3env = { ...env, ...s3.env, S3_ROOT: 's3://bucket/x' }
    for (const k of ['basic/stray.txt', 'basic/Pipeline-ENV', 'toolkit/stray.txt']) {
      await s3.client.send(new PutObjectCommand({ Bucket: 'bucket', Key: `x/${k}`, Body: 'on S3' }))
    }
  })
  afterAll(async () => { await s3.stop() })

  it.each([
    ['up --dryrun --delete', ['up', '--dryrun', '--delete'], 'pipelines/basic'],
    ['up --help', ['up', '--help'], 'pipelines/basic'],
    ['up basic --help (root)', ['up', 'basic', '--help'], ''],
    ['ship --help', ['ship', '--help'], ''],
    ['ship --dryrun --delete', ['ship', '--dryrun', '--delete'], ''],
    ['down --dryrun --delete', ['down', '--dryrun', '--delete'], 'pipelines/basic'],
    ['down --help', ['down', '--help'], 'pipelines/basic'],
    ['mirror basic --help', ['mirror', 'basic', '--help'], ''],
  ])('just %s changes nothing on S3 nor locally', async (_what, words, cwd) => {
    const [tree, bucket] = [treeSnapshot(p.root), await bucketSnapshot(s3.client, 'bucket')]
    const r = await p.just(words, { cwd, env: s3env })
    expect(r.code, r.stderr).toBe(0)
    if (words.includes('--dryrun')) expect(r.stdout).toMatch(/^delete /m)   // listed, not done
    expect(await bucketSnapshot(s3.client, 'bucket')).toEqual(bucket)
    expect(treeSnapshot(p.root)).toEqual(tree)
  })
})
