// plugin-install: download a release zip, check its sha512, unpack it as-is into <plugins dir>/<id>-<version>/.
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cp, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join, normalize, sep } from 'node:path'
import { unzipSync } from 'fflate'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { downloadFile, parseRewrites, rewriteUrl } from '../core/http.js'

export interface InstallJob { id: string; version: string; url: string; sha512sum?: string | null }

export const pluginDirName = (id: string, version: string) => `${id}-${version}`
const MANIFEST = join('classes', 'META-INF', 'MANIFEST.MF')

/** MANIFEST.MF `Key: value` lines (a leading space continues the previous line). */
export function parseManifest(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  let last = ''
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith(' ') && last) { out[last] += line.slice(1); continue }
    const i = line.indexOf(':')
    if (i > 0) { last = line.slice(0, i).trim(); out[last] = line.slice(i + 1).trim() }
  }
  return out
}

/** The manifest of an installed plugin folder, or undefined when it is missing (Nextflow: "looks corrupted"). */
export function readManifest(dir: string): Record<string, string> | undefined {
  try { return parseManifest(readFileSync(join(dir, MANIFEST), 'utf8')) } catch { return undefined }
}

const pidAlive = (pid: number) => {
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

/** Remove `.<name>.tmp-<pid>-*` entries in `dir` whose process is gone (a run killed with -9). */
export function sweepDeadTemps(dir: string, name?: string): void {
  if (!existsSync(dir)) return
  for (const f of readdirSync(dir)) {
    const m = /^\.(.+)\.tmp-(\d+)-/.exec(f)
    if (m && (!name || m[1] === name) && !pidAlive(Number(m[2]))) rmSync(join(dir, f), { recursive: true, force: true })
  }
}

/** Remove what killed runs left beside and inside the plugins dir (also when a run has nothing to install). */
export function sweepWorkDirs(pluginsDir: string): void {
  sweepDeadTemps(dirname(pluginsDir), basename(pluginsDir))
  sweepDeadTemps(pluginsDir)
}

/**
 * A scratch dir BESIDE the plugins dir (same filesystem, so the final move is one atomic rename),
 * never inside it: Nextflow offline reads every entry of the plugins dir and fails on strays.
 */
export async function openWorkDir(pluginsDir: string): Promise<{ dir: string; close(): Promise<void> }> {
  sweepWorkDirs(pluginsDir)
  await mkdir(pluginsDir, { recursive: true })
  const dir = await mkdtemp(join(dirname(pluginsDir), `.${basename(pluginsDir)}.tmp-${process.pid}-`))
  return { dir, close: () => rm(dir, { recursive: true, force: true }) }
}

async function sha512Of(path: string): Promise<string> {
  const hash = createHash('sha512')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Unpack zip bytes into `dest`, refusing entries that would land outside it. */
export function unzipInto(bytes: Uint8Array, dest: string, what: string): number {
  let entries: ReturnType<typeof unzipSync>
  try { entries = unzipSync(bytes) } catch (e) { throw new UserError(`${what} is not a valid zip (${(e as Error).message})`) }
  const made = new Set<string>()
  const mkdirs = (d: string) => { if (!made.has(d)) { mkdirSync(d, { recursive: true }); made.add(d) } }
  mkdirs(dest)
  let files = 0
  for (const [name, data] of Object.entries(entries)) {
    const rel = normalize(name)
    if (name.startsWith('/') || name.includes('\\') || rel.split(sep).includes('..')) throw new UserError(`${what}: unsafe entry '${name}'`)
    const path = join(dest, rel)
    if (name.endsWith('/')) { mkdirs(path); continue }
    mkdirs(dirname(path))
    writeFileSync(path, data)
    files++
  }
  return files
}

/**
 * Install one release: download into `work`, verify sha512 as Nextflow does, unpack, check the
 * manifest names this id and version, then rename into place. A folder without a manifest (a broken
 * copy) is replaced. Returns 'installed', 'repaired', or 'present' if another run got there first.
 */
export async function installPlugin(job: InstallJob, pluginsDir: string, work: string, env: Env): Promise<'installed' | 'repaired' | 'present'> {
  const name = pluginDirName(job.id, job.version)
  const target = join(pluginsDir, name)
  const scratch = await mkdtemp(join(work, `${name}-`))
  const zipName = basename(new URL(job.url).pathname) || `${name}.zip`
  const zip = join(scratch, zipName)
  await downloadFile(rewriteUrl(job.url, parseRewrites(env.SOURCE_REWRITE)), zip, { env })
  if (job.sha512sum) {
    const got = await sha512Of(zip)
    if (got !== job.sha512sum.toLowerCase()) {
      throw new UserError(`SHA512 checksum of downloaded file ${zipName} does not match that from plugin descriptor. Got ${got} but expected ${job.sha512sum}`)
    }
  }
  const fresh = join(scratch, name)
  unzipInto(await readFile(zip), fresh, zipName)
  await rm(zip)
  const mf = readManifest(fresh)
  if (!mf) throw new UserError(`${zipName} has no ${MANIFEST}; not a Nextflow plugin zip`)
  if ((mf['Plugin-Id'] && mf['Plugin-Id'] !== job.id) || (mf['Plugin-Version'] && mf['Plugin-Version'] !== job.version)) {
    throw new UserError(`${zipName} contains ${mf['Plugin-Id']}@${mf['Plugin-Version']}, not ${job.id}@${job.version}`)
  }
  let repaired = false
  if (existsSync(target)) {
    if (readManifest(target)) return 'present'
    await rename(target, join(scratch, 'broken'))   // out of the plugins dir before the new one goes in
    repaired = true
  }
  try {
    await rename(fresh, target)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && readManifest(target)) return 'present'
    if (code !== 'EXDEV') throw e
    // plugins dir on another filesystem than its parent: copy under a temp name inside, then rename
    const tmp = join(pluginsDir, `.${name}.tmp-${process.pid}-x`)
    await cp(fresh, tmp, { recursive: true })
    await rename(tmp, target)
  }
  return repaired ? 'repaired' : 'installed'
}
