import { ListObjectsV2Command, GetObjectCommand } from '@aws-sdk/client-s3'
import { execFile, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { promisify } from 'node:util'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { justBin, repoRoot, tmpProject, type Project } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { recordDerived } from '../../scripts/lib/stage/derived.js'

let gh: TestServer
let s3: TestS3
let p: Project
let env: Record<string, string>

beforeAll(async () => {
  gh = await serve(githubRoutes('basic', [{ rev: '1.0', archive: await packRelease('basic', 'basic', '1.0') }]))
  s3 = await startS3(['bucket'])
  p = tmpProject()
  env = { ...s3.env, S3_ROOT: 's3://bucket/offline', JUST_BIN: justBin, GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
  const r = await p.just(['stage', 'basic', '1.0'], { env })
  if (r.code !== 0) throw new Error(r.stderr)
  const dir = join(p.root, 'pipelines/basic')
  writeFileSync(join(dir, 'inputs3.csv'), 'sample,fastq_1\nS1,s3://bucket/offline/basic/data/a.fq.gz\n')
  writeFileSync(join(dir, 'images.txt'), 'quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0\n')
  // as mirror and images leave them: recorded as made for the staged release, so up and down accept them
  for (const f of ['inputs3.csv', 'images.txt']) recordDerived(dir, f, '1.0', readFileSync(join(dir, f)))
  mkdirSync(join(dir, 'results/run'), { recursive: true })
  writeFileSync(join(dir, 'results/run/x.txt'), 'out')
  writeFileSync(join(dir, '.nextflow.log'), 'log')
})
afterAll(async () => { p.cleanup(); await s3.stop(); await gh.close() })

async function keys(prefix = 'offline/toolkit/'): Promise<string[]> {
  const out = await s3.client.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: prefix }))
  return (out.Contents ?? []).map((o) => o.Key!.slice(prefix.length)).sort()
}
const execFileP = promisify(execFile)
const which = (cmd: string) => spawnSync('which', [cmd], { encoding: 'utf8' }).stdout.trim()
const body = async (key: string) => Buffer.from(await (await s3.client.send(new GetObjectCommand({ Bucket: 'bucket', Key: key }))).Body!.transformToByteArray())

