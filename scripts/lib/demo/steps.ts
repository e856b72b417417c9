// demo-steps: the demo's two hosts (a Dev toolkit copy and an empty Prod folder), their env, and the steps run on them.
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { $, type ProcessPromise, which } from 'zx/core'
import { UserError } from '../core/cli.js'
import { makeS3Client } from '../s3/client.js'
import { syncDown } from '../s3/sync.js'
import { judgeCheck, judgeExit, RUN_TOOLS, type StepResult, type Tool } from './report.js'
import { DEMO, DEMO_PLUGINS, nextflowStandIns, type StandIns } from './standins.js'

export interface Workspace { root: string; ws: string; dev: string; prod: string; devJust: string }
type Host = 'dev' | 'prod'
type HostEnv = Record<Host, Record<string, string>>
interface Step { host: Host; cwd: string; words: string[] }

const PIPE = `pipelines/${DEMO.pipeline}`
/** Every step as a user types it, Dev then Prod; `fetch-toolkit` stands for Prod's `aws s3 sync`. */
export const DEMO_STEPS: Step[] = [
  ['dev', '.', ['stage', DEMO.pipeline, DEMO.revision]],
  ['dev', '.', ['images', DEMO.pipeline]],
  ['dev', '.', ['quay', DEMO.pipeline]],
  ['dev', '.', ['mirror', DEMO.pipeline]],
  ['dev', PIPE, ['check', '--data']],
  ['dev', '.', ['plugins']],
  ['dev', PIPE, ['up']],
  ['dev', '.', ['ship']],
  ['prod', '.', ['fetch-toolkit']],
  ['prod', PIPE, ['down']],
  ['prod', '.', ['plugins', '--down']],
  ['prod', PIPE, ['check']],
  ['prod', PIPE, ['stub']],
].map(([host, cwd, words]) => ({ host: host as Host, cwd: cwd as string, words: words as string[] }))

/** The programs a real Nextflow run needs that this machine's PATH lacks (zx's which). */
export async function missingHere(tools: Tool[] = RUN_TOOLS): Promise<Tool[]> {
  const found = await Promise.all(tools.map((t) => which(t, { nothrow: true })))
  return tools.filter((_, i) => !found[i])
}

/** Dev's `just`: the binary npm ci linked (build.mjs), else the one on PATH. */
async function devJust(root: string): Promise<string> {
  const local = join(root, 'node_modules', '.bin', 'just')
  const bin = existsSync(local) ? realpathSync(local) : await which('just', { nothrow: true })
  if (!bin) throw new UserError('no just binary for the demo\'s Dev host; run npm ci in the toolkit')
  return bin
}

/** Dev: a copy of this toolkit (built scripts, justfiles, env) with the demo's plugins.list; Prod: empty. */
export async function makeWorkspace(root: string, ws: string): Promise<Workspace> {
  const dev = join(ws, 'dev'), prod = join(ws, 'prod')
  for (const f of ['justfile', 'env', 'dist']) cpSync(join(root, f), join(dev, f), { recursive: true })
  mkdirSync(join(dev, 'pipelines'), { recursive: true })
  cpSync(join(root, 'pipelines', 'pipeline.just'), join(dev, 'pipelines', 'pipeline.just'))
  writeFileSync(join(dev, 'plugins.list'), `# the demo's plugins (served by the local plugin index)\n${DEMO_PLUGINS.join('\n')}\n`)
  mkdirSync(prod, { recursive: true })
  // Dev's Nextflow install, as a first `nextflow` run leaves it: `just plugins` ships the framework jar to Prod
  // (a stand-in, the same NXF_BASE serves)
  const fw = join(ws, 'dev-home', 'offline', '.nextflow', 'framework', DEMO.nxfVer)
  mkdirSync(fw, { recursive: true })
  writeFileSync(join(fw, `nextflow-${DEMO.nxfVer}-one.jar`), nextflowStandIns(DEMO.nxfVer).jar)
  return { root, ws, dev, prod, devJust: await devJust(root) }
}

/** The environment each host sees: stand-in URLs, S3 credentials s3rver accepts, a private HOME. */
export function demoEnv(ws: string, s: StandIns): HostEnv {
  const common = {
    GITHUB_URL: s.http, GITHUB_API_URL: s.http,
    SOURCE_REWRITE: `https://raw.githubusercontent.com=>${s.http}/raw`,
    NXF_PLUGINS_INDEX_URL: `${s.http}/plugins.json`, NXF_BASE: `${s.http}/nextflow-releases`,
    AWS_ENDPOINT_URL: s.s3, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
    S3_ROOT: `s3://${DEMO.bucket}/offline`, NXF_VER: DEMO.nxfVer, NF_OFFLINE_CACHE: join(ws, 'cache'),
  }
  return { dev: { ...common, HOME: join(ws, 'dev-home') }, prod: { ...common, HOME: join(ws, 'prod-home') } }
}

/**
 * The parent's environment minus everything the toolkit reads: `just demo` itself runs with env/System-ENV
 * loaded (ROOT_DIR, NXF_HOME, ...), and those must not steer the demo's hosts into the user's real folders;
 * nor may a proxy of the user's stand between the steps and the local stand-ins.
 */
