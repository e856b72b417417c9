// archive: unpack a GitHub release tarball safely (no entry may land or point outside the target).
import { mkdir } from 'node:fs/promises'
import { isAbsolute, posix } from 'node:path'
import * as tar from 'tar'
import { UserError } from '../core/cli.js'

/** Why an entry (path after stripping the top folder, and link target) would escape; undefined if safe. */
export function escapeReason(path: string, type: string, linkpath?: string): string | undefined {
  if (isAbsolute(path) || path.split('/').includes('..')) return `entry '${path}' escapes the target`
  if (type === 'SymbolicLink' && linkpath !== undefined) {
    if (isAbsolute(linkpath)) return `link '${path}' points to absolute path '${linkpath}'`
    const resolved = posix.normalize(posix.join(posix.dirname(path), linkpath))
    if (resolved === '..' || resolved.startsWith('../')) return `link '${path}' -> '${linkpath}' points outside the target`
  }
  if (type === 'Link' && linkpath !== undefined) {
    const target = linkpath.split('/').slice(1).join('/')
    if (isAbsolute(linkpath) || target.split('/').includes('..')) return `hard link '${path}' -> '${linkpath}' points outside the target`
  }
  if (['CharacterDevice', 'BlockDevice', 'FIFO'].includes(type)) return `entry '${path}' is a device or fifo`
  return undefined
}

const stripTop = (p: string) => p.split('/').slice(1).join('/')

export interface ArchiveInfo { top: string; files: number; commit?: string }

/** Thrown (before anything is extracted) when the archive lacks files a release has at its top. */
export class IncompleteRelease extends UserError {}

/**
 * Check every entry of a `.tar.gz` (one top folder, as GitHub writes `<name>-<rev>/`, holding each of
 * `required`), then extract it into `dest` without that top folder. Throws UserError for a corrupt,
 * unsafe or incomplete archive.
 */
export async function extractRelease(file: string, dest: string, required: string[] = []): Promise<ArchiveInfo> {
  const tops = new Set<string>()
  const topFiles = new Set<string>()
  let files = 0
  let commit: string | undefined
  let problem: string | undefined
  try {
    await tar.t({
      file, strict: true,
      onReadEntry: (e) => {
        const g = e.globalExtended?.comment
        if (g && /^[0-9a-f]{40}$/.test(g)) commit = g
        const p = e.path.replace(/^\.\//, '')
        if (!p) return
        tops.add(p.split('/')[0])
        if (e.type === 'File') files++
        if (e.type === 'File' && !stripTop(p).includes('/')) topFiles.add(stripTop(p))
        problem ??= escapeReason(stripTop(p), e.type, e.type === 'SymbolicLink' ? e.linkpath : e.linkpath && e.linkpath.replace(/^\.\//, ''))
        if (isAbsolute(e.path) || e.path.split('/').includes('..')) problem ??= `entry '${e.path}' escapes the target`
      },
    })
  } catch (err) {
    throw new UserError(`corrupt archive ${file} (${(err as Error).message.split('\n')[0]}); delete it and re-run`, { cause: err })
  }
  if (problem) throw new UserError(`unsafe archive ${file}: ${problem}; refusing to extract`)
  if (tops.size !== 1) throw new UserError(`unexpected archive ${file}: expected one top folder, found ${tops.size}`)
  const lacking = required.filter((f) => !topFiles.has(f))
  if (lacking.length) throw new IncompleteRelease(`${file} is not a whole pipeline release (no ${lacking.join(' or ')} at its top)`)
  await mkdir(dest, { recursive: true })
  try {
    await tar.x({ file, cwd: dest, strip: 1, strict: true, preserveOwner: false })
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOSPC') throw new UserError(`disk full extracting ${file} into ${dest}; free some space and re-run`)
    throw new UserError(`corrupt archive ${file} (${(err as Error).message.split('\n')[0]}); delete it and re-run`, { cause: err })
  }
  return { top: [...tops][0], files, commit }
}
