// project: a throw-away copy of the toolkit (built scripts, justfiles, env) to run commands in for real.
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const justBin = join(repoRoot, 'node_modules', '.bin', 'just')
export const fixtures = join(repoRoot, 'tests', 'fixtures')

export interface Project {
  root: string
  /** run `just <args>` in `cwd` (relative to root) */
  just(args: string[], opts?: RunOptions): Promise<RunResult>
  /** run a built entry script `dist/scripts/<name>.js` */
  script(name: string, args: string[], opts?: RunOptions): Promise<RunResult>
  cleanup(): void
}
export interface RunOptions { cwd?: string; env?: Record<string, string | undefined>; timeoutMs?: number }
export interface RunResult { code: number | null; stdout: string; stderr: string; ms: number }

/** Run a program, collecting output; never throws on a non-zero exit. */
export function run(cmd: string, args: string[], opts: RunOptions & { cwd: string }): Promise<RunResult> {
  const t0 = Date.now()
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = '', stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000)
    child.on('error', fail)
    child.on('close', (code) => { clearTimeout(timer); done({ code, stdout, stderr, ms: Date.now() - t0 }) })
  })
}

/** The test's environment: no AWS profile or proxy of the developer's leaks in; `undefined` removes. */
function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(AWS_|NXF_|PIPELINE$|REVISION$|S3_ROOT$|S3SERVICE$|ROOT_DIR$|HOME_DIR$|OFFLINE_DIR$|REGISTRY_|SOURCE_|MIRROR_|GITHUB_|GITLAB_|HTTPS?_PROXY$|https?_proxy$|NO_PROXY$|no_proxy$|DEBUG$)/.test(k)) continue
    env[k] = v
  }
  env.NF_OFFLINE_RETRY_MS = '20'
  for (const [k, v] of Object.entries(extra)) { if (v === undefined) delete env[k]; else env[k] = v }
  return env
}

/** Copy the toolkit (dist, justfiles, env, plugins.list, pipeline folders' env files) into a temp dir. */
export function tmpProject(opts: { pipelines?: string[] } = {}): Project {
  if (!existsSync(join(repoRoot, 'dist/scripts/stage.js'))) throw new Error('run `npm run build` first')
  const root = mkdtempSync(join(tmpdir(), 'nfo-'))
  for (const f of ['justfile', 'plugins.list', 'env', 'dist']) cpSync(join(repoRoot, f), join(root, f), { recursive: true })
  mkdirSync(join(root, 'pipelines'))
  cpSync(join(repoRoot, 'pipelines/pipeline.just'), join(root, 'pipelines/pipeline.just'))
  for (const p of opts.pipelines ?? []) {
    mkdirSync(join(root, 'pipelines', p))
    cpSync(join(repoRoot, 'pipelines', p, 'Pipeline-ENV'), join(root, 'pipelines', p, 'Pipeline-ENV'))
    symlinkSync('../pipeline.just', join(root, 'pipelines', p, 'justfile'))
  }
  // a private HOME so System-ENV's ROOT_DIR/NXF_HOME land inside the temp dir
  mkdirSync(join(root, 'home'))
  writeFileSync(join(root, '.gitignore'), '*\n')
  const base = { HOME: join(root, 'home'), NF_OFFLINE_CACHE: join(root, '.cache') }
  return {
    root,
    just: (args, o = {}) => run(justBin, args, { ...o, cwd: join(root, o.cwd ?? ''), env: { ...base, ...o.env } }),
    script: (name, args, o = {}) => run(process.execPath, [join(root, 'dist/scripts', `${name}.js`), ...args], { ...o, cwd: join(root, o.cwd ?? ''), env: { ...base, ...o.env } }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  }
}

/**
 * Put fixture pipeline `fixture` (tests/fixtures/pipelines/<fixture>, or any folder) in place as
 * pipelines/<name>/<name> with its Pipeline-ENV and justfile link, as `just stage` leaves a folder.
 */
export function placeStaged(p: Project, fixture: string, name = fixture, revision = '1.0.0'): string {
  const dir = join(p.root, 'pipelines', name)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'Pipeline-ENV'), `export PIPELINE=${name}\nexport REVISION=${revision}\n`)
  symlinkSync('../pipeline.just', join(dir, 'justfile'))
  cpSync(fixture.startsWith('/') ? fixture : join(fixtures, 'pipelines', fixture), join(dir, name), { recursive: true })
  return dir
}

/**
 * nf-core/configs@master in the project's cache, as a Dev host that fetched it once has it (our configs-shaped
 * fixture): fixture pipelines load it from raw.githubusercontent.com and `mirror` brings it along (never from the
 * internet in a test); tests/commands/mirror.test.ts also fetches it for real from a GitHub stand-in.
 */
export function cacheConfigs(p: Project, cache = join(p.root, '.cache')): void {
  cpSync(join(fixtures, 'nf-core-configs'), join(cache, 'nf-core-configs', 'master'), { recursive: true })
}