function clean(root: string): NodeJS.ProcessEnv {
  const own = new Set(readFileSync(join(root, 'env', 'System-ENV'), 'utf8').split('\n')
    .map((l) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(l)?.[1]).filter((n): n is string => !!n))
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!own.has(k) && !/^(AWS_|NXF_|PIPELINE$|REVISION$|S3_ROOT$|GITHUB_|SOURCE_|MIRROR_|REGISTRY_|NF_OFFLINE_DRY_RUN$|HTTPS?_PROXY$|https?_proxy$|ALL_PROXY$|all_proxy$)/.test(k)) env[k] = v
  }
  return env
}

const indent = (text: string) => text.split('\n').filter((l) => l.trim() !== '').map((l) => `    ${l}`).join('\n')

let running: ProcessPromise | undefined
/** Stop the step under way and its children (on Ctrl-C, before the workspace goes): each step is its own process group. */
export function stopRunningStep(): void {
  const pid = running?.pid
  if (pid) try { process.kill(-pid, 'SIGKILL') } catch { /* already gone */ }
}

/** Run `just <words>` on a host with zx, output collected in order; never throws on a non-zero exit. */
async function just(bin: string, words: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  const p = running = $({ cwd, env, nothrow: true, quiet: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })`${bin} ${words}`
  const o = await p
  running = undefined
  return { code: o.exitCode, out: o.stdall }
}

/** Run one step as the user would type it, print it and its output, and judge it (one or two table rows). */
async function runStep(w: Workspace, s: Step, hostEnv: Record<string, string>, missing: Tool[]): Promise<StepResult[]> {
  if (s.words[0] === 'fetch-toolkit') return [await fetchToolkit(w, hostEnv)]
  const t0 = Date.now()
  const step = `just ${s.words.join(' ')}`
  const stub = s.words[0] === 'stub'
  console.log(`\n${s.host}:${s.cwd === '.' ? '' : `${s.cwd} `}$ ${step}`)
  // the demo never starts Nextflow: its launcher, jar and plugins are stand-ins; `stub` prints the command it would run
  const env = { ...clean(w.root), ...hostEnv, ...(stub ? { NF_OFFLINE_DRY_RUN: '1' } : {}) }
  const r = await just(s.host === 'dev' ? w.devJust : join(w.prod, 'bin', 'just'), s.words, join(s.host === 'dev' ? w.dev : w.prod, s.cwd), env)
  if (r.out.trim()) console.log(indent(r.out))
  const seconds = (Date.now() - t0) / 1000
  if (s.host === 'prod' && s.words[0] === 'check') return judgeCheck(s.host, step, r.code, r.out, missing, seconds)
  const row = judgeExit(s.host, step, r.code, seconds)
  if (stub && row.outcome === 'proven') {
    const why = `command printed, not run: the demo's Nextflow and plugins are stand-ins${missing.length ? `, and ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not on PATH here` : ''}`
    console.log(`    (${why})`)
    return [{ ...row, outcome: 'skipped', why, needs: missing.length ? RUN_TOOLS : undefined }]
  }
  return [row]
}

/** Run every step in order; after a failure the rest are listed as not run. */
export async function runDemo(w: Workspace, env: HostEnv, missing: Tool[]): Promise<StepResult[]> {
  const rows: StepResult[] = []
  for (const s of DEMO_STEPS) {
    if (rows.some((r) => r.outcome === 'failed')) rows.push({ host: s.host, step: s.words[0] === 'fetch-toolkit' ? FETCH : `just ${s.words.join(' ')}`, outcome: 'skipped', why: 'not run: an earlier step failed' })
    else rows.push(...await runStep(w, s, env[s.host], missing))
  }
  return rows
}

const FETCH = 'fetch toolkit from S3'
/** Prod has no npm: the toolkit arrives from S3 as `just ship` left it (what `aws s3 sync` would do). */
async function fetchToolkit(w: Workspace, env: Record<string, string>): Promise<StepResult> {
  const t0 = Date.now()
  const src = `${env.S3_ROOT}/toolkit`
  console.log(`\nprod:$ aws s3 sync ${src}/ ~/nf-offline/ && chmod +x ~/nf-offline/bin/just`)
  console.log('    (done here with the toolkit\'s own S3 sync: the demo needs no aws CLI)')
  const client = makeS3Client(env)
  try {
    const s = await syncDown(client, src, w.prod, { quiet: true })
    chmodSync(join(w.prod, 'bin', 'just'), 0o755)
    console.log(`    ${s.transferred} files into prod/, no node_modules there`)
    return { host: 'prod', step: FETCH, outcome: 'proven', seconds: (Date.now() - t0) / 1000 }
  } catch (e) {
    console.log(`    ${(e as Error).message}`)
    return { host: 'prod', step: FETCH, outcome: 'failed', seconds: (Date.now() - t0) / 1000, why: 'toolkit not on S3' }
  } finally { client.destroy() }
}
