// Secrets: with the AWS keys, GITHUB_TOKEN and GITLAB_TOKEN set to known strings, no output of any recipe (root and
// per-pipeline, success and error, with DEBUG=1 and without) nor of new_repo.sh's error path contains them.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { writeFileSync, cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeTools, type FakeTools } from '../helpers/fake-nextflow.js'
import { closedPort, serve, type TestServer } from '../helpers/http-server.js'
import { makePlugin, pluginServer, type PluginServer } from '../helpers/plugins.js'
import { repoRoot, run, tmpProject, type Project, type RunResult, cacheConfigs } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { mapPool } from '../../scripts/lib/core/pool.js'
import { record } from './record.js'
import { dataHost, RAW, refusingS3, stageFaultsPipeline } from './workloads.js'

// s3rver checks the access key id (not the v4 signature): register ours, so the known key is one it accepts
const KEY = 'AKIAFAULTSUITE7KNOWN42'
const SECRET = 'faults/Suite+Secret=Access-Key-0123456789'
const GITHUB = 'ghp_FaultSuiteKnownGithubToken0123456789'
const GITLAB = 'glpat-FaultSuiteKnownGitlabToken-0123'
const SECRETS = [KEY, SECRET, GITHUB, GITLAB]
createRequire(import.meta.url)('s3rver/lib/models/account.js').DUMMY_ACCOUNT.createKeyPair(KEY, SECRET)

let gh: TestServer, data: TestServer, s3: TestS3, plugins: PluginServer, tools: FakeTools, failing: FakeTools
let dev: Project, prod: Project, env: Record<string, string>
let denied: Awaited<ReturnType<typeof refusingS3>>
const runs: { what: string; code: number | null; out: string }[] = []

beforeAll(async () => {
  gh = await serve(githubRoutes('basic', [{ rev: '1.0', archive: await packRelease('basic', 'basic', '1.0') }]))
  data = await dataHost(4)
  s3 = await startS3(['dest'])
  // plugins.list, plus what the staged pipelines need beyond it (basic declares nf-validation; S3 inputs need nf-amazon)
  plugins = await pluginServer([makePlugin('nf-s1', '1.0.0'), makePlugin('nf-validation', '1.1.3'), makePlugin('nf-amazon', '2.9.3', { requires: '>=24.10.6' })])
  tools = fakeTools()
  failing = fakeTools(['nextflow', 'java', 'docker'], { exitCode: 1 })
  denied = await refusingS3()
  dev = tmpProject()
  cacheConfigs(dev)
  prod = tmpProject()
  writeFileSync(join(dev.root, 'plugins.list'), 'nf-s1@1.0.0\n')
  stageFaultsPipeline(dev, 'faults')
  env = {
    GITHUB_URL: gh.url, GITHUB_API_URL: gh.url, GITHUB_TOKEN: GITHUB, GITLAB_TOKEN: GITLAB,
    ...s3.env, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET, S3_ROOT: 's3://dest/offline', OFFLINE_DIR: join(dev.root, 'offline'),
    SOURCE_REWRITE: `${RAW}=>${data.url}/raw;${plugins.rewrite}`, NXF_PLUGINS_INDEX_URL: plugins.indexUrl, NXF_PLUGINS_REGISTRY_URL: plugins.indexUrl, NXF_BASE: plugins.releasesUrl,
    PATH: tools.path([dirname(process.execPath), '/usr/bin', '/bin']),
  }
}, 60_000)
afterAll(async () => {
  dev.cleanup(); prod.cleanup(); tools.cleanup(); failing.cleanup()
  await Promise.all([gh.close(), data.close(), plugins.close(), denied.close()])
  await Promise.race([s3.stop(), new Promise((r) => setTimeout(r, 3000))])
})

async function just(p: Project, what: string, args: string[], cwd: string, extra: Record<string, string> = {}): Promise<RunResult> {
  const r = await p.just(args, { cwd, env: { ...env, ...extra }, timeoutMs: 90_000 })
  runs.push({ what, code: r.code, out: r.stdout + r.stderr })
  return r
}

const ROOT = ['stage', 'images', 'quay', 'suggest', 'mirror', 'plugins', 'smoke', 'ship', 'bootstrap']
const PER_PIPELINE = ['up', 'down', 'check', 'run', 'stub', 'preview', 'test']

