// derived: which release each file made from the staged code was made for (pipelines/<p>/.derived.json), and what to do when it is another.
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { readTextIf, writeFileAtomicSync } from '../core/fsx.js'
import { MARKER } from '../mirror/test-config.js'
import { UserError } from '../core/cli.js'
import { describeIdentity, type Identity, sameIdentity, stagedIdentity } from './staged-tree.js'

/**
 * The files made from one release, and the command that makes them again. test.config is made by
 * `stage` (the release's own) and rewritten by `mirror`; inputs3.csv is CSV that nf-schema parses, so
 * the record sits beside them in one JSON file, which travels with up/down like the files.
 */
export const DERIVED: Record<string, 'mirror' | 'images'> = { 'test.config': 'mirror', 'inputs3.csv': 'mirror', 'images.txt': 'images' }
export const RECORD = '.derived.json'

export interface Made extends Identity { sha256: string; by: 'stage' | 'mirror' | 'images' }
export type Records = Record<string, Made>

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex')

export function readRecords(dir: string): Records {
  try {
    const r = JSON.parse(readFileSync(join(dir, RECORD), 'utf8'))
    return r && typeof r === 'object' && !Array.isArray(r) ? r : {}
  } catch { return {} }
}

/** Set (or with `made` undefined, drop) the record of `file`; the JSON is written whole, and only when it changes. */
export function setRecord(dir: string, file: string, made: Made | undefined): void {
  const r = readRecords(dir)
  if (made) r[file] = made
  else delete r[file]
  const keys = Object.keys(r).sort()
  if (!keys.length && !existsSync(join(dir, RECORD))) return
  writeFileAtomicSync(join(dir, RECORD), JSON.stringify(Object.fromEntries(keys.map((k) => [k, r[k]])), null, 2) + '\n')
}

/** Record that `file` (with this content) was made for `id`. */
export const recordMade = (dir: string, file: string, id: Identity, content: string | Uint8Array, by: Made['by']) =>
  setRecord(dir, file, { revision: id.revision, commit: id.commit, sha256: sha256(content), by })

export interface Stale { file: string; made?: Identity; fix: string }

/**
 * PURE: files present whose record says another release (or, for a file only a command makes,
 * none at all). test.config without the mirror's block and without a record is the release's own.
 */
export function staleFiles(present: Record<string, string | undefined>, records: Records, id: Identity, name: string): Stale[] {
  const out: Stale[] = []
  for (const [file, text] of Object.entries(present)) {
    if (text === undefined || !(file in DERIVED)) continue
    const made = records[file]
    if (made && sameIdentity(made, id)) continue
    if (!made && file === 'test.config' && !text.includes(MARKER)) continue
    out.push({ file, made, fix: `just ${DERIVED[file]} ${name}` })
  }
  return out
}

/** `pipelines/x/inputs3.csv was made for 3.18.0 but 3.10 is staged; run: just mirror x` */
export const describeStale = (s: Stale, id: Identity, name: string) =>
  `pipelines/${name}/${s.file} was made for ${s.made ? describeIdentity(s.made) : 'an unknown release'} but ${describeIdentity(id)} is staged; run: ${s.fix}`

/** The stale derived files among `files` in pipelines/<p> (none when the staged release is unknown). */
export function findStale(dir: string, name: string, id: Identity | undefined, files = Object.keys(DERIVED)): Stale[] {
  if (!id) return []
  const present = Object.fromEntries(files.map((f) => [f, readTextIf(join(dir, f))]))
  return staleFiles(present, readRecords(dir), id, name)
}

/** What mirror/images call after writing a derived file: record it for the staged release (if one is known). */
export function recordDerived(dir: string, file: string, revision: string | undefined, content: string | Uint8Array): void {
  const id = stagedIdentity(dir, revision)
  if (id) recordMade(dir, file, id, content, DERIVED[file] === 'images' ? 'images' : 'mirror')
}

/** `nf-core/rnaseq 3.18.0 (commit …)` for the generated block of test.config. */
export function releaseLabel(dir: string, name: string, revision: string | undefined): string | undefined {
  const id = stagedIdentity(dir, revision)
  return id && `nf-core/${name} ${describeIdentity(id)}`
}

