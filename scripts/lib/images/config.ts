// images-config: the container settings of the configs Nextflow loads under `-profile docker`, and a pipeline's full report.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import { readTextIf } from '../core/fsx.js'
import { altsOf } from './container-expr.js'
import { containersUnderIf } from './config-ifs.js'
import { collectImages, evaluateConfigSource, type ConfigContainer, type ConfigView, type ImageReport } from './collect.js'
import { ConfigSyntaxError, isUnresolved, loadConfig } from '../nf-config/index.js'

const readText = readTextIf

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
  return { dockerRegistry: typeof reg === 'string' && reg.trim() ? reg.trim() : undefined, containers: [...containers, ...undecided(dir, cfg.unresolved)], problems: cfg.problems }
}

/** Containers in the branches of an `if` the reader could not decide: reported as unresolved, with the condition. */
function undecided(dir: string, unresolved: { unresolved: string; at: string }[]): ConfigContainer[] {
  const out: ConfigContainer[] = []
  for (const u of unresolved) {
    const m = /^(.*):(\d+)$/.exec(u.at)
    const src = m && readText(join(dir, m[1]))
    // cheap filters first: most unresolved values are params, not ifs around containers
    if (!m || !src || !/\bcontainer\s*=/.test(src) || !/\bif\s*\(/.test(src.split('\n')[Number(m[2]) - 1] ?? '')) continue
    for (const c of containersUnderIf(src, Number(m[2]))) {
      out.push({ at: `${m[1]}:${c.line}`, raw: `${c.raw} (under if (${u.unresolved}), which cannot be decided)`, value: { k: 'unk', alts: altsOf(c.value) } })
    }
  }
  return out
}

/** The image report of the pipeline code in `dir`. */
export function analysePipeline(dir: string): ImageReport {
  return collectImages(dir, readContainerConfig(dir))
}
