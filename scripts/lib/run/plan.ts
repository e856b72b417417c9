// run-plan (pure): the nextflow command line and environment for each run mode; exec.ts starts it.
import { join } from 'node:path'
import { type Args, parseArgs } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { shippedConfigsDir } from '../core/paths.js'
import { batchRequested } from './batch.js'

export type Mode = 'run' | 'stub' | 'preview' | 'test' | 'smoke'
export const MODES: Mode[] = ['run', 'stub', 'preview', 'test', 'smoke']
export type Tool = 'nextflow' | 'java' | 'docker'

export interface RunPlan {
  mode: Mode
  /** nextflow's arguments (without the program name) */
  args: string[]
  /** the complete environment for nextflow */
  env: Env
  /** where nextflow runs (its .nextflow/ cache and history land here) */
  cwd: string
  /** programs that must be on PATH */
  needs: Tool[]
}

export interface PlanInput {
  /** pipelines/<name> */
  dir: string
  /** pipelines/<name>/<name> */
  staged: string
  env: Env
  /** words after the recipe, passed through unchanged */
  extra?: string[]
  /** smoke: a config file setting docker.registry to the proxy */
  smokeConfig?: string
  /** `mirror` shipped nf-core/configs files in pipelines/<name>/nf-core-configs (see hasShippedConfigs) */
  shippedConfigs?: boolean
}

/** pipelines/<name>/batch.config: written before an offline run when NXF_EXECUTOR=awsbatch and BATCH_QUEUE are set. */
export const batchConfigPath = (dir: string) => join(dir, 'batch.config')

/** Offline modes read only local plugins (NXF_OFFLINE=true) and never fetch the pipeline (-offline). */
export const isOffline = (mode: Mode) => mode === 'run' || mode === 'stub'

/** Results of each mode go to pipelines/<name>/results/<mode>: `up` skips results/, and a stub never overwrites a real run. */
export const resultsDir = (dir: string, mode: Mode) => join(dir, 'results', mode)

const hasOpt = (extra: string[], ...names: string[]) =>
  extra.some((w) => names.some((n) => w === n || w.startsWith(`${n}=`)))

/**
 * The nextflow invocation for `mode`. The user's extra words come last and win: when they name
 * -profile, --outdir or -resume themselves, ours is left out rather than given twice.
 */
export function planRun(mode: Mode, input: PlanInput): RunPlan {
  const extra = input.extra ?? []
  const args = ['run', input.staged]
  if (isOffline(mode)) args.push('-offline')
  if (!hasOpt(extra, '-profile')) args.push('-profile', 'test,docker')
  if (mode === 'stub' || mode === 'smoke') args.push('-stub')
  if (mode === 'preview') args.push('-preview')
  if (mode === 'smoke' && input.smokeConfig) args.push('-c', input.smokeConfig)
  // Prod at scale: the same offline run through Nextflow's awsbatch executor (opt-in, see batch.ts)
  if (isOffline(mode) && batchRequested(input.env)) args.push('-c', batchConfigPath(input.dir))
  if (!hasOpt(extra, '--outdir')) args.push('--outdir', resultsDir(input.dir, mode))
  if (mode !== 'preview' && !hasOpt(extra, '-resume')) args.push('-resume')
  // older nf-core templates include `${custom_config_base}/nfcore_custom.config` inside a `try` evaluated
  // before any profile: only a command-line param reaches it, so offline runs point it at the configs `mirror`
  // shipped (the same files the online run read, URLs mirrored), or at empty local files when there are none
  if (isOffline(mode) && !hasOpt(extra, '--custom_config_base')) args.push('--custom_config_base', input.shippedConfigs ? shippedConfigsDir(input.dir) : customConfigDir(input.dir))
  args.push(...extra)

  const env: Env = { ...input.env }
  if (isOffline(mode)) env.NXF_OFFLINE = 'true'
  else delete env.NXF_OFFLINE   // online modes may fetch plugins and check for updates
  // on Batch the tasks' containers run on the compute environment, not here
  const needs: Tool[] = mode === 'preview' || (isOffline(mode) && batchRequested(input.env)) ? ['nextflow', 'java'] : ['nextflow', 'java', 'docker']
  return { mode, args, env, cwd: input.dir, needs }
}

/** Empty institutional configs for offline runs (`.nextflow*` is never uploaded by `up`). */
export const customConfigDir = (dir: string) => join(dir, '.nextflow-custom-config')

/** Words after the mode as the user typed them, without the first `--` (what follows it is nextflow's, unchecked). */
export function passThrough(words: string[]): string[] {
  const i = words.indexOf('--')
  return i < 0 ? words : [...words.slice(0, i), ...words.slice(i + 1)]
}

/**
 * Leading KEY=VALUE words set variables, as in every recipe (`just run NXF_VER=24.10.6 -resume`);
 * every word from the first other one on goes to nextflow verbatim.
 */
export function splitVars(words: string[]): { args: Args; rest: string[] } {
  let i = 0
  while (i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i])) i++
  return { args: parseArgs(words.slice(0, i)), rest: words.slice(i) }
}

/**
 * Root recipes that run nextflow (`smoke rnaseq --max_cpus 2`, `bootstrap PIPELINE=rnaseq -resume`):
 * leading KEY=VALUE words and the pipeline name for loadContext, every later word for nextflow verbatim.
 */
export function splitPipelineWords(words: string[]): { args: Args; extra: string[] } {
  const { args, rest } = splitVars(words)
  if (!args.vars.PIPELINE && rest.length && !rest[0].startsWith('-')) args._.push(rest.shift()!)
  return { args, extra: passThrough(rest) }
}

/** The smoke run's extra config: pull every short image name through the registry proxy. */
export function smokeConfigText(registry: string): string {
  return `// written by just smoke: pull images through the registry proxy\ndocker.registry = '${registry.replace(/['\\]/g, '')}'\n`
}

const HINT: Record<Tool, string> = {
  nextflow: 'the toolkit has no bin/nextflow; run: just plugins --down (it installs the launcher Dev shipped)',
  java: 'Nextflow needs Java (11+ for 24.10, 17+ from 25.04): install a JDK and put it on PATH, or set JAVA_HOME',
  docker: 'the test profile runs its tasks in Docker containers: install Docker',
}

/** One line naming every missing program and what to do. */
export function missingMessage(missing: Tool[]): string {
  const names = missing.join(', ')
  return `${names} not found on PATH; ${missing.map((t) => HINT[t]).join('; ')}`
}

/** The launcher's jar for NXF_VER under NXF_HOME; offline, a launcher without it cannot start. */
export function frameworkJar(env: Env): string | undefined {
  if (!env.NXF_HOME || !env.NXF_VER) return undefined
  return join(env.NXF_HOME, 'framework', env.NXF_VER, `nextflow-${env.NXF_VER}-one.jar`)
}
