// plugin-batch: install every plugins.list entry that is not installed yet, with bounded concurrency.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import { type Env, need } from '../core/env.js'
import { newestFitting, resolveReleases, type Release } from './release-index.js'
import { installPlugin, openWorkDir, pluginDirName, readManifest, sweepWorkDirs } from './install.js'
import { type PluginRef, refName } from './list.js'
import { satisfies } from './version.js'
import { dependencyWarnings } from './needs.js'
import { settlePool } from '../core/pool.js'

export type Status = 'installed' | 'repaired' | 'present' | 'failed'
export interface ItemResult { ref: PluginRef; status: Status; reason?: string }

const JOBS = 4

/** `$NXF_PLUGINS_DIR`, else `$NXF_HOME/plugins`, as Nextflow resolves it. */
export function pluginsDirOf(env: Env): string {
  return env.NXF_PLUGINS_DIR || join(need(env, 'NXF_HOME'), 'plugins')
}

/** A plugin folder Nextflow will accept: `<id>-<version>/classes/META-INF/MANIFEST.MF`. */
export const isInstalled = (pluginsDir: string, ref: { id: string; version: string }) =>
  !!readManifest(join(pluginsDir, pluginDirName(ref.id, ref.version)))

/** Entries of the plugins dir that are not plugin folders with a manifest: offline Nextflow fails on them. */
export function strayEntries(pluginsDir: string): string[] {
  if (!existsSync(pluginsDir)) return []
  const isDir = (p: string) => { try { return statSync(p).isDirectory() } catch { return false } }
  return readdirSync(pluginsDir).filter((f) => !isDir(join(pluginsDir, f)) || !readManifest(join(pluginsDir, f))).sort()
}

export interface BatchOptions {
  env: Env
  /** one line per plugin as it finishes */
  line(text: string): void
  warn(text: string): void
}

const LINE: Record<Status, string> = { installed: '✓ %s installed', repaired: '✓ %s reinstalled (was incomplete)', present: '· %s already installed', failed: '✗ %s' }

/**
 * Install what is missing (no network at all when nothing is), then check each plugin's `requires`
 * (its manifest's Plugin-Requires, else the index's) against NXF_VER, the Prod Nextflow.
 */
export async function installAll(refs: PluginRef[], pluginsDir: string, opts: BatchOptions): Promise<ItemResult[]> {
  const { env } = opts
  sweepWorkDirs(pluginsDir)   // a run killed after its last install leaves its scratch dir; this run may open none
  const todo = refs.filter((r) => !isInstalled(pluginsDir, r))
  const results = new Map<string, ItemResult>()
  for (const r of refs) if (!todo.includes(r)) { results.set(refName(r), { ref: r, status: 'present' }); opts.line(LINE.present.replace('%s', refName(r))) }
  const releases = new Map<string, Release[]>()
  if (todo.length) {
    const { found, missing, entries } = await resolveReleases(todo, env)
    for (const [id, rels] of entries) releases.set(id, rels)
    const work = await openWorkDir(pluginsDir)
    try {
      const settled = await settlePool(todo, JOBS, async (r) => {
        const f = found.get(refName(r))
        if (!f) throw new UserError(missing.get(refName(r)) ?? `${refName(r)} not found`)
        const status = await installPlugin({ id: r.id, version: r.version, url: f.release.url, sha512sum: f.release.sha512sum }, pluginsDir, work.dir, env)
        opts.line(LINE[status].replace('%s', refName(r)))
        return status
      })
      settled.forEach((s, i) => {
        const r = todo[i]
        if (s.status === 'fulfilled') results.set(refName(r), { ref: r, status: s.value })
        else {
          const reason = s.reason instanceof UserError ? s.reason.message : (s.reason as Error)?.message ?? String(s.reason)
          results.set(refName(r), { ref: r, status: 'failed', reason })
          opts.line(`✗ ${refName(r)}: ${reason.split('\n')[0]}`)
        }
      })
    } finally {
      await work.close()
    }
  }
  const nxf = env.NXF_VER
  if (!nxf) opts.warn('NXF_VER is not set; cannot check that the plugins fit the Prod Nextflow (set it in env/System-ENV)')
  for (const r of refs) {
    if (results.get(refName(r))!.status === 'failed') continue
    const mf = readManifest(join(pluginsDir, pluginDirName(r.id, r.version)))
    for (const w of dependencyWarnings(refs, r, mf?.['Plugin-Dependencies'])) opts.warn(w)
    const requires = mf?.['Plugin-Requires'] ?? releases.get(r.id)?.find((x) => x.version === r.version)?.requires
    if (!nxf || satisfies(nxf, requires)) continue
    const fit = newestFitting(releases.get(r.id) ?? [], nxf)
    opts.warn(`${refName(r)} requires Nextflow ${requires} but NXF_VER is ${nxf}; that Nextflow disables it ("Plugin validation failed")${fit ? `; ${r.id}@${fit.version} fits` : ''}`)
  }
  return refs.map((r) => results.get(refName(r))!)
}

/** `done: 1 installed, 2 already installed, 1 failed → <dir>` */
export function summaryLine(results: ItemResult[], pluginsDir: string): string {
  const n = (s: Status) => results.filter((r) => r.status === s).length
  const parts = [`${n('installed') + n('repaired')} installed`, `${n('present')} already installed`]
  if (n('failed')) parts.push(`${n('failed')} failed`)
  return `done: ${parts.join(', ')} → ${pluginsDir}`
}
