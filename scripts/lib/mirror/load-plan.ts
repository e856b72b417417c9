// load-plan: the plan both `mirror --plan` and `mirror` act on: the test profile evaluated, planned, defaults sized and capped.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Env } from '../core/env.js'
import type { LoadedConfig } from '../nf-config/index.js'
import { capDefaults, schemaToolNames } from './default-use.js'
import { sizeDefaults, type DefaultSizes } from './default-sizes.js'
import { loadTestProfile } from './inputs.js'
import { mirrorSettings } from './settings.js'
import type { SourceS3 } from './sources.js'
import { planProfile, type ProfilePlan } from './test-profile.js'
import { applyLog, reachOf, type LogApplied } from './from-log.js'
import { findRunLog } from './log-file.js'
import { configsTree, configsVersion, readFrom } from './nf-core-configs.js'
import { isRemote } from './data-keys.js'

export interface LoadedPlan {
  cfg: LoadedConfig; original: string; plan: ProfilePlan; sized: DefaultSizes
  fromLog?: LogApplied & { file: string; staged: string[] }
  /** nf-core/configs the run loads: its version, the extracted tree, the files read (relative to the tree) */
  configs?: { version: string; tree: string; files: string[] }
}

/** `--from-log [FILE]`: the pipeline folder, the release tag, and the file if one was named */
export interface LogRequest { dir: string; tag?: string; file?: string }

/** The tool names the schema's `tools` param accepts (none without a schema, or one that does not parse). */
function toolNames(staged: string): string[] | undefined {
  const f = join(staged, 'nextflow_schema.json')
  if (!existsSync(f)) return undefined
  try { return schemaToolNames(JSON.parse(readFileSync(f, 'utf8'))) } catch { return undefined }
}

export async function loadPlan(staged: string, name: string, env: Env, root: string, sources: SourceS3, logRequest?: LogRequest): Promise<LoadedPlan> {
  const settings = mirrorSettings(env)
  let { cfg, original } = loadTestProfile(staged, name)
  // the pipeline loads nf-core/configs from the web: evaluate it as an online run would, from the pinned version
  const version = configsVersion(cfg)
  let configs: LoadedPlan['configs']
  if (version) {
    const tree = await configsTree(env, root, version)
    ;({ cfg, original } = loadTestProfile(staged, name, { custom_config_base: tree }))
    configs = { version, tree, files: readFrom(cfg, staged, tree) }
  }
  let planned = planProfile(cfg, staged, { skip: settings.skip, include: settings.include, toolNames: toolNames(staged) })
  let fromLog: LoadedPlan['fromLog']
  if (logRequest) {
    // the run's own list wins over the static guess: its files added, defaults it never staged dropped
    const { file, log } = findRunLog(logRequest.dir, staged, name, logRequest.tag, logRequest.file)
    const applied = applyLog(planned, cfg.params, log.staged)
    planned = applied.plan
    fromLog = { ...applied, file, staged: log.staged }
  }
  const sized = await sizeDefaults(planned, env, sources)
  return { cfg, original, plan: capDefaults(planned, sized.sizes, settings), sized, fromLog, configs }
}

/** The differences between the logged run and the static plan, one line each. */
export function logLines(l: NonNullable<LoadedPlan['fromLog']>, plan: ProfilePlan, covered: Set<string>): string[] {
  return [
    `from ${l.file}: the run staged ${l.staged.length} remote files`,
    ...l.promoted.map((p) => `staged by the run, missed by the static plan: ${p.url} (${p.param}); mirrored`),
    ...l.unnamed.filter((u) => !covered.has(u)).map((u) => `staged by the run, missed by the static plan: ${u} (${reachOf(u, plan)})${isRemote(u) ? '; mirrored' : '; scheme not mirrored'}`),
    ...l.unused.map((d) => `planned default never used by the run: ${d.param} = ${d.urls.join(', ')}; not mirrored`),
  ]
}
