// demo-steps: the demo's two hosts (a Dev toolkit copy and an empty Prod folder), their env, and step running.
import { type ChildProcess, spawn } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { strToU8, zipSync } from 'fflate'
import { DEMO, DEMO_PLUGINS, type StandIns } from './standins.js'
import { makeS3Client } from '../s3/client.js'
import { syncDown } from '../s3/sync.js'

export interface Workspace { root: string; ws: string; dev: string; prod: string; devJust: string }
export interface StepResult { step: string; host: string; ok: boolean; seconds: number; note?: string; output?: string }

/** Dev: a copy of this toolkit (built scripts, justfiles, env) with the demo's plugins.list; Prod: empty. */
export function makeWorkspace(root: string, ws: string): Workspace {
  const dev = join(ws, 'dev'), prod = join(ws, 'prod')
  for (const f of ['justfile', 'env', 'dist']) cpSync(join(root, f), join(dev, f), { recursive: true })
  mkdirSync(join(dev, 'pipelines'), { recursive: true })
  cpSync(join(root, 'pipelines', 'pipeline.just'), join(dev, 'pipelines', 'pipeline.just'))
  writeFileSync(join(dev, 'plugins.list'), `# the demo's plugins (served by the local plugin index)\n${DEMO_PLUGINS.join('\n')}\n`)
  mkdirSync(prod, { recursive: true })
  // Dev's Nextflow of NXF_VER, as `just plugins` leaves it (launcher + jar): it ships them to Prod, whose
  // `just plugins --down` installs the launcher as bin/nextflow. Stand-ins: the demo runs no Java.
  const fw = join(ws, 'dev-home', 'offline', '.nextflow', 'framework', DEMO.nxfVer)
  mkdirSync(fw, { recursive: true })
  writeFileSync(join(fw, `nextflow-${DEMO.nxfVer}-one.jar`), zipSync({ 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\nMain-Class: nextflow.cli.Launcher\n') }))
  writeFileSync(join(fw, 'nextflow'), `#!/usr/bin/env bash\n# stand-in for the Nextflow launcher\nNXF_VER=\${NXF_VER:-'${DEMO.nxfVer}'}\nexec java -jar "$NXF_HOME/framework/$NXF_VER/nextflow-$NXF_VER-one.jar" "$@"\n`, { mode: 0o755 })
  return { root, ws, dev, prod, devJust: realpathSync(join(root, 'node_modules', '.bin', 'just')) }
}

/** The environment each host sees: stand-in URLs, S3 credentials s3rver accepts, a private HOME. */
export function demoEnv(ws: string, s: StandIns): Record<'dev' | 'prod', Record<string, string>> {
  const common = {
    GITHUB_URL: s.http, GITHUB_API_URL: s.http,
    SOURCE_REWRITE: `https://raw.githubusercontent.com=>${s.http}/raw`,
    NXF_PLUGINS_INDEX_URL: `${s.http}/plugins.json`,
    AWS_ENDPOINT_URL: s.s3, AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1',
    S3_ROOT: `s3://${DEMO.bucket}/offline`, NXF_VER: DEMO.nxfVer, NF_OFFLINE_CACHE: join(ws, 'cache'),
    NXF_BASE: `${s.http}/nextflow-releases`,   // never the real one: Dev's Nextflow is seeded above
  }
  return {
    dev: { ...common, HOME: join(ws, 'dev-home') },
    prod: { ...common, HOME: join(ws, 'prod-home') },
  }
}

/**
 * The parent's environment minus everything the toolkit reads: `just demo` itself runs with env/System-ENV
 * loaded (ROOT_DIR, NXF_HOME, ...), and those must not steer the demo's hosts into the user's real folders.
 */
function clean(root: string): NodeJS.ProcessEnv {
  const own = new Set(readFileSync(join(root, 'env', 'System-ENV'), 'utf8').split('\n')
    .map((l) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/.exec(l)?.[1]).filter((n): n is string => !!n))
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!own.has(k) && !/^(AWS_|NXF_|PIPELINE$|REVISION$|S3_ROOT$|GITHUB_|SOURCE_|MIRROR_|REGISTRY_)/.test(k)) env[k] = v
  }
  return env
}

function indent(text: string): string {
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => `    ${l}`).join('\n')
}

