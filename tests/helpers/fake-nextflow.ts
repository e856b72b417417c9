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
  cleanup(): void
}

/**
 * Write doubles for `tools` into a temp folder. Each nextflow call appends one JSON line to a log
 * and exits with `exitCode` (default 0); with `sleepMs` it waits that long and logs `{signal}` on
 * SIGTERM. `java`/`docker` only exit 0. The shebang names node by
 * its absolute path, so PATH may leave node out.
 */
export function fakeTools(tools: ('nextflow' | 'java' | 'docker')[] = ['nextflow', 'java', 'docker'], opts: { exitCode?: number; sleepMs?: number } = {}): FakeTools {
  const bin = mkdtempSync(join(tmpdir(), 'nfo-fake-'))
  const log = join(bin, 'calls.jsonl')
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
      : 'process.exitCode = 0\n'
    writeFileSync(join(bin, t), `#!${process.execPath}\n${body}`)
    chmodSync(join(bin, t), 0o755)
  }
  return {
    bin,
    path: (rest = [dirname(process.execPath)]) => [bin, ...rest].join(':'),
    calls: () => existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as NextflowCall) : [],
    cleanup: () => rmSync(bin, { recursive: true, force: true }),
  }
}
