// plugin-index: find pinned plugin releases in the legacy plugins.json index or the Nextflow registry.
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { getJson, httpGet, parseRewrites, rewriteUrl } from '../core/http.js'
import { compareVersions, satisfies } from './version.js'
import { refName } from './list.js'

export interface Release { version: string; url?: string; date?: string; sha512sum?: string | null; requires?: string }
export interface PluginEntry { id: string; releases: Release[] }
export interface Source { kind: 'index' | 'registry'; url: string }
export interface Found { release: Release & { url: string }; source: Source }

export const DEFAULT_INDEX = 'https://raw.githubusercontent.com/nextflow-io/plugins/main/plugins.json'
export const DEFAULT_REGISTRY = 'https://registry.nextflow.io/api'
// the first Nextflow that reads the registry instead of plugins.json
const FIRST_REGISTRY_NXF = '25.07.0-edge'

/**
 * Where to look, in order. A source named by its variable alone goes first; otherwise the one the
 * Prod Nextflow (NXF_VER) itself reads: the registry from 25.07.0-edge (25.10.0 stable), plugins.json
 * before. The other is the fallback for plugins the first lacks. A registry URL ending in `.json` is
 * a legacy index, as Nextflow reads it.
 */
export function pickSources(env: Env): Source[] {
  const reg = env.NXF_PLUGINS_REGISTRY_URL, idx = env.NXF_PLUGINS_INDEX_URL, nxf = env.NXF_VER
  const registry: Source = reg ? { kind: reg.endsWith('.json') ? 'index' : 'registry', url: reg } : { kind: 'registry', url: DEFAULT_REGISTRY }
  const index: Source = { kind: 'index', url: idx || DEFAULT_INDEX }
  const registryFirst = reg && !idx ? true : idx && !reg ? false : !!nxf && compareVersions(nxf, FIRST_REGISTRY_NXF) >= 0
  const both = registryFirst ? [registry, index] : [index, registry]
  return both[0].url === both[1].url ? [both[0]] : both
}

/** Check a plugins.json / registry answer's shape; keep only what Nextflow reads. */
export function parseEntries(data: unknown, url: string): PluginEntry[] {
  const list = Array.isArray(data) ? data : (data as { plugins?: unknown })?.plugins
  if (!Array.isArray(list)) throw new UserError(`${url}: not a plugins index (expected a JSON array of {id, releases})`)
  return list.filter((p) => p && typeof p.id === 'string' && Array.isArray(p.releases)).map((p) => ({
    id: p.id as string,
    releases: (p.releases as Release[]).filter((r) => r && typeof r.version === 'string')
      .map(({ version, url, date, sha512sum, requires }) => ({ version, url, date, sha512sum, requires })),
  }))
}

export const registryZipUrl = (base: string, id: string, version: string) =>
  `${base.replace(/\/+$/, '')}/v1/plugins/${id}/${version}/download/${id}-${version}.zip`

/** The release pinned as `id@version`, with a download URL (the registry's standard one if none is given). */
export function findRelease(entries: PluginEntry[], ref: { id: string; version: string }, source: Source): Found | undefined {
  const rel = entries.find((p) => p.id === ref.id)?.releases.find((r) => r.version === ref.version)
  if (!rel) return undefined
  const url = rel.url || (source.kind === 'registry' ? registryZipUrl(source.url, ref.id, ref.version) : '')
  return url ? { release: { ...rel, url }, source } : undefined
}

/** The newest release whose `requires` fits Nextflow `nxf` (what Nextflow picks for an unpinned plugin). */
export function newestFitting(releases: Release[], nxf: string): Release | undefined {
  return [...releases].filter((r) => r.url !== null && satisfies(nxf, r.requires))
    .sort((a, b) => compareVersions(b.version, a.version))[0]
}

