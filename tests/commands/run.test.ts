import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeTools, type FakeTools } from '../helpers/fake-nextflow.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import { tmpProject, type Project } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'
import { MARKER } from '../../scripts/lib/mirror/test-config.js'
import { recordDerived } from '../../scripts/lib/stage/derived.js'

let gh: TestServer
let p: Project
let fake: FakeTools
let dir: string
const sysPath = ['/usr/local/bin', '/usr/bin', '/bin']

beforeAll(async () => {
  gh = await serve(githubRoutes('basic', [{ rev: '1.0', archive: await packRelease('basic', 'basic', '1.0') }]))
  p = tmpProject()
  const r = await p.just(['stage', 'basic', '1.0'], { env: { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url } })
  if (r.code !== 0) throw new Error(r.stderr)
  fake = fakeTools()
  dir = join(p.root, 'pipelines/basic')
  // as `just mirror` leaves it: test.config with its generated block, recorded for the staged release
  const text = `${readFileSync(join(dir, 'test.config'), 'utf8')}\n${MARKER}\nparams {\n    input = 's3://bucket/x/basic/inputs3.csv'\n}\n`
  writeFileSync(join(dir, 'test.config'), text)
  recordDerived(dir, 'test.config', undefined, text)
})
afterAll(async () => { p.cleanup(); fake.cleanup(); await gh.close() })

/** run `just <args>` in the pipeline folder with the doubles first on PATH; return nextflow's call */
async function justRun(args: string[], cwd = 'pipelines/basic', env: Record<string, string> = {}) {
  const before = fake.calls().length
  const r = await p.just(args, { cwd, env: { PATH: fake.path(sysPath), ...env } })
  return { r, call: fake.calls()[before] }
}

const jarOf = (p: Project) => join(p.root, 'home/offline/.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar')

