// nf-core-configs: the institutional configs a pipeline loads from nf-core/configs at run time, brought along:
// fetched at the pinned version (cached), evaluated with the test profile, shipped in pipelines/<p>/nf-core-configs/.
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import type { Env } from '../core/env.js'
import { swapDir, writeFileAtomic } from '../core/fsx.js'
import { cacheDir } from '../core/paths.js'
import { extractRelease } from '../stage/archive.js'
import { fetchArchive, refArchiveUrl } from '../stage/github.js'
import type { LoadedConfig } from '../nf-config/index.js'

/** Where the offline run reads them: `--custom_config_base` points here. */
export const SHIPPED = 'nf-core-configs'

/**
 * The nf-core/configs version the pipeline loads, when its includes were left out as remote: custom_config_base
 * is `…/nf-core/configs/<version>` (raw.githubusercontent.com) and an includeConfig under it was skipped.
 */
export function configsVersion(cfg: Pick<LoadedConfig, 'params' | 'skipped'>): string | undefined {
  const base = cfg.params.custom_config_base
  if (typeof base !== 'string') return undefined
  const m = /^https?:\/\/[^/]+\/nf-core\/configs\/([^/]+)\/?$/.exec(base.trim())
  if (!m || !cfg.skipped.some((s) => s.includes(base.trim().replace(/\/$/, '')))) return undefined
  const v = cfg.params.custom_config_version
  return typeof v === 'string' && v ? v : m[1]
}

/** The repository at `version`, extracted once into the cache (the archive cached like release archives). */
export async function configsTree(env: Env, root: string, version: string): Promise<string> {
  const cache = cacheDir(root, env)
  const dir = join(cache, 'nf-core-configs', version.replace(/[^A-Za-z0-9._-]/g, '_'))
  if (existsSync(join(dir, 'nfcore_custom.config'))) return dir
  const got = await fetchArchive(env, cache, 'configs', version, refArchiveUrl(env, 'configs', version))
  const tmp = `${dir}.tmp-${process.pid}`
  rmSync(tmp, { recursive: true, force: true })
  await extractRelease(got.path, tmp)
  mkdirSync(dirname(dir), { recursive: true })
  await swapDir(tmp, dir)
  return dir
}

/** The files of `tree` the evaluation read (nfcore_custom.config, pipeline/<name>.config, what they include). */
export function readFrom(cfg: Pick<LoadedConfig, 'files'>, staged: string, tree: string): string[] {
  return cfg.files.map((f) => relative(tree, resolve(staged, f))).filter((r) => !r.startsWith('..'))
}

/**
 * Ship `files` into pipelines/<p>/nf-core-configs/, each mirrored URL replaced by its S3 URI (quoted literals only),
 * so that the offline run evaluates the same configs against the mirror. Returns the URLs left as they were.
 */
export async function shipConfigs(tree: string, files: string[], dest: string, mapped: Map<string, string>): Promise<void> {
  for (const f of files) {
    let text = readFileSync(join(tree, f), 'utf8')
    for (const [url, s3] of mapped) text = text.split(`'${url}'`).join(`'${s3}'`).split(`"${url}"`).join(`"${s3}"`)
    await writeFileAtomic(join(dest, SHIPPED, f), text)
  }
}
