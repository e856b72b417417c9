// context: the preamble of every entry script: which pipeline, and the merged environment.
import { basename, join } from 'node:path'
import { type Args, UserError } from './cli.js'
import { type Env, loadEnvFiles } from './env.js'
import { acquireLock } from './lock.js'
import { cacheDir, checkPipelineName, pipelineDir, pipelineFolderOf, toolkitRoot } from './paths.js'

export interface Context {
  root: string
  env: Env
  pipeline?: string
  /** pipelines/<name> */
  dir?: string
  /** pipelines/<name>/<name>: the staged code */
  staged?: string
}

export interface ContextOptions {
  /** the first positional word names the pipeline (root recipes: `just stage rnaseq`) */
  positionalPipeline?: boolean
  /** fail with one line when no pipeline is named */
  needPipeline?: boolean
  cwd?: string
  processEnv?: Env
  /** a mutating run: take the pipeline folder's lock (true) or the root's ('root': ship, plugins); see lock.ts */
  lock?: boolean | 'root'
}

/**
 * Work out the pipeline (argument, then PIPELINE, then the folder we stand in) and load
 * env/System-ENV and its Pipeline-ENV under the process environment; KEY=VALUE words win over all.
 */
export function loadContext(args: Args, opts: ContextOptions = {}): Context {
  const root = toolkitRoot()
  const processEnv = { ...(opts.processEnv ?? process.env), ...args.vars }
  const folder = pipelineFolderOf(root, opts.cwd ?? process.cwd())
  // root recipes: `stage rnaseq 3.14.0`, `stage PIPELINE=rnaseq`, `stage PIPELINE=sarek 3.4.4`
  const fromArg = opts.positionalPipeline && !args.vars.PIPELINE ? args._.shift() : undefined
  const revArg = opts.positionalPipeline && !args.vars.REVISION ? args._.shift() : undefined
  if (folder && !fromArg && !args.vars.PIPELINE && processEnv.PIPELINE && processEnv.PIPELINE !== basename(folder)) {
    throw new UserError(`PIPELINE=${processEnv.PIPELINE} is exported but this is pipelines/${basename(folder)}; unset PIPELINE`)
  }
  const name = fromArg || processEnv.PIPELINE || (folder ? basename(folder) : undefined)
  if (!name && opts.needPipeline) throw new UserError('PIPELINE is not set; name one, e.g. PIPELINE=rnaseq')
  if (name) checkPipelineName(name)
  const dir = name ? (folder && basename(folder) === name ? folder : pipelineDir(root, name)) : undefined
  const env = loadEnvFiles([
    { path: join(root, 'env', 'System-ENV'), required: true, label: 'env/System-ENV' },
    ...(dir ? [{ path: join(dir, 'Pipeline-ENV') }] : []),
  ], processEnv)
  if (name) env.PIPELINE = name
  if (revArg) env.REVISION = revArg
  if (opts.lock) {
    const locks = join(cacheDir(root, env), 'locks')
    const command = basename(process.argv[1] ?? 'nf-offline', '.js')
    if (opts.lock === 'root' || !name) acquireLock(join(locks, 'root.lock'), command, 'this toolkit (ship, plugins)')
    else acquireLock(join(locks, `${name}.lock`), command, `pipelines/${name}`)
  }
  return { root, env, pipeline: name, dir, staged: name && dir ? join(dir, name) : undefined }
}