describe('just run | stub | test | preview', () => {
  const offline = join('home/offline')
  it.each([
    ['run', 'true', ['-offline', '-profile', 'test,docker', '--outdir', 'results/run', '-resume', '--custom_config_base', '.nextflow-custom-config']],
    ['stub', 'true', ['-offline', '-profile', 'test,docker', '-stub', '--outdir', 'results/stub', '-resume', '--custom_config_base', '.nextflow-custom-config']],
    ['test', undefined, ['-profile', 'test,docker', '--outdir', 'results/test', '-resume']],
    ['preview', undefined, ['-profile', 'test,docker', '-preview', '--outdir', 'results/preview']],
  ])('just %s: NXF_OFFLINE=%s, nextflow run <code> %j', async (mode, nxfOffline, tail) => {
    const { r, call } = await justRun([mode], 'pipelines/basic', { NXF_OFFLINE: 'false' })
    expect(r.stderr).toBe(nxfOffline ? `${mode}: warning: ${jarOf(p)} is missing; an offline launcher cannot download it; run: just plugins --down\n` : '')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^${mode}: nextflow run `))
    expect(call.argv).toEqual(['run', join(dir, 'basic'), ...tail.map((w) => w.startsWith('results/') || w.startsWith('.nextflow') ? join(dir, w) : w)])
    if (nxfOffline) expect(readFileSync(join(dir, '.nextflow-custom-config/pipeline/basic.config'), 'utf8')).toMatch(/no institutional config/)
    expect(call.cwd).toBe(dir)
    expect(call.env.NXF_OFFLINE).toBe(nxfOffline)
    expect(call.env.NXF_HOME).toBe(join(p.root, offline, '.nextflow'))
    expect(call.env.NXF_WORK).toBe(join(p.root, offline, 'work'))
    expect(call.env.NXF_LOG_FILE).toBe(join(p.root, offline, 'logs/nextflow.log'))
    expect(call.env.NXF_VER).toBe('24.10.6')
    expect(existsSync(join(p.root, offline, 'logs'))).toBe(true)
  })

  it('passes extra words through unchanged, and ours give way to the same options', async () => {
    const { r, call } = await justRun(['run', '--max_cpus', '2', '-resume', '--input', 'a b.csv', '-profile', 'test,docker,arm'])
    expect(r.code).toBe(0)
    expect(call.argv).toEqual(['run', join(dir, 'basic'), '-offline', '--outdir', join(dir, 'results/run'),
      '--custom_config_base', join(dir, '.nextflow-custom-config'), '--max_cpus', '2', '-resume', '--input', 'a b.csv', '-profile', 'test,docker,arm'])
  })

  it('takes leading KEY=VALUE words as variables, as every recipe does', async () => {
    const { r, call } = await justRun(['test', 'NXF_WORK=/tmp/elsewhere', '--max_cpus', '2', '--', 'X=1'])
    expect(r.code).toBe(0)
    expect(call.env.NXF_WORK).toBe('/tmp/elsewhere')
    expect(call.argv.slice(-3)).toEqual(['--max_cpus', '2', 'X=1'])
  })

  it('works from inside the staged code and still runs nextflow in the pipeline folder', async () => {
    const { r, call } = await justRun(['stub'], 'pipelines/basic/basic/conf')
    expect(r.code).toBe(0)
    expect(call.cwd).toBe(dir)
    expect(call.argv).toContain('-stub')
  })

  it("returns nextflow's exit code", async () => {
    const failing = fakeTools(['nextflow', 'java', 'docker'], { exitCode: 3 })
    try {
      const r = await p.just(['test'], { cwd: 'pipelines/basic', env: { PATH: failing.path(sysPath) } })
      expect(r.code).toBe(3)
      expect(r.stderr).toBe('')
      expect(failing.calls()).toHaveLength(1)
    } finally { failing.cleanup() }
  })

  it('passes SIGTERM on to nextflow and waits for it, exiting as nextflow did', async () => {
    const slow = fakeTools(['nextflow', 'java', 'docker'], { sleepMs: 20_000 })
    try {
      const child = spawn(process.execPath, [join(p.root, 'dist/scripts/run.js'), 'test'], {
        cwd: dir, env: { ...process.env, PATH: slow.path(sysPath), HOME: join(p.root, 'home') }, stdio: ['ignore', 'pipe', 'pipe'],
      })
      let err = ''
      child.stderr.on('data', (d) => { err += d })
      while (slow.calls().length === 0) await new Promise((r) => setTimeout(r, 20))
      child.kill('SIGTERM')
      const code = await new Promise((r) => child.on('close', r))
      expect(code).toBe(143)
      expect(slow.calls().map((c) => c.signal)).toEqual([undefined, 'SIGTERM'])
      expect(err).toBe('')
    } finally { slow.cleanup() }
  })

  it.each([
    ['run', ['nextflow'], 'run: java, docker not found on PATH; Nextflow needs Java (11+ for 24.10, 17+ from 25.04): install a JDK and put it on PATH, or set JAVA_HOME; the test profile runs its tasks in Docker containers: install Docker'],
    ['stub', ['java', 'docker'], 'stub: nextflow not found on PATH; the toolkit has no bin/nextflow; run: just plugins --down (it installs the launcher Dev shipped)'],
    ['test', ['nextflow', 'java'], 'test: docker not found on PATH; the test profile runs its tasks in Docker containers: install Docker'],
    ['preview', ['nextflow'], 'preview: java not found on PATH; Nextflow needs Java (11+ for 24.10, 17+ from 25.04): install a JDK and put it on PATH, or set JAVA_HOME'],
  ] as const)('%s with only %j on PATH says what is missing in one line', async (mode, tools, line) => {
    const only = fakeTools([...tools])
    try {
      const r = await p.script('run', [mode], { cwd: 'pipelines/basic', env: { PATH: only.bin } })
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim()).toBe(line)
      expect(only.calls()).toEqual([])
    } finally { only.cleanup() }
  })

  it('preview needs no docker', async () => {
    const only = fakeTools(['nextflow', 'java'])
    try {
      const r = await p.script('run', ['preview'], { cwd: 'pipelines/basic', env: { PATH: only.bin } })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(only.calls()[0].argv).toContain('-preview')
    } finally { only.cleanup() }
  })

  it('says to stage or pull when the staged code is missing', async () => {
    mkdirSync(join(p.root, 'pipelines/empty'))
    writeFileSync(join(p.root, 'pipelines/empty/Pipeline-ENV'), 'export PIPELINE=empty\n')
    symlinkSync('../pipeline.just', join(p.root, 'pipelines/empty/justfile'))
    const { r, call } = await justRun(['run'], 'pipelines/empty')
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe('run: pipelines/empty/empty is not staged; run: just stage empty (Dev) or just down empty (Prod)')
    expect(call).toBeUndefined()
  })

  it('warns offline, in one line, when the launcher jar for NXF_VER is not under NXF_HOME', async () => {
    const jar = jarOf(p)
    const warned = await justRun(['run'])
    expect(warned.r.code).toBe(0)
    expect(warned.r.stderr.trim()).toBe(`run: warning: ${jar} is missing; an offline launcher cannot download it; run: just plugins --down`)
    mkdirSync(join(jar, '..'), { recursive: true })
    writeFileSync(jar, 'jar')
    try {
      expect((await justRun(['run'])).r.stderr).toBe('')
      expect((await justRun(['test'])).r.stderr).toBe('')
    } finally { rmSync(jar) }
  })
})

describe('just run on AWS Batch (NXF_EXECUTOR=awsbatch, BATCH_QUEUE)', () => {
  const batch = { NXF_EXECUTOR: 'awsbatch', BATCH_QUEUE: 'nf-queue', AWS_REGION: 'eu-west-2', NXF_WORK: 's3://bucket/work', BATCH_CLI_PATH: '/home/ec2-user/miniconda/bin/aws', REGISTRY_PROXY: 'nexus.test:8082' }
  afterAll(() => rmSync(join(dir, 'batch.config'), { force: true }))

  it.each(['run', 'stub'])('just %s adds -c batch.config, written from the environment; no docker needed here', async (mode) => {
    const noDocker = fakeTools(['nextflow', 'java'])
    try {
      const r = await p.just([mode], { cwd: 'pipelines/basic', env: { PATH: noDocker.path(sysPath), ...batch } })
      expect(r.code).toBe(0)
      const call = noDocker.calls()[0]
      const i = call.argv.indexOf('-c')
      expect(call.argv.slice(i, i + 2)).toEqual(['-c', join(dir, 'batch.config')])
      expect(call.env.NXF_EXECUTOR).toBe('awsbatch')
      expect(call.env.NXF_WORK).toBe('s3://bucket/work')
      expect(readFileSync(join(dir, 'batch.config'), 'utf8').split('\n').slice(1)).toEqual([
        "process.executor = 'awsbatch'", "process.queue = 'nf-queue'", "aws.region = 'eu-west-2'",
        "aws.batch.cliPath = '/home/ec2-user/miniconda/bin/aws'", "workDir = 's3://bucket/work'", "docker.registry = 'nexus.test:8082'", ''])
    } finally { noDocker.cleanup() }
  })

  it('refuses in one line, before nextflow, when a Batch setting is missing', async () => {
    const { r, call } = await justRun(['run'], 'pipelines/basic', { ...batch, NXF_WORK: '/local/work' })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^run: NXF_EXECUTOR=awsbatch, but NXF_WORK=\/local\/work is not an s3:\/\/ path; Batch tasks share the work dir through S3: add `export NXF_WORK=s3:\/\/<bucket>\/work` to env\/System-ENV\n$/m)
    expect(call).toBeUndefined()
  })

  it('test (online, on this host) ignores Batch', async () => {
    const { r, call } = await justRun(['test'], 'pipelines/basic', batch)
    expect(r.code).toBe(0)
    expect(call.argv).not.toContain('-c')
  })
})

describe('just run with the toolkit\'s bin/nextflow', () => {
  it('starts bin/nextflow (installed by plugins --down) rather than a nextflow on PATH', async () => {
    const own = fakeTools(['nextflow'])
    mkdirSync(join(p.root, 'bin'), { recursive: true })
    symlinkSync(join(own.bin, 'nextflow'), join(p.root, 'bin/nextflow'))
    try {
      const { r, call } = await justRun(['stub'])
      expect(r.code).toBe(0)
      expect(call).toBeUndefined()   // not the PATH one
      expect(own.calls()).toHaveLength(1)
      expect(own.calls()[0].argv).toContain('-stub')
    } finally { rmSync(join(p.root, 'bin/nextflow')); own.cleanup() }
  })
})

describe('just smoke', () => {
  it.each([
    [['smoke', 'basic', '--max_cpus', '1']],
    [['smoke', 'PIPELINE=basic', '--max_cpus', '1']],
  ])('`just %j` runs an online -stub through the registry proxy', async (args) => {
    const { r, call } = await justRun(args, '', { REGISTRY_PROXY: 'nexus.test:8082', NXF_OFFLINE: 'true' })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const config = join(p.root, '.cache/smoke/basic.config')
    expect(call.argv).toEqual(['run', join(dir, 'basic'), '-profile', 'test,docker', '-stub', '-c', config,
      '--outdir', join(dir, 'results/smoke'), '-resume', '--max_cpus', '1'])
    expect(call.env.NXF_OFFLINE).toBeUndefined()
    expect(call.cwd).toBe(dir)
    expect(readFileSync(config, 'utf8')).toMatch(/^docker\.registry = 'nexus\.test:8082'$/m)
    expect(r.stdout).toMatch(/docker\.registry = nexus\.test:8082/)
  })

  it.each([
    [['smoke'], 'smoke: PIPELINE is not set; name one, e.g. PIPELINE=rnaseq'],
    [['smoke', 'nosuch'], 'smoke: pipelines/nosuch/nosuch is not staged; run: just stage nosuch (Dev) or just down nosuch (Prod)'],
  ])('`just %j` fails with one line', async (args, line) => {
    const { r, call } = await justRun(args, '')
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe(line)
    expect(call).toBeUndefined()
  })
})
