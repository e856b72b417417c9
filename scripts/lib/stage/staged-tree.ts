// staged-tree: the one test of whether pipelines/<p>/<p> is a whole staged release, and the stamp `stage` leaves beside it.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import { writeFileAtomicSync } from '../core/fsx.js'

/** What every nf-core release has at its top; a tree without them cannot be run, listed or mirrored. */
export const TOP_FILES = ['nextflow.config', 'main.nf']

/** pipelines/<p>/.staged: `<revision> <archive sha256>` then the release commit (from the archive), if known. */
export interface StageStamp { revision: string; sha256: string; commit: string }

/** The revision and commit something was made for (commit '' when the archive did not say). */
export interface Identity { revision: string; commit: string }

export const stampPath = (dir: string) => join(dir, '.staged')

export function readStamp(dir: string): StageStamp | undefined {
  let text: string
  try { text = readFileSync(stampPath(dir), 'utf8') } catch { return undefined }
  const [first = '', commit = ''] = text.split('\n')
  const [revision, sha256 = ''] = first.split(' ')
  return revision ? { revision, sha256, commit: commit.trim() } : undefined
}

export function writeStamp(dir: string, s: StageStamp): void {
  writeFileAtomicSync(stampPath(dir), `${s.revision} ${s.sha256}\n${s.commit}\n`)
}

/** PURE: why the staged tree is not whole ('' when it is), from which top files it lacks. */
export function treeProblem(name: string, exists: boolean, missing: string[]): string {
  if (!exists) return `pipelines/${name}/${name} is not staged`
  if (missing.length) return `pipelines/${name}/${name} is not a whole release (no ${missing.join(' or ')} at its top)`
  return ''
}

/** '' when pipelines/<p>/<p> is whole, else why not. */
export function stagedProblem(dir: string, name: string): string {
  const code = join(dir, name)
  return treeProblem(name, existsSync(code), TOP_FILES.filter((f) => !existsSync(join(code, f))))
}

/** The one hint for a tree that is missing or not whole: Dev stages it, Prod pulls it. */
export const stageHint = (name: string) => `run: just stage ${name} (Dev) or just down ${name} (Prod)`

/** The staged code, or the one-line error every command gives when it is not a whole release. */
export function requireStaged(dir: string, name: string): string {
  const problem = stagedProblem(dir, name)
  if (problem) throw new UserError(`${problem}; ${stageHint(name)}`)
  return join(dir, name)
}

/**
 * Which release is staged: the stamp `stage` wrote (it travels with up/down), else the folder's
 * Pipeline-ENV REVISION (a tree placed by hand); undefined when neither says.
 */
export function stagedIdentity(dir: string, revision: string | undefined): Identity | undefined {
  const s = readStamp(dir)
  if (s) return { revision: s.revision, commit: s.commit }
  return revision ? { revision, commit: '' } : undefined
}

export const sameIdentity = (a: Identity, b: Identity) => a.revision === b.revision && a.commit === b.commit

/** `3.18.0` or `3.18.0 (commit 1a2b3c4d5e6f)` for messages. */
export const describeIdentity = (i: Identity) => i.commit ? `${i.revision} (commit ${i.commit.slice(0, 12)})` : i.revision
