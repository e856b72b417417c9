// paths: where the toolkit, its pipeline folders and staged code live.
import { existsSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { UserError } from './cli.js'

/** The toolkit root: the nearest folder above this file with a justfile (dist/scripts bundled, scripts/lib/core not). */
export function toolkitRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  for (let d = here; d !== dirname(d); d = dirname(d)) if (existsSync(join(d, 'justfile'))) return d
  return resolve(here, '..', '..')
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/** A pipeline name as nf-core spells it; anything else (slashes, spaces, `..`) is refused. */
export function checkPipelineName(name: string): string {
  if (!NAME.test(name) || name.includes('..')) {
    throw new UserError(`'${name}' is not a pipeline name; use the nf-core name, e.g. rnaseq`)
  }
  return name
}

export const pipelineDir = (root: string, name: string) => join(root, 'pipelines', name)
/** Where Prod's toolkit keeps the Nextflow launcher `just plugins --down` installs: its own bin/, beside just. */
export const toolkitLauncher = (root: string) => join(root, 'bin', 'nextflow')
export const cacheDir = (root: string, env: Record<string, string | undefined>) =>
  env.NF_OFFLINE_CACHE || join(root, '.cache')

/**
 * The pipeline folder that `cwd` is in (pipelines/<name>, or its staged code below it), if any:
 * recipes of the shared per-pipeline justfile run there.
 */
export function pipelineFolderOf(root: string, cwd: string): string | undefined {
  const base = join(root, 'pipelines') + sep
  const here = resolve(cwd)
  if (!here.startsWith(base)) {
    // outside the toolkit tree (e.g. a Prod copy reached through a link): look for Pipeline-ENV upwards
    for (let d = here; d !== dirname(d); d = dirname(d)) if (existsSync(join(d, 'Pipeline-ENV'))) return d
    return undefined
  }
  const name = here.slice(base.length).split(sep)[0]
  return name ? join(root, 'pipelines', name) : undefined
}

/** nf-core/configs files `mirror` ships for a pipeline: the offline run's `--custom_config_base`. */
export const shippedConfigsDir = (dir: string) => join(dir, 'nf-core-configs')