/** Up to `n` newest versions of a plugin in an index, for "it has ..." hints. */
export function knownVersions(entries: PluginEntry[], id: string, n = 5): string[] {
  const rels = entries.find((p) => p.id === id)?.releases ?? []
  return rels.map((r) => r.version).sort((a, b) => compareVersions(b, a)).slice(0, n)
}

const label = (s: Source) => `${s.kind === 'registry' ? 'registry' : 'index'} ${s.url}`

/** Fetch a source's entries for `refs` (the whole plugins.json, or one registry dependencies call). */
export async function loadSource(source: Source, refs: { id: string; version: string }[], env: Env): Promise<PluginEntry[]> {
  const rules = parseRewrites(env.SOURCE_REWRITE)
  if (source.kind === 'index') return parseEntries(await getJson(rewriteUrl(source.url, rules), { env }), source.url)
  const query = (rs: typeof refs) => {
    const u = new URL(`${source.url.replace(/\/+$/, '')}/v1/plugins/dependencies`)
    u.searchParams.set('plugins', rs.map(refName).join(','))
    if (env.NXF_VER) u.searchParams.set('nextflowVersion', env.NXF_VER)
    return rewriteUrl(u.toString().replace(/%2C/gi, ',').replace(/%40/g, '@'), rules)
  }
  const res = await httpGet(query(refs), { env, allow: [400, 404], headers: { accept: 'application/json' } })
  if (res.ok) return parseEntries(await res.json().catch(() => null), source.url)
  await res.body?.cancel().catch(() => {})
  // one unknown plugin can fail the whole call: ask one by one so the others still resolve
  const each = await Promise.all(refs.map(async (r) => {
    const one = await httpGet(query([r]), { env, allow: [400, 404], headers: { accept: 'application/json' } })
    if (!one.ok) { await one.body?.cancel().catch(() => {}); return [] }
    return parseEntries(await one.json().catch(() => null), source.url)
  }))
  return each.flat()
}

export interface Resolution {
  found: Map<string, Found>
  /** why each unresolved ref failed, one line */
  missing: Map<string, string>
  /** every release seen per plugin id (for "this one fits" hints) */
  entries: Map<string, Release[]>
}

/**
 * Resolve every ref through the sources in order (see pickSources). A source that cannot be reached
 * is noted and the next one tried; when none can, the first one's error is thrown.
 */
export async function resolveReleases(refs: { id: string; version: string }[], env: Env): Promise<Resolution> {
  const found = new Map<string, Found>()
  const looked: { source: Source; entries?: PluginEntry[]; error?: string }[] = []
  let pending = refs
  for (const source of pickSources(env)) {
    if (!pending.length) break
    try {
      const entries = await loadSource(source, pending, env)
      looked.push({ source, entries })
      for (const r of pending) { const f = findRelease(entries, r, source); if (f) found.set(refName(r), f) }
      pending = pending.filter((r) => !found.has(refName(r)))
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      looked.push({ source, error: e.message })
    }
  }
  if (pending.length && looked.every((l) => l.error)) throw new UserError(looked[0].error!)
  const entries = new Map<string, Release[]>()
  for (const l of looked) for (const p of l.entries ?? []) entries.set(p.id, [...(entries.get(p.id) ?? []), ...p.releases])
  const missing = new Map<string, string>()
  for (const r of pending) {
    const answered = looked.filter((l) => l.entries)
    const where = answered.map((l) => label(l.source)).join(' nor the ')
    // a registry answers only for the pinned versions: list what an index has
    const has = answered.filter((l) => l.source.kind === 'index').flatMap((l) => knownVersions(l.entries!, r.id))
    const hint = has.length ? `; it has ${[...new Set(has)].join(', ')}` : answered.some((l) => l.entries!.some((p) => p.id === r.id)) ? '' : `; no plugin ${r.id} there`
    const down = looked.filter((l) => l.error).map((l) => ` (${label(l.source)} unreachable: ${l.error})`).join('')
    missing.set(refName(r), `${refName(r)} is not in the ${where}${hint}${down}`)
  }
  return { found, missing, entries }
}
