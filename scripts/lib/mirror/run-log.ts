// run-log: what an online run's .nextflow.log says: its command line, its launch revision, and each remote file
// FilePorter staged ("Staging foreign file: <uri>", "Copying foreign file <uri> to work dir: …", "Local cache found …").

export interface RunLog {
  /** `nextflow run …` as typed (Launcher's `$> ` line) */
  cli?: string
  /** the launch line: what ran and its revision (a local script: 10 hex of its hash; a repository: tag [commit]) */
  launch?: { script: string; revision: string }
  /** every remote file FilePorter staged, once each, in log order */
  staged: string[]
}

// `%d{MMM-dd HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg` (LoggerHelper)
const LINE = /^\w{3}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \[[^\]]*\] (\w+)\s+(\S+) - (.*)$/
const STAGED = [/^Staging foreign file: (\S+)$/, /^Copying foreign file (\S+) to work dir: /, /^Local cache found for foreign file (\S+) at /]

export function parseRunLog(text: string): RunLog {
  const log: RunLog = { staged: [] }
  const seen = new Set<string>()
  for (const line of text.split(/\r?\n/)) {
    const m = LINE.exec(line)
    if (!m) continue   // continuation lines (stack traces, banners)
    const [, , logger, msg] = m
    if (logger.endsWith('FilePorter')) {
      for (const re of STAGED) {
        const s = re.exec(msg)?.[1]
        if (s && !seen.has(s)) { seen.add(s); log.staged.push(s) }
      }
    } else if (logger.endsWith('cli.Launcher') && msg.startsWith('$> ') && log.cli === undefined) log.cli = msg.slice(3)
    else if (logger.endsWith('CmdRun') && log.launch === undefined) {
      const l = /^Launching `([^`]+)` \[[^\]]*\] DSL\d - revision: (.+)$/.exec(msg)
      if (l) log.launch = { script: l[1], revision: l[2].trim() }
    }
  }
  return log
}

/** The `-profile` of a `nextflow run` command line, as a list (`test,docker` → ['test', 'docker']). */
export function profilesOf(cli: string): string[] {
  const m = /(?:^|\s)-profile[= ]+(\S+)/.exec(cli)
  return m ? m[1].replace(/^['"]|['"]$/g, '').split(',') : []
}

/**
 * Why a log is not of a test run of this revision (undefined when it is): a `nextflow run` with the test profile
 * whose launch revision is the staged main.nf's hash, or the release tag for a run from the repository.
 */
export function notThisRun(log: RunLog, revision: { scriptId: string; tag?: string }): string | undefined {
  if (!log.cli || !/^nextflow\s+run\s/.test(log.cli)) return 'no `nextflow run` command line in it'
  if (!profilesOf(log.cli).includes('test')) return `not a test run (-profile ${profilesOf(log.cli).join(',') || 'none'})`
  if (!log.launch) return 'no launch line (the run stopped before it started)'
  const r = log.launch.revision
  if (r === revision.scriptId || (revision.tag && r.split(/\s+/)[0] === revision.tag)) return undefined
  return `a run of revision ${r}, not of the staged code (${revision.tag ? `${revision.tag}, ` : ''}main.nf ${revision.scriptId})`
}
