// bench: time our `up`/`down` against `aws s3 sync` (and rclone if installed) on one local s3rver, same files.
// npm run bench  [BENCH_RUNS=3] [BENCH_TREE=pipelines/sarek (a staged pipeline folder)]
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import S3rver from 's3rver'
import { which as whichAsync } from 'zx'
import { walkLocal } from '../scripts/lib/s3/local-tree.js'
import { makeTree } from './tree.js'

const repo = resolve(import.meta.dirname, '..')
const RUNS = Number(process.env.BENCH_RUNS || 3)
const work = mkdtempSync(join(tmpdir(), 'nfo-bench-'))
// programs found with zx's `which` (no shell); the real aws entry point, not pyenv's shim script, so aws pays
// no start-up it would not pay elsewhere
const which = (cmd: string) => whichAsync(cmd, { nothrow: true }).then((p) => p ?? '')
const aws = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).stdout?.trim() || await which('aws')
const rclone = await which('rclone')

/**
 * A toolkit copy holding only the bundled up/down scripts (what runs on a host with no node_modules),
 * taken from `from` (the repo, then the first copy: files edited in the repo meanwhile change nothing).
 */
function toolkit(at: string, from = repo): string {
  mkdirSync(join(at, 'dist/scripts'), { recursive: true })
  mkdirSync(join(at, 'pipelines'), { recursive: true })
  // up.js, down.js and the chunks they share (`_*.js`: the SDK, loaded only when something moves)
  for (const f of readdirSync(join(from, 'dist/scripts')).filter((f) => /^(up|down|_.*)\.js$/.test(f))) cpSync(join(from, 'dist/scripts', f), join(at, 'dist/scripts', f))
  cpSync(join(from, 'pipelines/pipeline.just'), join(at, 'pipelines/pipeline.just'))
  cpSync(join(from, 'env'), join(at, 'env'), { recursive: true })
  return at
}

function exec(cmd: string, args: string[], cwd: string, env: Record<string, string>): Promise<number> {
  const t0 = performance.now()
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd, env: { PATH: process.env.PATH!, HOME: join(work, 'home'), ...env }, stdio: ['ignore', 'ignore', 'pipe'] })
    let err = ''
    child.stderr.on('data', (d) => { err += d })
    child.on('error', fail)
    child.on('close', (code) => code === 0 ? done((performance.now() - t0) / 1000) : fail(new Error(`${basename(cmd)} ${args.join(' ')}: exit ${code}: ${err.slice(0, 400)}`)))
  })
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2 }

