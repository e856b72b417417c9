// plugin-pipelines: read what each staged pipeline (pipelines/*/*/nextflow.config) needs of the plugins dir.
import { existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import fg from 'fast-glob'
import type { Env } from '../core/env.js'
import { readTextIf } from '../core/fsx.js'
import { ConfigSyntaxError, loadConfig } from '../nf-config/index.js'
import { type PipelineNeeds, pluginUnion, type Union } from './needs.js'
import { batchRequested } from '../run/batch.js'
import type { PluginRef } from './list.js'

const readText = readTextIf

/**
 * Every staged pipeline's plugins and params as Prod runs it (`-profile test,docker`, so the mirrored
 * test.config with its s3:// inputs counts), plus its inputs3.csv. A config that cannot be read
 * becomes a problem line; the others are still checked.
 */
export function readPipelineNeeds(root: string): { needs: PipelineNeeds[]; problems: string[] } {
  const needs: PipelineNeeds[] = [], problems: string[] = []
  const configs = fg.sync('pipelines/*/*/nextflow.config', { cwd: root, onlyFiles: true }).sort()
  for (const rel of configs) {
    const staged = join(root, dirname(rel))
    const folder = dirname(staged)
    const name = relative(join(root, 'pipelines'), folder)
    try {
      const cfg = loadConfig({ projectDir: staged, profiles: ['test', 'docker'], readFile: readText, env: {} })
      const inputs = existsSync(join(folder, 'inputs3.csv')) ? [{ file: `pipelines/${name}/inputs3.csv`, text: readText(join(folder, 'inputs3.csv')) ?? '' }] : []
      needs.push({ name, config: rel, plugins: cfg.plugins, params: cfg.params, workDir: cfg.get('workDir'), inputs })
    } catch (e) {
      if (!(e instanceof ConfigSyntaxError)) throw e
      problems.push(`cannot read ${rel} (${e.message}); its plugins are not checked`)
    }
  }
  return { needs, problems }
}

/** plugins.list and what every staged pipeline needs beyond it (declared plugins, nf-amazon for s3:// or Batch). */
export function pipelinePlugins(root: string, list: PluginRef[], env: Env): Union {
  const { needs, problems } = readPipelineNeeds(root)
  const u = pluginUnion(list, needs, env.NXF_VER, batchRequested(env) ? 'executor awsbatch' : undefined)
  return { ...u, warnings: [...problems, ...u.warnings] }
}
