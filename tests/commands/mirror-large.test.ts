import { spawn } from 'node:child_process'
import { Upload } from '@aws-sdk/lib-storage'
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { linkStaged } from '../../scripts/lib/stage/staged-links.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import { tmpProject, type Project, cacheConfigs } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { keysUnder } from './mirror-setup.js'

const MB = 1 << 20
const BIG = 220 * MB
const chunk = Buffer.alloc(MB, 'ACGT')
let p: Project, s3: TestS3, http: TestServer, env: Record<string, string>
let delayMs = 0   // per MB, to make a run slow enough to kill

/** A large file generated as it is sent (never held whole), with backpressure. */
function bigBody(size: number) {
  return Readable.from((async function* () {
    for (let sent = 0; sent < size; sent += MB) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs))
      yield sent + MB <= size ? chunk : chunk.subarray(0, size - sent)
    }
  })())
}

function stageLarge(name: string, size: number): void {
  const code = join(p.root, 'pipelines', name, name)
  mkdirSync(join(code, 'conf'), { recursive: true })
  writeFileSync(join(p.root, 'pipelines', name, 'Pipeline-ENV'), `export PIPELINE=${name}\n`)
  writeFileSync(join(code, 'nextflow.config'), "params {\n    input = null\n    star_index = null\n}\nprofiles {\n    test { includeConfig 'conf/test.config' }\n}\n")
  writeFileSync(join(code, 'main.nf'), 'workflow { }\n')
  writeFileSync(join(code, 'conf', 'test.config'), `params {\n    input      = 'https://raw.githubusercontent.com/nf-core/test-datasets/big/samplesheet.csv'\n    star_index = 'https://raw.githubusercontent.com/nf-core/test-datasets/big/${size}/star.tar.gz'\n}\n`)
  linkStaged(join(p.root, 'pipelines', name), name)
}

beforeAll(async () => {
  p = tmpProject()
  cacheConfigs(p)
  s3 = await startS3(['dest'])
  http = await serve([
    { path: '/raw/big/samplesheet.csv', body: 'sample,fastq_1\nS1,https://raw.githubusercontent.com/nf-core/test-datasets/big/s1.fq.gz\n' },
    { path: '/raw/big/s1.fq.gz', body: 'reads' },
    { path: /^\/raw\/big\/\d+\/star.tar.gz$/, handler: async (req, res, url) => {
      const size = Number(url.pathname.split('/')[3])
      res.writeHead(200, { 'content-length': size })
      if (req.method === 'HEAD') { res.end(); return }
      await pipeline(bigBody(size), res).catch(() => {})
    } },
  ])
  env = { ...s3.env, S3_ROOT: 's3://dest/offline', OFFLINE_DIR: join(p.root, 'offline'), SOURCE_REWRITE: `https://raw.githubusercontent.com/nf-core/test-datasets=>${http.url}/raw` }
  writeFileSync(join(p.root, 'rss.mjs'), "import { writeFileSync } from 'node:fs'\nprocess.on('exit', () => writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)))\n")
})
afterAll(async () => { await http.close(); await s3.stop(); p.cleanup() })

describe('mirror of a large file', () => {
  it(`streams ${BIG / MB} MiB with bounded memory, about as fast as a plain download + upload`, async () => {
    stageLarge('large', BIG)
    const rssOut = join(p.root, 'rss.txt')
    const r = await p.script('mirror', ['large'], { env: { ...env, RSS_OUT: rssOut, NODE_OPTIONS: `--import=${join(p.root, 'rss.mjs')}` }, timeoutMs: 120_000 })
    expect(r.code).toBe(0)
    const maxRssMb = Number(readFileSync(rssOut, 'utf8')) / 1024
    const keys = await keysUnder(s3, 'offline/large/data/raw.githubusercontent.com/nf-core/test-datasets/big/')
    expect(keys.get(`offline/large/data/raw.githubusercontent.com/nf-core/test-datasets/big/${BIG}/star.tar.gz`)).toBe(BIG)

    console.log(`large file ${BIG / MB} MiB: mirror ${r.ms} ms (node start included, ${(BIG / MB / (r.ms / 1000)).toFixed(0)} MiB/s), peak RSS ${maxRssMb.toFixed(0)} MiB`)
    expect(maxRssMb).toBeLessThan(200)
    if (!process.env.NF_OFFLINE_BENCH) return
    // NF_OFFLINE_BENCH=1: the plain way for comparison, download to disk then upload the file
    const t0 = Date.now()
    const res = await fetch(`${http.url}/raw/big/${BIG}/star.tar.gz`)
    const file = join(p.root, 'plain.bin')
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(file))
    const tDownload = Date.now() - t0
    await new Upload({ client: s3.client, params: { Bucket: 'dest', Key: 'plain/star.tar.gz', Body: createReadStream(file) }, partSize: 8 * MB, queueSize: 4 }).done()
    const tPlain = Date.now() - t0
    rmSync(file)
    console.log(`plain copy: download ${tDownload} ms + upload = ${tPlain} ms`)
  }, 180_000)

  it('a kill -9 mid-upload leaves nothing under the key; the re-run completes', async () => {
    const size = 48 * MB
    stageLarge('killed', size)
    const key = `offline/killed/data/raw.githubusercontent.com/nf-core/test-datasets/big/${size}/star.tar.gz`
    delayMs = 40   // ~25 MiB/s: the copy takes ~2 s
    const child = spawn(process.execPath, [join(p.root, 'dist/scripts/mirror.js'), 'killed'], {
      cwd: p.root, stdio: 'ignore', env: { PATH: process.env.PATH, HOME: join(p.root, 'home'), NF_OFFLINE_RETRY_MS: '20', ...env },
    })
    for (let i = 0; i < 200 && !http.log.includes(`GET /raw/big/${size}/star.tar.gz`); i++) await new Promise((r) => setTimeout(r, 25))
    await new Promise((r) => setTimeout(r, 900))
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    expect((await keysUnder(s3, 'offline/killed/data/')).has(key)).toBe(false)
    delayMs = 0
    const again = await p.script('mirror', ['killed'], { env })
    expect(again.code).toBe(0)
    expect((await keysUnder(s3, 'offline/killed/data/')).get(key)).toBe(size)
    const third = await p.script('mirror', ['killed'], { env })
    expect(third.stdout).toMatch(/ 0 copied .* 3 skipped/)
  }, 60_000)
})