let running: ChildProcess | undefined
/** Stop the step under way (on Ctrl-C, before the workspace goes). */
export function stopRunningStep(): void { running?.kill('SIGKILL') }

/** Run one step as the user would type it, print it and its output, and time it. */
export async function runStep(w: Workspace, host: 'dev' | 'prod', cwd: string, words: string[], env: Record<string, string>): Promise<StepResult> {
  const t0 = Date.now()
  const where = cwd === '.' ? '' : `${cwd} `
  if (words[0] === 'fetch-toolkit') return fetchToolkit(w, env, t0)
  console.log(`\n${host}:${where}$ just ${words.join(' ')}`)
  const base = host === 'dev' ? w.dev : w.prod
  const bin = host === 'dev' ? w.devJust : join(w.prod, 'bin', 'just')
  const r = await new Promise<{ code: number | null; out: string }>((done) => {
    // the step's env wins; the parent's own AWS/NXF settings never leak into the demo
    const child = running = spawn(bin, words, { cwd: join(base, cwd), env: { ...clean(w.root), ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.stderr.on('data', (d) => { out += d })
    child.on('error', (e) => done({ code: 127, out: String(e) }))
    child.on('close', (code) => { running = undefined; done({ code, out }) })
  })
  if (r.out.trim()) console.log(indent(r.out))
  return { step: `just ${words.join(' ')}`, host, ok: r.code === 0, seconds: (Date.now() - t0) / 1000, note: r.code === 0 ? undefined : `exit ${r.code}`, output: r.out }
}

/** Prod has no npm: the toolkit arrives from S3 as `just ship` left it (what `aws s3 sync` would do). */
async function fetchToolkit(w: Workspace, env: Record<string, string>, t0: number): Promise<StepResult> {
  const src = `${env.S3_ROOT}/toolkit`
  console.log(`\nprod:$ aws s3 sync ${src}/ ~/nf-offline/ && chmod +x ~/nf-offline/bin/just`)
  console.log('    (done here with the toolkit\'s own S3 sync: the demo needs no aws CLI)')
  const client = makeS3Client(env)
  try {
    const s = await syncDown(client, src, w.prod, { quiet: true })
    chmodSync(join(w.prod, 'bin', 'just'), 0o755)
    console.log(`    ${s.transferred} files into prod/, no node_modules there`)
    return { step: 'fetch toolkit from S3', host: 'prod', ok: true, seconds: (Date.now() - t0) / 1000 }
  } catch (e) {
    console.log(`    ${(e as Error).message}`)
    return { step: 'fetch toolkit from S3', host: 'prod', ok: false, seconds: (Date.now() - t0) / 1000, note: 'toolkit not on S3' }
  } finally { client.destroy() }
}

/** True when the only failed readiness items are in the [tools] group. */
export function onlyToolsMissing(out: string): boolean {
  const groups = failedGroups(out)
  return groups.length > 0 && groups.every((g) => g === '[tools]')
}
function failedGroups(out: string): string[] {
  let group = ''
  const groups: string[] = []
  for (const l of out.split('\n').map((x) => x.trim())) {
    if (l.startsWith('[')) group = l
    else if (l.startsWith('✗')) groups.push(group)
  }
  return groups
}
export function printTable(rows: StepResult[], total: number): void {
  const w = Math.max(...rows.map((r) => r.step.length), 4)
  console.log(`\n${'host'.padEnd(5)} ${'step'.padEnd(w)} result  seconds`)
  for (const r of rows) console.log(`${r.host.padEnd(5)} ${r.step.padEnd(w)} ${(r.ok ? 'ok' : 'FAILED').padEnd(7)} ${r.seconds.toFixed(1).padStart(7)}${r.note ? `  ${r.note}` : ''}`)
  const ok = rows.every((r) => r.ok)
  console.log(`${ok ? 'demo complete' : 'demo stopped'}: ${rows.filter((r) => r.ok).length}/${rows.length} steps ok in ${total.toFixed(1)} s`)
}
