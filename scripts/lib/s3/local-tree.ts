// local-tree: list a local directory for sync (relative path → size, mtime), with rsync-like excludes.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface LocalEntry { size: number; mtimeMs: number; link?: boolean }
export type LocalTree = Map<string, LocalEntry>

/** Our own temp files (fsx.tmpName): never synced, swept by the receiving side. */
export const isTempName = (base: string) => /\.tmp-\d+-/.test(base)

/**
 * A matcher for gitignore-like globs: `*` and `?` stay inside one path segment, `**` crosses them;
 * a pattern with a slash (other than a trailing one) is anchored at the root (`/work/`, `a/b.txt`),
 * otherwise it matches a name at any depth (`*.log`, `.nextflow*`); a trailing `/` matches directories only.
 */
export function makeExcluder(patterns: string[]): (rel: string, isDir: boolean) => boolean {
  const rules = patterns.filter((p) => p.trim() !== '').map((p) => {
    const dirOnly = p.endsWith('/')
    const body = p.replace(/\/+$/, '')
    const anchored = body.includes('/')
    const src = body.replace(/^\/+/, '').split('').map((c, i, a) => {
      if (c === '*') return a[i + 1] === '*' ? '' : a[i - 1] === '*' ? '.*' : '[^/]*'
      if (c === '?') return '[^/]'
      return c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
    }).join('')
    return { dirOnly, re: new RegExp(anchored ? `^${src}$` : `(^|/)${src}$`) }
  })
  return (rel, isDir) => rules.some((r) => (!r.dirOnly || isDir) && r.re.test(rel))
}

/**
 * True when `rel` (a file path) or any of its parent directories is excluded. `dirs` remembers the verdict
 * per directory across calls (a listing names each directory hundreds of times).
 */
export function excludedPath(excluded: (rel: string, isDir: boolean) => boolean, rel: string, dirs = new Map<string, boolean>()): boolean {
  const dirOut = (d: string): boolean => {
    let out = dirs.get(d)
    if (out === undefined) {
      const up = d.lastIndexOf('/')
      dirs.set(d, out = (up > 0 && dirOut(d.slice(0, up))) || excluded(d, true))
    }
    return out
  }
  const slash = rel.lastIndexOf('/')
  return (slash > 0 && dirOut(rel.slice(0, slash))) || excluded(rel, false) || isTempName(rel.slice(slash + 1))
}

export interface WalkOptions {
  exclude?: (rel: string, isDir: boolean) => boolean
  /** follow links (a link to a directory is walked); otherwise links are listed as `link` leaves */
  followSymlinks?: boolean
  /** our temp files seen on the way (left by a killed run), for the caller to sweep */
  temps?: string[]
  /** links that lead nowhere, skipped */
  broken?: string[]
}

/**
 * Every regular file under `root` (absent root → empty), keyed by its `/`-separated relative path.
 * Synchronous inside: on a local disk a thousand small stats are faster without threadpool round trips.
 */
export async function walkLocal(root: string, opts: WalkOptions = {}): Promise<LocalTree> {
  const out: LocalTree = new Map()
  const follow = opts.followSymlinks ?? true
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) return out
  // `real` is the directory's real path: derived by name below a real directory, resolved only for links
  const visit = (dir: string, rel: string, real: string, seen: Set<string>): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${d.name}` : d.name
      const abs = join(dir, d.name)
      if (isTempName(d.name)) { opts.temps?.push(abs); continue }
      let isDir = d.isDirectory(), isFile = d.isFile()
      let st: { size: number; mtimeMs: number } | undefined
      if (d.isSymbolicLink()) {
        if (!follow) {
          if (opts.exclude?.(r, false)) continue
          const l = lstatSync(abs)
          out.set(r, { size: l.size, mtimeMs: l.mtimeMs, link: true })
          continue
        }
        const t = statSync(abs, { throwIfNoEntry: false })
        if (!t) { opts.broken?.push(r); continue }
        isDir = t.isDirectory(); isFile = t.isFile(); st = t
      }
      if (opts.exclude?.(r, isDir)) continue
      if (isDir) {
        const sub = d.isSymbolicLink() ? realpathSync(abs) : join(real, d.name)
        if (seen.has(sub)) continue   // a link back up the tree: S3 would get an endless path
        visit(abs, r, sub, new Set(seen).add(sub))
      } else if (isFile) {
        st ??= statSync(abs)
        out.set(r, { size: st.size, mtimeMs: st.mtimeMs })
      }
    }
  }
  const real = realpathSync(root)
  visit(root, '', real, new Set([real]))
  return out
}
