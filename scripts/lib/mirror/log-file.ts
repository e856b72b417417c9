// log-file: which .nextflow.log `mirror --from-log` reads: the one given, or the newest of a test run of this revision.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { UserError } from '../core/cli.js'
import { notThisRun, parseRunLog, type RunLog } from './run-log.js'
import { scriptRevision } from './script-id.js'

export interface FoundLog { file: string; log: RunLog }

/**
 * `file` (checked to be a test run of the staged code) or, by default, the newest `.nextflow.log*` in the
 * pipeline folder that is one; logs of other runs are passed over, and none at all is an error.
 */
export function findRunLog(dir: string, staged: string, name: string, tag: string | undefined, file?: string): FoundLog {
  const main = join(staged, 'main.nf')
  const revision = { scriptId: existsSync(main) ? scriptRevision(readFileSync(main, 'utf8')) : '', tag }
  if (file) {
    const abs = resolve(dir, file)
    if (!existsSync(abs)) throw new UserError(`--from-log ${file}: no such file`)
    const log = parseRunLog(readFileSync(abs, 'utf8'))
    const why = notThisRun(log, revision)
    if (why) throw new UserError(`--from-log ${file}: ${why}; give the log of a test run of this revision (just test or just smoke, online)`)
    return { file: abs, log }
  }
  const logs = readdirSync(dir).filter((f) => /^\.nextflow\.log(\.\d+)?$/.test(f))
    .map((f) => ({ f: join(dir, f), t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t)
  const passed: string[] = []
  for (const { f } of logs) {
    const log = parseRunLog(readFileSync(f, 'utf8'))
    const why = notThisRun(log, revision)
    if (!why) return { file: f, log }
    passed.push(`${f.slice(dir.length + 1)}: ${why}`)
  }
  throw new UserError(`no .nextflow.log of a test run of this revision in pipelines/${name}${passed.length ? ` (${passed.join('; ')})` : ''}; run \`just test\` (in pipelines/${name}) or \`just smoke ${name}\` online first, or name the log: just mirror --from-log FILE`)
}
