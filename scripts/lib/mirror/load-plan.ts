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

export interface LoadedPlan { cfg: LoadedConfig; original: string; plan: ProfilePlan; sized: DefaultSizes }

/** The tool names the schema's `tools` param accepts (none without a schema, or one that does not parse). */
function toolNames(staged: string): string[] | undefined {
  const f = join(staged, 'nextflow_schema.json')
  if (!existsSync(f)) return undefined
  try { return schemaToolNames(JSON.parse(readFileSync(f, 'utf8'))) } catch { return undefined }
}

export async function loadPlan(staged: string, name: string, env: Env, sources: SourceS3): Promise<LoadedPlan> {
  const settings = mirrorSettings(env)
  const { cfg, original } = loadTestProfile(staged, name)
  const planned = planProfile(cfg, staged, { skip: settings.skip, include: settings.include, toolNames: toolNames(staged) })
  const sized = await sizeDefaults(planned, env, sources)
  return { cfg, original, plan: capDefaults(planned, sized.sizes, settings), sized }
}
