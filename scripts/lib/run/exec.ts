// run-exec: find the programs a run plan needs (zx which), prepare its folders and configs, start nextflow (zx $).
import { accessSync, constants, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { findProgram, sh } from '../core/programs.js'
import { writeFileAtomicSync } from '../core/fsx.js'
import { shippedConfigsDir, toolkitLauncher } from '../core/paths.js'
import { batchConfigText, batchRequested } from './batch.js'
import { findJava } from './java.js'
import { refuseStale, refuseUnmirrored } from '../stage/derived.js'
import { requireStaged } from '../stage/staged-tree.js'
import { batchConfigPath, customConfigDir, missingMessage, type RunPlan, type Tool } from './plan.js'

const isExec = (p: string) => { try { accessSync(p, constants.X_OK); return true } catch { return false } }

/** The program for `tool`: nextflow is the toolkit's bin/nextflow, else PATH's; java as the launcher picks it; docker on PATH. */
export function findTool(tool: Tool, root: string, env: Env): string | undefined {
  if (tool === 'nextflow' && isExec(toolkitLauncher(root))) return toolkitLauncher(root)
  if (tool === 'java') return findJava(env)
  return findProgram(tool, env)
}

/** Fail with one line when a program the plan needs is missing; else the nextflow to start. */
export function checkTools(plan: RunPlan, root: string): string {
  const found = new Map(plan.needs.map((t) => [t, findTool(t, root, plan.env)]))
  const missing = plan.needs.filter((t) => !found.get(t))
  if (missing.length) throw new UserError(missingMessage(missing))
  return found.get('nextflow') ?? 'nextflow'
}

/**
 * Fail with one line when the staged code is not a whole release, test.config/inputs3.csv were made for
 * another, or (offline) test.config is still the release's own, pointing at data on the internet.
 */
export function checkStaged(staged: string, name: string, revision?: string, offline = false): void {
  requireStaged(dirname(staged), name)
  refuseStale(dirname(staged), name, revision, ['test.config', 'inputs3.csv'])
  if (offline) refuseUnmirrored(dirname(staged), name)
}

/**
 * Make what nextflow reads but does not create: the log file's folder, the empty custom configs, and
 * batch.config from the environment when NXF_EXECUTOR=awsbatch (refused in one line if a setting is missing).
 */
/** Did `mirror` ship nf-core/configs files for this pipeline folder? (planRun's `shippedConfigs`) */
export const hasShippedConfigs = (dir: string) => existsSync(join(shippedConfigsDir(dir), 'nfcore_custom.config'))

export function makeRunDirs(plan: RunPlan, name: string): void {
  if (plan.env.NXF_LOG_FILE) mkdirSync(dirname(plan.env.NXF_LOG_FILE), { recursive: true })
  const i = plan.args.indexOf('--custom_config_base')
  if (i >= 0 && plan.args[i + 1] === customConfigDir(plan.cwd)) {
    const dir = customConfigDir(plan.cwd)
    mkdirSync(join(dir, 'pipeline'), { recursive: true })
    for (const f of ['nfcore_custom.config', `pipeline/${name}.config`]) {
      if (!existsSync(join(dir, f))) writeFileSync(join(dir, f), '// nf-offline: no institutional config offline\n')
    }
  }
  if (plan.args.includes(batchConfigPath(plan.cwd)) && batchRequested(plan.env)) {
    let text: string
    try { text = batchConfigText(plan.env) } catch (e) { throw new UserError(`NXF_EXECUTOR=awsbatch, but ${(e as Error).message}`) }
    writeFileAtomicSync(batchConfigPath(plan.cwd), text)
  }
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1, SIGKILL: 9 }

/**
 * Start nextflow with the terminal attached and return its exit code. Ctrl-C reaches nextflow
 * directly (same process group); we wait for it to shut down instead of exiting under it, and
 * pass SIGTERM/SIGHUP on.
 */
export async function runNextflow(plan: RunPlan, program = 'nextflow'): Promise<number> {
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(s)
  const p = sh(plan.env, { cwd: plan.cwd, inherit: true })`${program} ${plan.args}`
  // the terminal's Ctrl-C already reached nextflow: a second SIGINT would cut its cleanup short
  process.on('SIGINT', () => {})
  for (const s of ['SIGTERM', 'SIGHUP'] as const) process.on(s, () => { p.kill(s).catch(() => {}) })
  const r = await p
  return r.exitCode ?? 128 + (SIGNALS[r.signal ?? ''] ?? 1)
}