async function main() {
  // 1. the tree (generated, or BENCH_TREE), the server, one bucket per tool
  build()
  const dev = toolkit(join(work, 'dev'))
  let folder: string
  if (process.env.BENCH_TREE) {
    folder = join(dev, 'pipelines', basename(resolve(process.env.BENCH_TREE)))
    cpSync(resolve(process.env.BENCH_TREE), folder, { recursive: true, verbatimSymlinks: true })
  } else { makeTree(dev); folder = join(dev, 'pipelines', 'sarek') }
  const name = basename(folder)
  const src = await walkLocal(folder)
  let bytes = 0
  for (const e of src.values()) bytes += e.size
  console.log(`tree: ${src.size} files, ${(bytes / 1e6).toFixed(1)} MB (links followed); ${RUNS} runs each; aws ${aws || 'missing'}; rclone ${rclone || 'missing'}`)

  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(work, 's3'), configureBuckets: ['ours', 'aws', 'rclone'].map((n) => ({ name: `bench-${n}` })) })
  const { port } = (await server.run()) as AddressInfo
  const endpoint = `http://127.0.0.1:${port}`
  const creds = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' }
  const rcloneEnv = {
    RCLONE_CONFIG_X_TYPE: 's3', RCLONE_CONFIG_X_PROVIDER: 'Other', RCLONE_CONFIG_X_ENDPOINT: endpoint, RCLONE_CONFIG_X_REGION: 'us-east-1',
    RCLONE_CONFIG_X_ACCESS_KEY_ID: 'S3RVER', RCLONE_CONFIG_X_SECRET_ACCESS_KEY: 'S3RVER', RCLONE_CONFIG_X_FORCE_PATH_STYLE: 'true',
  }

  // 2. each tool: first upload to a fresh prefix, no-op re-sync, first download into an empty folder, no-op down
  type Row = 'up' | 'up-noop' | 'down' | 'down-noop'
  const tools: Record<string, { up: (i: number) => Promise<number>; down: (i: number, out: string) => Promise<number> }> = {
    ours: {
      up: (i) => exec(process.execPath, [join(dev, 'dist/scripts/up.js')], folder, { ...creds, AWS_ENDPOINT_URL: endpoint, S3_ROOT: `s3://bench-ours/r${i}` }),
      down: (i, out) => {
        const prod = join(out, '..', '..')
        if (!existsSync(join(prod, 'dist'))) toolkit(prod, dev)
        mkdirSync(out, { recursive: true })
        return exec(process.execPath, [join(prod, 'dist/scripts/down.js')], out, { ...creds, AWS_ENDPOINT_URL: endpoint, S3_ROOT: `s3://bench-ours/r${i}`, PIPELINE: name })
      },
    },
    aws: {
      up: (i) => exec(aws, ['s3', 'sync', folder, `s3://bench-aws/r${i}/${name}`, '--endpoint-url', endpoint, '--only-show-errors'], work, creds),
      down: (i, out) => exec(aws, ['s3', 'sync', `s3://bench-aws/r${i}/${name}`, out, '--endpoint-url', endpoint, '--only-show-errors'], work, creds),
    },
    ...(rclone ? {
      rclone: {
        up: (i: number) => exec(rclone, ['copy', '--fast-list', '-L', '-q', folder, `X:bench-rclone/r${i}/${name}`], work, rcloneEnv),
        down: (i: number, out: string) => exec(rclone, ['copy', '--fast-list', '-q', `X:bench-rclone/r${i}/${name}`, out], work, rcloneEnv),
      },
    } : {}),
  }
  // measurements interleaved (each step for every tool back to back, tool order rotated per run), so the
  // load of a shared machine falls on all tools alike
  const times: Record<string, Record<Row, number[]>> = {}
  const names = Object.keys(tools)
  for (const n of names) times[n] = { up: [], 'up-noop': [], down: [], 'down-noop': [] }
  for (let i = 1; i <= RUNS; i++) {
    const order = names.map((_, k) => names[(k + i) % names.length])
    const out = (tool: string) => join(work, `prod-${tool}-${i}`, 'pipelines', name)
    for (const tool of order) times[tool].up.push(await tools[tool].up(i))
    for (const tool of order) times[tool]['up-noop'].push(await tools[tool].up(i))
    for (const tool of order) times[tool].down.push(await tools[tool].down(i, out(tool)))
    for (const tool of order) times[tool]['down-noop'].push(await tools[tool].down(i, out(tool)))
    for (const tool of order) await check(tool, out(tool), src.size, bytes)
    process.stderr.write(`run ${i}/${RUNS} done\n`)
  }
  // ours without the ETag→mtime cache: every unchanged object costs a HEAD
  const nocache = []
  for (let i = 1; i <= RUNS; i++) nocache.push(await exec(process.execPath, [join(dev, 'dist/scripts/up.js')], folder, { ...creds, AWS_ENDPOINT_URL: endpoint, S3_ROOT: `s3://bench-ours/r${i}`, NF_OFFLINE_CACHE: join(work, `empty-cache-${i}`) }))

  // 3. the table: medians and ours/aws
  const rows: [Row, string, number][] = [['up', 'first upload', 0.6], ['up-noop', 'no-op re-sync (up)', 0.3], ['down', 'first download', 0.6], ['down-noop', 'no-op re-sync (down)', 0.3]]
  console.log(`\n| measure (median of ${RUNS}) | ${names.join(' | ')} | ours/aws | target |`)
  console.log(`|---|${names.map(() => '---:').join('|')}|---:|---:|`)
  for (const [row, label, target] of rows) {
    const m = names.map((n) => median(times[n][row]))
    const ratio = m[0] / m[1]
    console.log(`| ${label} | ${m.map((x) => `${x.toFixed(2)} s`).join(' | ')} | ${ratio.toFixed(2)}x | ≤ ${target}x ${ratio <= target ? 'ok' : 'MISSED'} |`)
  }
  console.log(`| no-op re-sync (up), ours without cache (HEAD per object) | ${median(nocache).toFixed(2)} s | | ${(median(nocache) / median(times.aws['up-noop'])).toFixed(2)}x | |`)
  console.log(`\nall runs (s): ${JSON.stringify(Object.fromEntries(names.map((n) => [n, Object.fromEntries(Object.entries(times[n]).map(([k, v]) => [k, v.map((x) => +x.toFixed(2))]))])))}`)
  await server.close()
}

/** The downloaded folder holds the same files and bytes as the source (links followed). */
async function check(tool: string, out: string, files: number, bytes: number) {
  const got = await walkLocal(out)
  let b = 0
  for (const e of got.values()) b += e.size
  if (got.size !== files || b !== bytes) throw new Error(`${tool}: downloaded ${got.size} files / ${b} bytes, expected ${files} / ${bytes}`)
}

function build() {
  const r = spawnSync(process.execPath, ['build.mjs', 'up', 'down'], { cwd: repo, stdio: 'inherit' })
  if (r.status !== 0) throw new Error('build failed')
}

try { await main() } finally { rmSync(work, { recursive: true, force: true }) }