/** `run`, `up`…: one line naming the first derived file made for another release and the command that remakes it. */
export function refuseStale(dir: string, name: string, revision: string | undefined, files?: string[]): void {
  const id = stagedIdentity(dir, revision)
  const stale = findStale(dir, name, id, files)
  if (!id || !stale.length) return
  const more = stale.slice(1).map((s) => s.file)
  throw new UserError(describeStale(stale[0], id, name).replace('; run:', `${more.length ? ` (so were ${more.join(', ')})` : ''}; run:`))
}

/**
 * Offline runs: a test.config `stage` recorded as the release's own (and not edited since) names the
 * test data on the internet, which Prod cannot reach: refuse it, naming mirror. Without a record, trust it.
 */
export function refuseUnmirrored(dir: string, name: string): void {
  const made = readRecords(dir)['test.config']
  const text = readTextIf(join(dir, 'test.config'))
  if (made?.by === 'stage' && text !== undefined && made.sha256 === sha256(text)) {
    throw new UserError(`pipelines/${name}/test.config is nf-core/${name} ${describeIdentity(made)}'s own: its test data is not mirrored; run: just mirror ${name}`)
  }
}

/** After linking: a test.config that is the release's own (.orig) is recorded as such, so another stage may replace it without a copy. */
export function recordOwn(dir: string, name: string, id: Identity): void {
  const text = readTextIf(join(dir, 'test.config'))
  const made = readRecords(dir)['test.config']
  if (text !== undefined && text === readTextIf(join(dir, name, 'conf', 'test.config.orig')) && !(made && sameIdentity(made, id) && made.sha256 === sha256(text))) {
    recordMade(dir, 'test.config', id, text, 'stage')
  }
}

/**
 * After `stage` extracted (before linking): put right what was made from another release, one line each. test.config
 * becomes the new release's own (the old one, when it held more than its release's own text, kept as
 * test.config.<old-revision>); inputs3.csv and images.txt go, with the command that makes them again.
 * `previous`: the release staged before this run, for files from before records existed. Idempotent:
 * a run cut anywhere is finished by the next.
 */
export function resetDerived(dir: string, name: string, id: Identity, previous: Identity | undefined, code = join(dir, name)): string[] {
  const lines: string[] = []
  const records = readRecords(dir)
  // the release's own test.config: kept as .orig once linked; a fresh tree still has it in place
  const conf = join(code, 'conf', 'test.config')
  const own = readTextIf(`${conf}.orig`) ?? (lstatSync(conf, { throwIfNoEntry: false })?.isFile() ? readTextIf(conf) : undefined)
  for (const file of Object.keys(DERIVED)) {
    const path = join(dir, file)
    const text = readTextIf(path)
    if (text === undefined) { if (records[file]) setRecord(dir, file, undefined); continue }
    if (file === 'test.config' && text === own) {   // the new release's own, whatever the record says
      if (!records[file] || !sameIdentity(records[file], id)) recordMade(dir, file, id, text, 'stage')
      continue
    }
    const made = records[file] ?? (previous && !sameIdentity(previous, id) ? { ...previous, sha256: '', by: 'mirror' as const } : undefined)
    if (!made || sameIdentity(made, id)) continue
    if (file === 'test.config') {
      const pristine = made.by === 'stage' && made.sha256 === sha256(text)
      const kept = existsSync(join(dir, `test.config.${made.revision}`)) ? `test.config.${made.revision}.${Date.now()}` : `test.config.${made.revision}`
      if (!pristine) renameSync(path, join(dir, kept))
      if (own !== undefined) { writeFileAtomicSync(path, own); recordMade(dir, file, id, own, 'stage') } else { rmSync(path, { force: true }); setRecord(dir, file, undefined) }
      const now = own !== undefined ? `now ${id.revision}'s own` : `removed (${id.revision} has no conf/test.config)`
      lines.push(`test.config: ${now}${pristine ? '' : `; ${made.revision}'s kept as ${kept}`}; run: just mirror ${name}`)
    } else {
      const link = join(code, file)   // the staged code's link to it
      if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) rmSync(link)
      rmSync(path, { force: true })
      setRecord(dir, file, undefined)
      lines.push(`${file}: removed (made for ${made.revision}); run: just ${DERIVED[file]} ${name}`)
    }
  }
  return lines
}
