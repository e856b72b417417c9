// plugins-list: read plugins.list (`id@version` entries, comma- or newline-separated, `#` comments).
import { UserError } from '../core/cli.js'

export interface PluginRef {
  id: string
  version: string
  /** 'plugins.list:3' */
  at: string
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/
// an exact release; ranges (`~2.9.0`, `>=1`) cannot name a `<id>-<version>` folder
const VERSION = /^[0-9][0-9A-Za-z.+_-]*$/

/** `nf-x@1.2.3` → { id, version }; `nf-x` → version ''. Throws a plain Error with the problem. */
export function splitRef(word: string): { id: string; version: string } {
  const at = word.indexOf('@')
  const id = at < 0 ? word : word.slice(0, at)
  const version = at < 0 ? '' : word.slice(at + 1)
  if (!ID.test(id)) throw new Error(`'${word}' is not a plugin id@version`)
  return { id, version }
}

/**
 * Parse plugins.list. Every entry must pin an exact version: offline Nextflow stops with
 * "plugin versions MUST be specified in offline mode" otherwise. Duplicates of the same pin are
 * merged; the same id pinned twice differently is an error.
 */
export function parsePluginsList(text: string, file = 'plugins.list'): PluginRef[] {
  const out: PluginRef[] = []
  text.split(/\r?\n/).forEach((line, n) => {
    const at = `${file}:${n + 1}`
    const words = line.replace(/#.*$/, '').split(/[,\s]+/).filter(Boolean)
    for (const word of words) {
      let ref: { id: string; version: string }
      try { ref = splitRef(word) } catch (e) { throw new UserError(`${at}: ${(e as Error).message}`) }
      if (!ref.version) {
        throw new UserError(`${at}: '${word}' has no version; offline Nextflow refuses unpinned plugins, write ${ref.id}@<version>`)
      }
      if (!VERSION.test(ref.version)) {
        throw new UserError(`${at}: '${word}' is not an exact version; pin one release, e.g. ${ref.id}@1.2.3`)
      }
      const seen = out.find((r) => r.id === ref.id)
      if (seen && seen.version !== ref.version) {
        throw new UserError(`${at}: ${ref.id} is pinned twice (${seen.version} at ${seen.at}, ${ref.version} here); keep one`)
      }
      if (!seen) out.push({ ...ref, at })
    }
  })
  return out
}

export const refName = (r: { id: string; version: string }) => `${r.id}@${r.version}`
