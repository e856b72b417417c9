// fake-nextflow: `nextflow`, `java` and `docker` test doubles: executables put first on PATH that record their call.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface NextflowCall {
  argv: string[]
  /** set on the extra line a sleeping double writes when it gets SIGTERM */
  signal?: string
  cwd: string
  /** NXF_* variables, plus PATH-independent ones the toolkit sets */
  env: Record<string, string>
}

export interface FakeTools {
  /** the folder holding the doubles: put it first on PATH */
  bin: string
  /** PATH with the doubles first, then `rest` (default: node's folder only) */
  path(rest?: string[]): string
  /** every nextflow call so far, oldest first */
  calls(): NextflowCall[]
  /** every java call so far (`-version` probes included), oldest first */
  javaCalls(): NextflowCall[]
  cleanup(): void
}

/**
 * Write doubles for `tools` into a temp folder. Each nextflow call appends one JSON line to a log
 * and exits with `exitCode` (default 0); with `sleepMs` it waits that long and logs `{signal}` on
 * SIGTERM. `java` records its calls and answers `-version` (17.0.2 unless `javaVersion`); `docker` exits 0. The shebang names node by
 * its absolute path, so PATH may leave node out.
 */
export function fakeTools(tools: ('nextflow' | 'java' | 'docker')[] = ['nextflow', 'java', 'docker'], opts: { exitCode?: number; sleepMs?: number; javaVersion?: string } = {}): FakeTools {
  const bin = mkdtempSync(join(tmpdir(), 'nfo-fake-'))
  const log = join(bin, 'calls.jsonl')
  const javaLog = join(bin, 'java.jsonl')
  // java: records each call; `-version` answers on stderr as a JDK does; `-jar <jar> args` stands for Nextflow itself
  const java = `const fs = require('node:fs')
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(NXF_|JAVA_HOME$)/.test(k)))
fs.appendFileSync(${JSON.stringify(javaLog)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env }) + '\\n')
if (process.argv.includes('-version')) console.error('openjdk version "${opts.javaVersion ?? '17.0.2'}" 2022-01-18\\nOpenJDK Runtime Environment (build ${opts.javaVersion ?? '17.0.2'})')
else console.log('fake java ' + process.argv.slice(2).join(' '))
process.exitCode = process.argv.includes('-jar') ? ${opts.exitCode ?? 0} : 0
`
  for (const t of tools) {
    const body = t === 'nextflow'
      ? `const fs = require('node:fs')
${opts.sleepMs ? `process.on('SIGTERM', () => { fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ signal: 'SIGTERM' }) + '\\n'); process.exit(143) })
setTimeout(() => {}, ${opts.sleepMs})` : ''}
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(NXF_|PIPELINE$|AWS_ENDPOINT_URL)/.test(k)))
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), env }) + '\\n')
console.log('fake nextflow ' + process.argv.slice(2).join(' '))
process.exitCode = ${opts.exitCode ?? 0}
`
      : t === 'java' ? java : 'process.exitCode = 0\n'
    writeFileSync(join(bin, t), `#!${process.execPath}\n${body}`)
    chmodSync(join(bin, t), 0o755)
  }
  return {
    bin,
    path: (rest = [dirname(process.execPath)]) => [bin, ...rest].join(':'),
    calls: () => existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as NextflowCall) : [],
    javaCalls: () => existsSync(javaLog) ? readFileSync(javaLog, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as NextflowCall) : [],
    cleanup: () => rmSync(bin, { recursive: true, force: true }),
  }
}