describe('just ship', () => {
  it('uploads the bundled toolkit without staged code, then re-ships nothing', async () => {
    const r = await p.just(['ship'], { env })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const scripts = readdirSync(join(p.root, 'dist/scripts')).filter((f) => f.endsWith('.js')).map((f) => `dist/scripts/${f}`)
    expect(await keys()).toEqual([
      'bin/just', 'dist/package.json', ...scripts, 'env/System-ENV', 'justfile',
      'pipelines/basic/Pipeline-ENV', 'pipelines/basic/images.txt', 'pipelines/basic/inputs3.csv',
      'pipelines/basic/justfile', 'pipelines/basic/test.config', 'pipelines/pipeline.just', 'plugins.list',
    ].sort())
    expect(scripts).toContain('dist/scripts/run.js')
    expect(r.stdout).toMatch(new RegExp(`^ship → s3://bucket/offline/toolkit: ${scripts.length + 11} files \\(.*\\) transferred, 0 unchanged, 0 deleted`, 'm'))
    expect(r.stdout).toContain('on the Prod host: aws s3 sync s3://bucket/offline/toolkit/ ~/nf-offline/ && chmod +x ~/nf-offline/bin/just')
    // the folder's justfile link goes up as a copy of pipeline.just, which finds the root from either place
    const folderJust = (await body('offline/toolkit/pipelines/basic/justfile')).toString()
    expect(folderJust).toBe(readFileSync(join(p.root, 'pipelines/pipeline.just'), 'utf8'))
    expect((await body('offline/toolkit/bin/just')).length).toBe(statSync(justBin).size)
    expect(JSON.parse((await body('offline/toolkit/dist/package.json')).toString())).toEqual({ type: 'module' })
    expect(readdirSync(join(p.root, '.cache/ship'))).toEqual([])   // the link tree is gone

    const again = await p.just(['ship'], { env })
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/ship → s3:\/\/bucket\/offline\/toolkit: 0 files \(0 B\) transferred, \d+ unchanged/)
  })

  it('--dry-run lists what would change; --delete removes what the toolkit no longer has', async () => {
    await p.just(['ship'], { env })
    writeFileSync(join(p.root, 'env/Extra-ENV'), 'export X=1\n')
    const dry = await p.just(['ship', '--dry-run'], { env })
    expect(dry.code).toBe(0)
    expect(dry.stdout).toMatch(/^upload env\/Extra-ENV$/m)
    expect(await keys()).not.toContain('env/Extra-ENV')
    expect((await p.just(['ship'], { env })).code).toBe(0)
    expect(await keys()).toContain('env/Extra-ENV')

    rmSync(join(p.root, 'env/Extra-ENV'))
    const del = await p.just(['ship', '--delete'], { env })
    expect(del.code).toBe(0)
    expect(del.stdout).toMatch(/1 deleted/)
    expect(await keys()).not.toContain('env/Extra-ENV')
  })

  it.each([
    [{ S3_ROOT: 'bucket/offline' }, "ship: S3_ROOT 'bucket/offline' is not an s3://bucket/prefix URI"],
    [{ JUST_BIN: '/nonexistent/just' }, 'ship: JUST_BIN=/nonexistent/just is not a just binary'],
    [{ JUST_BIN: undefined, PATH: dirname(process.execPath) }, 'ship: no just binary to ship; run `npm ci` here, or set JUST_BIN=/path/to/just'],
  ] as [Record<string, string | undefined>, string][])('%j fails with one line', async (extra, line) => {
    const r = await p.script('ship', [], { env: { ...env, ...extra } })
    expect(r.code).toBe(1)
    expect(r.stderr.trim()).toBe(line)
  })

  // The README's Prod line, run as written (values filled in) with the AWS CLI against s3rver. AWS CLI < 2.13
  // (Debian 12 ships 2.9) ignores AWS_ENDPOINT_URL, so --endpoint-url is added, as the README says to; a dead
  // HTTPS_PROXY makes sure a CLI that still looked for AWS itself fails here instead of reaching the internet.
  it("the README's `aws s3 sync … && chmod +x …/bin/just` gives a Prod toolkit whose down and just run", async () => {
    const aws = which('aws')
    expect(aws, 'the AWS CLI is needed for this test: apt-get install awscli (.ci/run does)').toBeTruthy()
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const line = /^aws s3 sync \$\{S3_ROOT\}\/toolkit\/ ~\/nf-offline\/ && chmod \+x ~\/nf-offline\/bin\/just$/m.exec(readme)?.[0]
    expect(line, 'README Prod section').toBeTruthy()
    expect((await p.just(['ship'], { env })).code).toBe(0)
    expect((await p.just(['up'], { cwd: 'pipelines/basic', env })).code).toBe(0)
    const home = mkdtempSync(join(tmpdir(), 'nfo-prod-'))
    try {
      const cmd = line!.replace('aws s3 sync', 'aws s3 sync --only-show-errors --endpoint-url "$AWS_ENDPOINT_URL"')
      // async: s3rver answers from this very process, so a blocking spawnSync would hang the CLI
      const r = await execFileP('bash', ['-c', cmd], {
        timeout: 120_000,
        env: { PATH: process.env.PATH, HOME: home, PYENV_ROOT: process.env.PYENV_ROOT ?? join(homedir(), '.pyenv'), ...s3.env, S3_ROOT: env.S3_ROOT, HTTPS_PROXY: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' },
      }).then(() => ({ code: 0, stderr: '' }), (e: { code?: number; stderr?: string }) => ({ code: e.code ?? -1, stderr: e.stderr ?? String(e) }))
      expect(r.code, r.stderr).toBe(0)
      const prod = join(home, 'nf-offline')
      expect(spawnSync(join(prod, 'bin/just'), ['--version'], { encoding: 'utf8' }).stdout).toMatch(/^just \d/)
      // the bundled down (with the chunks it imports) pulls the pipeline on the "Prod" copy
      mkdirSync(join(prod, 'pipelines/basic'), { recursive: true })
      const down = await execFileP(process.execPath, [join(prod, 'dist/scripts/down.js')], {
        cwd: join(prod, 'pipelines/basic'), env: { PATH: process.env.PATH, HOME: home, ...s3.env, S3_ROOT: env.S3_ROOT },
      })
      expect(down.stdout).toMatch(/^down basic ← s3:\/\/bucket\/offline\/basic: \d+ files/m)
      expect(readFileSync(join(prod, 'pipelines/basic/basic/main.nf'), 'utf8').length).toBeGreaterThan(0)
    } finally { rmSync(home, { recursive: true, force: true }) }
  }, 180_000)
})
