// images-config: the container settings of the configs Nextflow loads under `-profile docker`, and a pipeline's full report.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from './cli.js'
import { collectImages, evaluateConfigSource, type ConfigView, type ImageReport } from './images.js'
import { ConfigSyntaxError, isUnresolved, loadConfig } from './nf-config.js'

const readText = (p: string) => { try { return readFileSync(p, 'utf8') } catch { return undefined } }

/** docker.registry and every `process.container` (any selector) of nextflow.config + includes + the docker profile. */
export function readContainerConfig(dir: string): ConfigView {
  if (!existsSync(join(dir, 'nextflow.config'))) return { containers: [], problems: [] }
  let cfg
  try {
    cfg = loadConfig({ projectDir: dir, profiles: ['docker'], readFile: readText })
  } catch (e) {
    if (e instanceof ConfigSyntaxError) throw new UserError(`cannot read the pipeline's config: ${e.message}`)
    throw e
  }
  const reg = cfg.get('docker.registry')
  const containers = cfg.assignments
    .filter((a) => a.key === 'process.container')
    .map((a) => ({
      at: a.at,
      raw: a.raw,
      value: typeof a.value === 'string' || a.value === null ? { k: 'known', v: a.value } as const
        : isUnresolved(a.value) ? evaluateConfigSource(a.raw) : { k: 'unk' } as const,
    }))
  return { dockerRegistry: typeof reg === 'string' && reg.trim() ? reg.trim() : undefined, containers, problems: cfg.problems }
}

/** The image report of the pipeline code in `dir`. */
export function analysePipeline(dir: string): ImageReport {
  return collectImages(dir, readContainerConfig(dir))
}
