// demo-report: what each demo step proved (pure): a step's outcome from its exit and output, the table, the closing lines.

/** proven: ran here and did what it says; skipped: not run, or ran without proving its point (why says which); failed: ran and did not. */
/** The programs a real Nextflow run needs, in the order the demo names them. */
export type Tool = 'nextflow' | 'java' | 'docker'
export const RUN_TOOLS: Tool[] = ['nextflow', 'java', 'docker']

export type Outcome = 'proven' | 'skipped' | 'failed'
export interface StepResult { host: 'dev' | 'prod'; step: string; outcome: Outcome; seconds?: number; /** for skipped and failed rows */ why?: string; /** programs a skipped step needs */ needs?: Tool[] }

export interface CheckItem { group: string; ok: boolean; label: string }

/** The items of `just check`'s output with their group (`[tools]`, then `✓ java /usr/bin/java`, `✗ nextflow: not found ...`). */
export function checkItems(out: string): CheckItem[] {
  let group = ''
  const items: CheckItem[] = []
  for (const l of out.split('\n').map((x) => x.trim())) {
    if (/^\[.*\]$/.test(l)) group = l.slice(1, -1).split(' ')[0]
    else if (/^[✓✗]/.test(l)) items.push({ group, ok: l.startsWith('✓'), label: l.slice(1).trim().split(/[: ]/)[0] })
  }
  return items
}

/**
 * Prod's `just check`. Ready: proven. Not ready only because programs this machine lacks are missing:
 * two rows, what the toolkit moved (proven) and the tools (skipped: the demo cannot provide them).
 * Anything else not ready: failed.
 */
export function judgeCheck(host: 'dev' | 'prod', step: string, code: number | null, out: string, missingHere: Tool[], seconds: number): StepResult[] {
  if (code === 0) return [{ host, step, outcome: 'proven', seconds }]
  const items = checkItems(out)
  const bad = items.filter((i) => !i.ok)
  const tools = RUN_TOOLS.filter((t) => bad.some((b) => b.group === 'tools' && b.label === t))
  if (code === 1 && bad.length > 0 && bad.every((b) => b.group === 'tools') && bad.length === tools.length && tools.every((t) => missingHere.includes(t))) {
    const ready = items.filter((i) => i.ok && i.group !== 'tools').length
    return [
      { host, step: `${step}: data, plugins, framework`, outcome: 'proven', seconds, why: `${ready} checks passed` },
      { host, step: `${step}: tools`, outcome: 'skipped', why: `${tools.join(', ')} not on PATH here`, needs: tools },
    ]
  }
  return [{ host, step, outcome: 'failed', seconds, why: lastLine(out) || `exit ${code}` }]
}

/** Any other step: exit 0 is proven, anything else failed with its exit code. */
export function judgeExit(host: 'dev' | 'prod', step: string, code: number | null, seconds: number): StepResult {
  return code === 0 ? { host, step, outcome: 'proven', seconds } : { host, step, outcome: 'failed', seconds, why: code === null ? 'killed' : `exit ${code}` }
}

const lastLine = (out: string) => out.trim().split('\n').pop()?.trim() ?? ''

export function formatTable(rows: StepResult[]): string {
  const w = Math.max(...rows.map((r) => r.step.length), 4)
  const line = (r: StepResult) => [r.host.padEnd(5), r.step.padEnd(w), r.outcome.padEnd(8),
    (r.seconds === undefined ? '' : r.seconds.toFixed(1)).padStart(7), r.why ? `  ${r.why}` : ''].join(' ').trimEnd()
  return [`${'host'.padEnd(5)} ${'step'.padEnd(w)} ${'result'.padEnd(8)} seconds`, ...rows.map(line)].join('\n')
}

/**
 * `demo: 12 steps proven here in 3.6 s; not proven: just check: tools (needs nextflow), just stub (needs nextflow, java, docker)`,
 * or, when a step failed, `demo failed: ...` naming it. Never a count of steps that did not run as done.
 */
export function closingLine(rows: StepResult[], seconds: number): string {
  const proven = rows.filter((r) => r.outcome === 'proven').length
  const failed = rows.filter((r) => r.outcome === 'failed')
  const notProven = rows.filter((r) => r.outcome === 'skipped')
    .map((r) => `${r.step} (${r.needs?.length ? `needs ${r.needs.join(', ')}` : r.why})`)
  const steps = (n: number) => `${n} step${n === 1 ? '' : 's'}`
  if (failed.length) {
    return `demo failed: ${failed.map((r) => `${r.host} ${r.step}`).join(', ')} failed (see its output above); ${steps(proven)} proven, ${steps(notProven.length)} not proven, in ${seconds.toFixed(1)} s`
  }
  return `demo: ${steps(proven)} proven here in ${seconds.toFixed(1)} s${notProven.length ? `; not proven: ${notProven.join(', ')}` : ''}`
}

/** What no demo run proves, whatever this machine has: its Nextflow launcher and jar and its plugins are stand-ins, and it has no registry. */
export const NEVER_PROVEN = 'never proven by the demo (its Nextflow and plugins are stand-ins; it has no registry): Nextflow parsing test.config, '
  + 'plugins loading, image pulls through the proxy; on a real Prod host, in pipelines/<name>, run just check --images, then just stub'
