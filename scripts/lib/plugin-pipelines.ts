// plugin-pipelines: read what each staged pipeline (pipelines/*/*/nextflow.config) needs of plugins.list.
import type { Env } from './env.js'
import type { PluginRef } from './plugins-list.js'

/** Warnings for plugins.list against every staged pipeline (declared plugins, nf-amazon for s3://). */
export function pipelineWarnings(_root: string, _list: PluginRef[], _env: Env): string[] {
  return []   // filled in once scripts/lib/nf-config.ts is committed
}
