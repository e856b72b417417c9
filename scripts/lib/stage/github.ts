// github: nf-core release archives and release lists, from GITHUB_URL / GITHUB_API_URL (github.com by default).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { writeFileAtomicSync } from '../core/fsx.js'
import { HttpError, downloadFile, getJson, httpGet, type Downloaded } from '../core/http.js'

const ORG = 'nf-core'
export const githubUrl = (env: Env) => (env.GITHUB_URL || 'https://github.com').replace(/\/+$/, '')
export const githubApiUrl = (env: Env) => (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '')

export const archiveUrl = (env: Env, name: string, rev: string) =>
  `${githubUrl(env)}/${ORG}/${name}/archive/refs/tags/${encodeURIComponent(rev)}.tar.gz`

/** Any ref (branch, tag or commit) of an nf-core repository: nf-core/configs is pinned by `custom_config_version`. */
export const refArchiveUrl = (env: Env, name: string, ref: string) =>
  `${githubUrl(env)}/${ORG}/${name}/archive/${encodeURIComponent(ref)}.tar.gz`

function apiHeaders(env: Env): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/vnd.github+json', 'user-agent': 'nf-offline' }
  if (env.GITHUB_TOKEN) h.authorization = `Bearer ${env.GITHUB_TOKEN}`
  return h
}

export interface Release { tag: string; published?: string; prerelease?: boolean }

/** The tag of the latest release; a 404 means there is no such pipeline (or no release). */
export async function latestRelease(env: Env, name: string): Promise<string> {
  const url = `${githubApiUrl(env)}/repos/${ORG}/${name}/releases/latest`
  try {
    const r = await getJson<{ tag_name?: string }>(url, { env, headers: apiHeaders(env) })
    if (!r.tag_name) throw new UserError(`${url}: no tag_name in the answer`)
    return r.tag_name
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) throw new UserError(`no pipeline nf-core/${name} with a release (404 from ${url}); check the name`)
    throw e
  }
}

/** Releases, newest first, following pagination until `limit` are known. */
export async function listReleases(env: Env, name: string, limit = Infinity): Promise<Release[]> {
  const out: Release[] = []
  for (let page = 1; out.length < limit; page++) {
    const url = `${githubApiUrl(env)}/repos/${ORG}/${name}/releases?per_page=100&page=${page}`
    let batch: { tag_name: string; published_at?: string; prerelease?: boolean; draft?: boolean }[]
    try { batch = await getJson(url, { env, headers: apiHeaders(env) }) } catch (e) {
      if (e instanceof HttpError && e.status === 404) throw new UserError(`no pipeline nf-core/${name} (404 from ${url}); check the name`)
      throw e
    }
    if (!Array.isArray(batch)) throw new UserError(`${url}: expected a list of releases`)
    for (const r of batch) if (!r.draft) out.push({ tag: r.tag_name, published: r.published_at, prerelease: r.prerelease })
    if (batch.length < 100) break
  }
  return out.slice(0, limit)
}

/**
 * The release archive of `name` at `rev`, downloaded once into the cache (temp name + rename, so
 * an interrupted download is never mistaken for a finished one).
 */
export async function fetchArchive(env: Env, cache: string, name: string, rev: string, url = archiveUrl(env, name, rev)): Promise<Downloaded & { cached: boolean }> {
  const path = join(cache, 'archives', `${name}-${rev.replace(/[^A-Za-z0-9._-]/g, '_')}.tar.gz`)
  const stamp = `${path}.sha256`
  if (existsSync(path) && existsSync(stamp)) {
    const [sha256, size] = readFileSync(stamp, 'utf8').trim().split(' ')
    return { path, sha256, size: Number(size), cached: true }
  }
  let got: Downloaded
  try {
    got = await downloadFile(url, path, { env, headers: env.GITHUB_TOKEN ? { authorization: `Bearer ${env.GITHUB_TOKEN}` } : {} })
  } catch (e) {
    if (e instanceof HttpError && e.status === 404) {
      throw new UserError(name === 'configs' ? `no nf-core/configs at ${rev} (404 from ${url}); check custom_config_version` : `no release ${rev} of nf-core/${name} (404); list them with: just suggest ${name}`)
    }
    throw e
  }
  writeFileAtomicSync(stamp, `${got.sha256} ${got.size}\n`)
  return { ...got, cached: false }
}

/** Does the pipeline exist at all? (to tell an unknown pipeline from an unknown revision) */
export async function repoExists(env: Env, name: string): Promise<boolean> {
  const res = await httpGet(`${githubApiUrl(env)}/repos/${ORG}/${name}`, { env, headers: apiHeaders(env), allow: [404], attempts: 2 })
  await res.body?.cancel().catch(() => {})
  return res.status !== 404
}
