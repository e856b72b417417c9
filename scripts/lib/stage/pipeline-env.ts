// pipeline-env: keep pipelines/<name>/Pipeline-ENV's PIPELINE and REVISION lines right, other lines untouched.
import { readTextIf, writeFileAtomicSync } from '../core/fsx.js'

/** Text of a Pipeline-ENV with PIPELINE/REVISION set, keeping comments and any other variables. */
export function withPipelineVars(text: string, name: string, revision: string): string {
  const want: Record<string, string> = { PIPELINE: name, REVISION: revision }
  const seen = new Set<string>()
  const lines = text.split('\n').map((line) => {
    const m = /^(\s*(?:export\s+)?)(PIPELINE|REVISION)=/.exec(line)
    if (!m) return line
    seen.add(m[2])
    return `export ${m[2]}=${want[m[2]]}`
  })
  while (lines.length && lines[lines.length - 1] === '') lines.pop()
  for (const k of ['PIPELINE', 'REVISION']) if (!seen.has(k)) lines.push(`export ${k}=${want[k]}`)
  return lines.join('\n') + '\n'
}

/** Update the file only when its text changes (a re-stage leaves it untouched). */
export function setPipelineEnv(path: string, name: string, revision: string): void {
  const old = readTextIf(path) ?? ''
  const next = withPipelineVars(old, name, revision)
  if (next !== old) writeFileAtomicSync(path, next)
}
