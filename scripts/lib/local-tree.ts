// local-tree: list a local directory for sync (relative path → size, mtime), with rsync-like excludes.
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
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

/** True when `rel` (a file path) or any of its parent directories is excluded. */
export function excludedPath(excluded: (rel: string, isDir: boolean) => boolean, rel: string): boolean {
  const parts = rel.split('/')
  for (let i = 1; i < parts.length; i++) if (excluded(parts.slice(0, i).join('/'), true)) return true
  return excluded(rel, false) || isTempName(parts[parts.length - 1])
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

/** Every regular file under `root` (absent root → empty), keyed by its `/`-separated relative path. */
export async function walkLocal(root: string, opts: WalkOptions = {}): Promise<LocalTree> {
  const out: LocalTree = new Map()
  const follow = opts.followSymlinks ?? true
  const rootSt = await stat(root).catch(() => undefined)
  if (!rootSt?.isDirectory()) return out
  const visit = async (dir: string, rel: string, seen: Set<string>): Promise<void> => {
    const names = await readdir(dir, { withFileTypes: true })
    await Promise.all(names.map(async (d) => {
      const r = rel ? `${rel}/${d.name}` : d.name
      const abs = join(dir, d.name)
      if (isTempName(d.name)) { opts.temps?.push(abs); return }
      let isDir = d.isDirectory(), isFile = d.isFile()
      let st: { size: number; mtimeMs: number } | undefined
      if (d.isSymbolicLink()) {
        if (!follow) {
          if (opts.exclude?.(r, false)) return
          const l = await lstat(abs)
          out.set(r, { size: l.size, mtimeMs: l.mtimeMs, link: true })
          return
        }
        const t = await stat(abs).catch(() => undefined)
        if (!t) { opts.broken?.push(r); return }
        isDir = t.isDirectory(); isFile = t.isFile(); st = t
      }
      if (opts.exclude?.(r, isDir)) return
      if (isDir) {
        const real = await realpath(abs)
        if (seen.has(real)) return   // a link back up the tree: S3 would get an endless path
        await visit(abs, r, new Set(seen).add(real))
      } else if (isFile) {
        st ??= await stat(abs)
        out.set(r, { size: st.size, mtimeMs: st.mtimeMs })
      }
    }))
  }
  await visit(root, '', new Set([await realpath(root)]))
  return out
}
