// down-state: what `down` last brought into a folder (to tell a local edit from an old copy), local edits kept aside, link paths made as links.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { ensureLink, writeFileAtomicSync } from '../core/fsx.js'
import type { LocalEntry, LocalTree } from './local-tree.js'
import type { RemoteTree } from './listing.js'

/** `<file>.local-<stamp>`: what a local edit is kept as (the pattern keeps it out of every sync, both ways). */
export const LOCAL_COPY_GLOB = '*.local-????????T??????Z'
export const localCopyName = (rel: string, now: Date) => `${rel}.local-${now.toISOString().replace(/[-:]|\.\d+/g, '')}`

/**
 * Per local folder and S3 prefix, `rel → [size, mtime ms]` of each file as `down` left it (downloaded,
 * or found identical to the object). Lives in the toolkit cache, never in the synced tree; a run cut
 * before saving loses only entries of files that are then identical to S3 and recorded again next time.
 */
export class Brought {
  entries: Record<string, [number, number]> = {}
  private file?: string
  constructor(dir: string | false | undefined, id: string) {
    if (dir === false) return
    const base = dir || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nf-offline')
    this.file = join(base, 's3-meta', `${createHash('sha1').update(`down ${id}`).digest('hex').slice(0, 16)}.down.json`)
    try { this.entries = JSON.parse(readFileSync(this.file, 'utf8')) } catch { /* first down here */ }
  }

  /** Is the local file still what down left (not edited since)? Unknown files count as edited. */
  unchanged(rel: string, l: LocalEntry): boolean {
    const e = this.entries[rel]
    return !!e && e[0] === l.size && e[1] === Math.round(l.mtimeMs)
  }

  /** A local file found identical to its object: what down would have left. */
  found(rel: string, l: LocalEntry | undefined): void {
    if (l && !l.link) this.entries[rel] = [l.size, Math.round(l.mtimeMs)]
  }

  set(rel: string, abs: string): void {
    const st = statSync(abs, { throwIfNoEntry: false })
    if (st?.isFile()) this.entries[rel] = [st.size, Math.round(st.mtimeMs)]
  }

  save(): void {
    if (!this.file) return
    try { writeFileAtomicSync(this.file, JSON.stringify(this.entries)) } catch { /* a record lost only costs extra local copies */ }
  }
}

/**
 * Before down replaces local files: each one that is not what down last left there is renamed to
 * `<file>.local-<stamp>` (so the download cannot overwrite it); returns one line per file kept.
 */
export function keepLocalEdits(localDir: string, replacing: string[], local: LocalTree, brought: Brought, now = new Date()): string[] {
  const lines: string[] = []
  for (const rel of replacing) {
    const l = local.get(rel)
    if (!l || l.link || brought.unchanged(rel, l)) continue
    const kept = localCopyName(rel, now)
    renameSync(join(localDir, rel), join(localDir, kept))
    lines.push(`down: ${rel} was edited here; kept as ${kept}`)
  }
  return lines
}

/**
 * Link paths (rel → target) that S3 holds as files: left out of the transfer, on both sides, and made
 * links before anything is downloaded, so no moment leaves a copy under a link's name.
 */
export function takeLinks(links: Record<string, string>, local: LocalTree, remote: RemoteTree): string[] {
  const mine: string[] = []
  for (const rel of Object.keys(links)) {
    if (remote.delete(rel)) mine.push(rel)
    local.delete(rel)   // made a link, or (when S3 has no such file) left alone: never deleted
  }
  return mine
}

/** Make each of `rels` its link; returns those that changed. */
export function makeLinks(localDir: string, links: Record<string, string>, rels: string[]): string[] {
  return rels.filter((rel) => {
    mkdirSync(dirname(join(localDir, rel)), { recursive: true })
    return ensureLink(join(localDir, rel), links[rel])
  })
}
