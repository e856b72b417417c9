// The whole Dev → Prod path in two separate folders: Prod gets only what `just ship` and `just up` put on S3.
import { spawnSync } from 'node:child_process'
import { appendFileSync, chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { syncDown } from '../../scripts/lib/s3/sync.js'
import { fakeTools, type FakeTools } from '../helpers/fake-nextflow.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import { makePlugin, pluginServer, type PluginServer } from '../helpers/plugins.js'
import { justBin, run, tmpProject, type Project, cacheConfigs } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { dataHost, RAW } from './mirror-setup.js'

let gh: TestServer
let data: TestServer
let plug: PluginServer
let s3: TestS3
let dev: Project
let fake: FakeTools
let prod: string
let env: Record<string, string>
const sysPath = ['/usr/local/bin', '/usr/bin', '/bin']

beforeAll(async () => {
  gh = await serve(githubRoutes('basic', [{ rev: '1.0', archive: await packRelease('basic', 'basic', '1.0') }]))
  s3 = await startS3(['bucket'])
  data = await dataHost([{ path: '/raw/basic/samplesheet/samplesheet_test.csv', body: `sample,fastq_1,fastq_2\nS1,${RAW}/basic/reads/s1_1.fastq.gz,${RAW}/basic/reads/s1_2.fastq.gz\n` }])
  plug = await pluginServer([makePlugin('nf-amazon', '2.9.3', { requires: '>=24.10.6' }), makePlugin('nf-validation', '1.1.3'), makePlugin('nf-prov', '1.2.2')])
  fake = fakeTools()
  dev = tmpProject()
  cacheConfigs(dev)
  prod = mkdtempSync(join(tmpdir(), 'nfo-prod-'))
  env = { ...s3.env, S3_ROOT: 's3://bucket/offline' }
})
afterAll(async () => { dev.cleanup(); fake.cleanup(); rmSync(prod, { recursive: true, force: true }); await s3.stop(); await gh.close(); await plug.close(); await data.close() })

/** run the shipped `bin/just` on the Prod side: its own HOME and cache, no node_modules on PATH */
const prodJust = (root: string, args: string[], cwd = '') => run(join(root, 'bin/just'), args, {
  cwd: join(root, cwd),
  env: { ...env, PATH: fake.path(sysPath), HOME: join(root, 'home'), NF_OFFLINE_CACHE: undefined },
})

function noNodeModulesUp(dir: string): void {
  for (let d = dir; d !== dirname(d); d = dirname(d)) expect(existsSync(join(d, 'node_modules')), `${d}/node_modules`).toBe(false)
  expect(fake.path(sysPath)).not.toMatch(/node_modules/)
}

describe('round trip: Dev `just online` + `just ship`, Prod `bin/just offline`', () => {
  it('Dev: stage, mirror, online (test then up), ship, plugins', async () => {
    const devEnv = { ...env, PATH: fake.path(sysPath), GITHUB_URL: gh.url, GITHUB_API_URL: gh.url, JUST_BIN: justBin }
    expect((await dev.just(['stage', 'basic', '1.0'], { env: devEnv })).code).toBe(0)
    const mirror = await dev.just(['mirror'], { cwd: 'pipelines/basic', env: { ...devEnv, SOURCE_REWRITE: `https://raw.githubusercontent.com/nf-core/test-datasets=>${data.url}/raw`, OFFLINE_DIR: join(dev.root, 'offline') } })
    expect(mirror.code, mirror.stderr).toBe(0)
    appendFileSync(join(dev.root, 'pipelines/basic/Pipeline-ENV'), 'export NXF_OPTS="-Xms500M"\n')
    const online = await dev.just(['online'], { cwd: 'pipelines/basic', env: devEnv })
    expect(online.stderr).toBe('')
    expect(online.code).toBe(0)
    expect(online.stdout).toMatch(/^up basic → s3:\/\/bucket\/offline\/basic: \d+ files/m)
    const test = fake.calls()[0]
    expect(test.argv).not.toContain('-offline')
    expect(test.env.NXF_OFFLINE).toBeUndefined()
    const ship = await dev.just(['ship'], { env: devEnv })
    expect(ship.code).toBe(0)
    expect(ship.stdout).toMatch(/^ship → s3:\/\/bucket\/offline\/toolkit: \d+ files/m)

    // plugins.list (nf-amazon@2.9.3, nf-validation@1.1.3, nf-prov@1.2.2) from a local index, and Nextflow
    // 24.10.6 itself (launcher and jar) from a local NXF_BASE, to S3_ROOT/nextflow
    const plugins = await dev.just(['plugins'], { env: { ...devEnv, NXF_PLUGINS_INDEX_URL: plug.indexUrl, NXF_PLUGINS_REGISTRY_URL: plug.registryUrl, SOURCE_REWRITE: plug.rewrite, NXF_BASE: plug.releasesUrl } })
    expect(plugins.code, plugins.stderr).toBe(0)
    expect(plugins.stdout).toMatch(/^framework → s3:\/\/bucket\/offline\/nextflow\/framework\/24.10.6: 2 files/m)
  })

  it('Prod: the toolkit from S3 into an empty folder runs `just offline` with no node_modules', async () => {
    expect(readdirSync(prod)).toEqual([])
    const got = await syncDown(s3.client, 's3://bucket/offline/toolkit', prod, { quiet: true, cacheDir: false })
    expect(got.transferred).toBeGreaterThan(10)
    chmodSync(join(prod, 'bin/just'), 0o755)
    noNodeModulesUp(prod)
    expect(existsSync(join(prod, 'pipelines/basic/basic'))).toBe(false)   // code comes with `down`, not ship

    const listed = await prodJust(prod, ['--list'], 'pipelines/basic')
    expect(listed.stdout).toMatch(/offline/)
    const before = fake.calls().length
    const r = await prodJust(prod, ['offline'], 'pipelines/basic')
    expect(r.stderr).toMatch(/^(run: warning: .*nextflow-24\.10\.6-one\.jar is missing.*\n)?$/)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^down basic ← s3:\/\/bucket\/offline\/basic: \d+ files/m)
    expect(r.stdout).toMatch(/^run: nextflow run .* -offline /m)

    const dir = join(prod, 'pipelines/basic')
    const call = fake.calls()[before]
    expect(call.argv).toEqual(['run', join(dir, 'basic'), '-offline', '-profile', 'test,docker', '--outdir', join(dir, 'results/run'), '-resume', '--custom_config_base', join(dir, '.nextflow-custom-config')])
    expect(call.cwd).toBe(dir)
    expect(call.env.NXF_OFFLINE).toBe('true')
    expect(call.env.NXF_HOME).toBe(join(prod, 'home/offline/.nextflow'))
    expect(call.env.NXF_WORK).toBe(join(prod, 'home/offline/work'))
    // the code came down and its links are links again
    expect(readFileSync(join(dir, 'basic/main.nf'), 'utf8')).toBe(readFileSync(join(dev.root, 'pipelines/basic/basic/main.nf'), 'utf8'))
    expect(readlinkSync(join(dir, 'basic/conf/test.config'))).toBe('../../test.config')
    expect(lstatSync(join(dir, 'justfile')).isSymbolicLink() || readFileSync(join(dir, 'justfile'), 'utf8').includes('offline: down run')).toBe(true)

    // a second `just offline` moves nothing and runs again
    const again = await prodJust(prod, ['offline'], 'pipelines/basic')
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/down basic ← .*: 0 files \(0 B\) transferred/)
  })

  it('Prod: `bin/just bootstrap basic` makes the dirs, pulls code, plugins and framework, then runs offline', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'nfo-prod2-'))
    try {
      await syncDown(s3.client, 's3://bucket/offline/toolkit', fresh, { quiet: true, cacheDir: false })
      chmodSync(join(fresh, 'bin/just'), 0o755)
      // a missing program is said before minutes of downloads
      const noDocker = fakeTools(['nextflow', 'java'])
      try {
        const bad = await run(process.execPath, [join(fresh, 'dist/scripts/bootstrap.js'), 'basic'], { cwd: fresh, env: { ...env, PATH: noDocker.bin, HOME: join(fresh, 'home') } })
        expect(bad.code).toBe(1)
        expect(bad.stderr.trim()).toBe('bootstrap: docker not found on PATH; the test profile runs its tasks in Docker containers: install Docker')
        expect(existsSync(join(fresh, 'pipelines/basic/basic'))).toBe(false)
      } finally { noDocker.cleanup() }
      // as if the toolkit had been shipped before the pipeline was staged: its folder comes with bootstrap
      rmSync(join(fresh, 'pipelines/basic'), { recursive: true })
      const before = fake.calls().length
      const r = await prodJust(fresh, ['bootstrap', 'basic', '--max_cpus', '1'])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const home = join(fresh, 'home/offline')
      for (const d of ['.nextflow', 'work', 'logs']) expect(existsSync(join(home, d)), d).toBe(true)
      expect(readdirSync(join(home, '.nextflow/plugins')).sort()).toEqual(['nf-amazon-2.9.3', 'nf-prov-1.2.2', 'nf-validation-1.1.3'])
      expect(readFileSync(join(home, '.nextflow/plugins/nf-amazon-2.9.3/classes/META-INF/MANIFEST.MF'), 'utf8')).toMatch(/Plugin-Version: 2\.9\.3/)
      expect(readFileSync(join(home, '.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar'))).toEqual(readFileSync(join(dev.root, 'home/offline/.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar')))
      // bin/nextflow came down too, and is what ran: the PATH double saw no call
      expect(fake.calls().length).toBe(before)
      const call = fake.javaCalls().filter((c) => c.argv.includes('-jar')).at(-1)!
      expect(call.argv.slice(0, 3)).toEqual(['-Dfile.encoding=UTF-8', '-jar', join(home, '.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar')])
      call.argv = call.argv.slice(3)
      expect(call.argv.slice(2)).toEqual(['-offline', '-profile', 'test,docker', '--outdir', join(fresh, 'pipelines/basic/results/run'), '-resume', '--custom_config_base', join(fresh, 'pipelines/basic/.nextflow-custom-config'), '--max_cpus', '1'])
      expect(call.env.NXF_OFFLINE).toBe('true')
      expect(call.env.NXF_OPTS).toBe('-Xms500M')   // from the Pipeline-ENV that came down
      expect(lstatSync(join(fresh, 'pipelines/basic/justfile')).isSymbolicLink()).toBe(true)
    } finally { rmSync(fresh, { recursive: true, force: true }) }
  })

  it('Prod with no nextflow installed: plugins --down, check → ready, and run starts the shipped launcher with the shipped jar', async () => {
    const fresh = mkdtempSync(join(tmpdir(), 'nfo-prod3-'))
    const javaDocker = fakeTools(['java', 'docker'])
    const prodEnv = { ...env, PATH: javaDocker.path(sysPath), HOME: join(fresh, 'home'), NF_OFFLINE_CACHE: undefined, JAVA_HOME: undefined }
    const sh = (args: string[], cwd = '') => run(join(fresh, 'bin/just'), args, { cwd: join(fresh, cwd), env: prodEnv })
    try {
      // only what ship, up and plugins put on S3; no nextflow anywhere on PATH
      await syncDown(s3.client, 's3://bucket/offline/toolkit', fresh, { quiet: true, cacheDir: false })
      chmodSync(join(fresh, 'bin/just'), 0o755)
      expect(spawnSync('sh', ['-c', 'command -v nextflow'], { env: { PATH: prodEnv.PATH } }).status).not.toBe(0)
      expect(existsSync(join(fresh, 'bin/nextflow'))).toBe(false)

      const down = await sh(['plugins', '--down'])
      expect(down.stderr).toBe('')
      expect(down.code).toBe(0)
      expect(down.stdout).toContain(`✓ bin/nextflow ← nextflow 24.10.6 launcher (jar ${join(fresh, 'home/offline/.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar')})`)
      expect((await sh(['down'], 'pipelines/basic')).code).toBe(0)
      const check = await sh(['check'], 'pipelines/basic')
      expect(check.stderr).toBe('')
      expect(check.stdout).toContain(`✓ nextflow ${join(fresh, 'bin/nextflow')}\n`)
      expect(check.stdout).toMatch(/^✓ java 17\.0\.2 /m)
      expect(check.stdout).toMatch(/\nready: all \d+ checks passed\n$/)
      expect(check.code).toBe(0)

      const before = javaDocker.javaCalls().length
      const r = await sh(['run'], 'pipelines/basic')
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const dir = join(fresh, 'pipelines/basic')
      const calls = javaDocker.javaCalls().slice(before).filter((c) => c.argv.includes('-jar'))
      expect(calls).toHaveLength(1)
      expect(calls[0].argv).toEqual(['-Dfile.encoding=UTF-8', '-jar', join(fresh, 'home/offline/.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar'),
        'run', join(dir, 'basic'), '-offline', '-profile', 'test,docker', '--outdir', join(dir, 'results/run'), '-resume', '--custom_config_base', join(dir, '.nextflow-custom-config')])
      expect(calls[0].env.NXF_OFFLINE).toBe('true')
      expect(calls[0].env.NXF_HOME).toBe(join(fresh, 'home/offline/.nextflow'))
      expect(r.stdout).toContain('fake java -Dfile.encoding=UTF-8 -jar ')
    } finally { javaDocker.cleanup(); rmSync(fresh, { recursive: true, force: true }) }
  })

  const hasAws = spawnSync('aws', ['--version']).status === 0
  it.skipIf(!hasAws)("the README's `aws s3 sync` command brings down a toolkit that runs `just offline`", async () => {
    const home = mkdtempSync(join(tmpdir(), 'nfo-home-'))
    try {
      const cmd = `aws s3 sync s3://bucket/offline/toolkit/ ~/nf-offline/ --only-show-errors && chmod +x ~/nf-offline/bin/just`
      const r = await run('sh', ['-c', cmd], { cwd: home, env: { ...env, HOME: home } })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      const before = fake.calls().length
      const off = await prodJust(join(home, 'nf-offline'), ['offline'], 'pipelines/basic')
      expect(off.code).toBe(0)
      expect(fake.calls()[before].argv.slice(0, 3)).toEqual(['run', join(home, 'nf-offline/pipelines/basic/basic'), '-offline'])
      // updating the toolkit the same way over a used install (justfile now a link) keeps it working
      expect((await run('sh', ['-c', cmd], { cwd: home, env: { ...env, HOME: home } })).code).toBe(0)
      const again = await prodJust(join(home, 'nf-offline'), ['offline'], 'pipelines/basic')
      expect(again.stderr).not.toMatch(/Cannot find module/)
      expect(readFileSync(join(home, 'nf-offline/pipelines/pipeline.just'), 'utf8')).toBe(readFileSync(join(dev.root, 'pipelines/pipeline.just'), 'utf8'))
      expect(again.code).toBe(0)
    } finally { rmSync(home, { recursive: true, force: true }) }
  })
})