describe('secrets never reach the output', () => {
  it('every recipe, success cases (DEBUG=1): Dev stage → … → up, Prod bootstrap, down, run', async () => {
    const d = { DEBUG: '1' }
    // control: the known strings do reach the recipes' processes, so their absence from the output means something
    const seen = await run(process.execPath, ['-e', 'console.log(process.env.GITHUB_TOKEN, process.env.AWS_SECRET_ACCESS_KEY)'], { cwd: dev.root, env })
    expect(seen.stdout).toContain(`${GITHUB} ${SECRET}`)
    const must0 = async (r: Promise<RunResult>) => { const x = await r; expect(x.code, x.stderr).toBe(0) }
    await must0(just(dev, 'stage', ['stage', 'basic', '1.0'], '', d))
    await just(dev, 'images', ['images', 'basic'], '', d)
    await just(dev, 'quay', ['quay', 'basic'], '', d)
    await just(dev, 'suggest', ['suggest', 'basic'], '', d)
    await must0(just(dev, 'mirror', ['mirror', 'faults'], '', d))
    await must0(just(dev, 'plugins', ['plugins'], '', d))
    await just(dev, 'smoke', ['smoke', 'basic'], '', d)
    await just(dev, 'ship', ['ship'], '', d)
    await must0(just(dev, 'up', ['up'], 'pipelines/faults', d))
    await just(dev, 'check', ['check'], 'pipelines/faults', d)
    for (const r of ['run', 'stub', 'preview', 'test']) await just(dev, r, [r], 'pipelines/basic', d)
    await just(prod, 'bootstrap', ['bootstrap', 'faults'], '', d)
    mkdirSync(join(prod.root, 'pipelines/faults'), { recursive: true })
    try { symlinkSync('../pipeline.just', join(prod.root, 'pipelines/faults/justfile')) } catch { /* bootstrap made it */ }
    await must0(just(prod, 'down', ['down'], 'pipelines/faults', d))
    const codes = Object.fromEntries(runs.map((r) => [r.what, r.code]))
    console.log(`secrets, success runs: exit codes ${JSON.stringify(codes)}`)
    for (const r of runs) for (const s of SECRETS) expect(r.out.includes(s), `${r.what} printed a secret`).toBe(false)
  })

  it('every recipe, error cases, with DEBUG=1 and without', async () => {
    const before = runs.length
    const dead = `http://127.0.0.1:${await closedPort()}`
    const deny = { AWS_ENDPOINT_URL: denied.url }
    const fail = { PATH: failing.path([dirname(process.execPath), '/usr/bin', '/bin']) }
    const cases: [string, string[], string, Record<string, string>][] = [
      ['stage', ['stage', 'nosuch', '1.0'], '', {}],
      ['stage (GitHub unreachable)', ['stage', 'basic', '9.9'], '', { GITHUB_URL: dead, GITHUB_API_URL: dead }],
      ['images', ['images', 'nosuch'], '', {}],
      ['quay', ['quay', 'nosuch'], '', {}],
      ['suggest', ['suggest', 'nosuch'], '', {}],
      ['mirror', ['mirror', 'faults'], '', deny],
      ['plugins', ['plugins'], '', deny],
      ['plugins --down', ['plugins', '--down'], '', deny],
      ['smoke', ['smoke', 'basic'], '', fail],
      ['ship', ['ship'], '', deny],
      ['bootstrap', ['bootstrap', 'faults'], '', deny],
      ['up', ['up'], 'pipelines/faults', deny],
      ['down', ['down'], 'pipelines/faults', deny],
      ['check', ['check'], 'pipelines/faults', deny],
      ...['run', 'stub', 'preview', 'test'].map((r) => [r, [r], 'pipelines/basic', fail] as [string, string[], string, Record<string, string>]),
    ]
    const all = cases.flatMap(([what, args, cwd, extra]) => [[`${what}`, args, cwd, extra], [`${what} DEBUG=1`, args, cwd, { ...extra, DEBUG: '1' }]] as const)
    await mapPool([...all], 3, async ([what, args, cwd, extra]) => just(dev, what, [...args], cwd, extra))
    const mine = runs.slice(before)
    const ok = mine.filter((r) => r.code === 0).map((r) => r.what)
    expect(ok, 'error cases that did not fail').toEqual([])
    for (const r of mine) for (const s of SECRETS) expect(r.out.includes(s), `${r.what} printed a secret`).toBe(false)
    const covered = new Set(runs.map((r) => r.what.split(' ')[0]))
    for (const r of [...ROOT, ...PER_PIPELINE]) expect(covered.has(r), `recipe ${r} not run`).toBe(true)
  })

  it('secrets set only in env/System-ENV or Pipeline-ENV are redacted too', async () => {
    // REGISTRY_PASSWORD where System-ENV suggests it, read by recipes in a pipeline folder (just loads only
    // Pipeline-ENV there); GITHUB_TOKEN in a Pipeline-ENV, read by a root recipe (just loads only System-ENV).
    // S3_ROOT and ROWS are built from them, so the errors naming those values would print them
    const FILE_PW = 'FileOnlyRegistryPassw0rd-0123', FILE_GH = 'ghp_PipelineEnvOnlyToken0123456789'
    const sysEnv = join(dev.root, 'env/System-ENV'), pipeEnv = join(dev.root, 'pipelines/faults/Pipeline-ENV')
    const [sys0, pipe0] = [readFileSync(sysEnv, 'utf8'), readFileSync(pipeEnv, 'utf8')]
    writeFileSync(sysEnv, `${sys0}\nexport REGISTRY_PASSWORD=${FILE_PW}\nexport S3_ROOT="bucket-\${REGISTRY_PASSWORD}"\n`)
    writeFileSync(pipeEnv, `${pipe0}\nexport GITHUB_TOKEN=${FILE_GH}\nexport ROWS="x\${GITHUB_TOKEN}"\n`)
    try {
      const noRoot = { S3_ROOT: undefined as unknown as string, REGISTRY_PASSWORD: undefined as unknown as string, GITHUB_TOKEN: undefined as unknown as string }
      const cases: [string, string[], string][] = [
        ['up (System-ENV)', ['up'], 'pipelines/faults'], ['down (System-ENV)', ['down'], 'pipelines/faults'],
        ['mirror (Pipeline-ENV)', ['mirror', 'faults'], ''],
      ]
      for (const [what, args, cwd] of cases) {
        for (const d of [{ DEBUG: '' }, { DEBUG: '1' }]) {
          const r = await just(dev, what, args, cwd, { ...noRoot, ...d })
          expect(r.code, `${what}: ${r.stderr}`).not.toBe(0)
          expect(r.stderr, what).toMatch(/\*\*\*/)   // the value was there to print, and was hidden
          for (const s of [FILE_PW, FILE_GH]) expect((r.stdout + r.stderr).includes(s), `${what} printed a secret from an env file`).toBe(false)
        }
      }
    } finally { writeFileSync(sysEnv, sys0); writeFileSync(pipeEnv, pipe0) }
  })

  it('new_repo.sh error paths (also under bash -x) never print GITLAB_TOKEN', async () => {
    const gl = await serve([{ path: /^\/api\/v4\//, status: 401, json: { message: '401 Unauthorized' } }])
    const dead = `http://127.0.0.1:${await closedPort()}`
    try {
      cpSync(join(repoRoot, 'new_repo.sh'), join(dev.root, 'new_repo.sh'))
      for (const [what, url] of [['token refused', gl.url], ['GitLab unreachable', dead]]) {
        for (const bash of [['bash'], ['bash', '-x']]) {
          const r = await run(bash[0], [...bash.slice(1), join(dev.root, 'new_repo.sh'), 'faults'], { cwd: dev.root, env: { ...env, HOME: dev.root, GITLAB_URL: url, GITLAB_GROUP: undefined } })
          runs.push({ what: `new_repo.sh ${what} ${bash.join(' ')}`, code: r.code, out: r.stdout + r.stderr })
          expect(r.code).not.toBe(0)
          expect(r.stderr).toMatch(/new_repo: (GitLab refused the token|cannot reach)/)
          for (const s of SECRETS) expect((r.stdout + r.stderr).includes(s), `new_repo.sh ${what} printed a secret`).toBe(false)
        }
      }
    } finally { await gl.close() }
    console.log(`secrets: ${runs.length} runs checked, 0 leaks`)
    record('secrets', { runs: runs.length, secretsChecked: SECRETS.length, leaks: 0 })
  })
})
