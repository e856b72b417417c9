// default-use: does the test reach a pipeline default? Decided from what the config says (skip_/run_ flags, tools lists).

/** Whether the test uses a default param's file, and the config line that says so. */
export interface Use { used: boolean; why: string }

/** The step a param belongs to: its first word (`gtdb_db` → gtdb, `checkm_download_url` → checkm, `vep_cache` → vep). */
export const stepOf = (param: string): string => param.toLowerCase().split('_')[0]

/** `gtdb` and `gtdbtk` name one step; `vep` and `vep`; words under three letters never match. */
const sameStep = (a: string, b: string) => a.length >= 3 && b.length >= 3 && (a.startsWith(b) || b.startsWith(a))

/** A tools value as words: 'fastp,gens' / ['fastp', 'gens'] → ['fastp', 'gens']. */
const words = (v: unknown): string[] | undefined =>
  typeof v === 'string' ? v.toLowerCase().split(/[\s,]+/).filter(Boolean)
    : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.map((x) => (x as string).toLowerCase()) : undefined

export interface UseInput {
  /** final params of the test profile */
  params: Record<string, unknown>
  /** where each param was set, for the reason */
  at: (param: string) => string
  /** the tool names `tools` may list (from the schema's pattern/enum), to tell "omitted" from "unknown" */
  toolNames?: string[]
}

/**
 * The evidence, strongest first: a `skip_<step>` true / `run_<step>`, `perform_<step>` false; a `skip_tools`
 * list naming the step; a `tools` list that is `all`, names the step, or omits a step the pipeline's tools know.
 * Without any, the default counts as used (its size still caps it).
 */
export function defaultUse(param: string, i: UseInput): Use {
  const step = stepOf(param)
  for (const [k, v] of Object.entries(i.params)) {
    const m = /^(skip|run|perform)_(.+)$/.exec(k)
    if (!m || typeof v !== 'boolean' || m[2] === 'tools' || !sameStep(step, m[2].toLowerCase())) continue
    const off = m[1] === 'skip' ? v : !v
    return { used: !off, why: `${k} = ${v} (${i.at(k)})` }
  }
  const skipTools = words(i.params.skip_tools)
  const skipped = skipTools?.find((t) => sameStep(step, t))
  if (skipped) return { used: false, why: `skip_tools names ${skipped} (${i.at('skip_tools')})` }
  const tools = words(i.params.tools)
  if (tools) {
    if (tools.includes('all')) return { used: true, why: `tools = all (${i.at('tools')})` }
    const named = tools.find((t) => sameStep(step, t))
    if (named) return { used: true, why: `tools names ${named} (${i.at('tools')})` }
    const known = i.toolNames?.find((t) => sameStep(step, t.toLowerCase()))
    if (known) return { used: false, why: `tools omits ${known} (${i.at('tools')})` }
  }
  return { used: true, why: 'no skip flag or tools list leaves it out' }
}

/** Tool names a schema's `tools` param accepts: the words of its enum and of its pattern's alternatives. */
export function schemaToolNames(schema: unknown): string[] {
  const out = new Set<string>()
  const visit = (o: unknown): void => {
    if (!o || typeof o !== 'object') return
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (k === 'tools' && v && typeof v === 'object') {
        const t = v as { enum?: unknown[]; pattern?: string }
        for (const e of t.enum ?? []) if (typeof e === 'string') for (const w of e.split(/[\s,]+/)) if (w) out.add(w)
        for (const w of (t.pattern ?? '').match(/[A-Za-z][A-Za-z0-9_-]{2,}/g) ?? []) out.add(w)
      }
      visit(v)
    }
  }
  visit(schema)
  return [...out]
}

/** What the size cap needs of a plan (structural, so the planner's types stay in test-profile.ts). */
interface Cappable {
  files: { param: string; urls: string[]; fromTest: boolean }[]
  skipped: { what: string; value: string; why: string }[]
}

const gb = (n: number) => `${(n / 1e9).toFixed(n >= 1e10 ? 0 : 2)} GB`

/**
 * Pipeline defaults larger than the cap (MIRROR_MAX_DEFAULT_GB) move from `files` to `skipped`, one line each
 * saying how to copy them anyway; MIRROR_INCLUDE names the ones copied whatever their size.
 */
export function capDefaults<P extends Cappable>(plan: P, sizes: Map<string, number>, cap: { maxDefaultBytes: number; include: string[] }): P {
  const files: P['files'] = [], skipped = [...plan.skipped]
  for (const f of plan.files) {
    const total = f.urls.reduce((a, u) => a + (sizes.get(u) ?? 0), 0)
    if (f.fromTest || cap.include.includes(f.param) || total <= cap.maxDefaultBytes) { files.push(f); continue }
    skipped.push({ what: f.param, value: f.urls.join(', '), why: `a pipeline default of ${gb(total)}, over MIRROR_MAX_DEFAULT_GB=${cap.maxDefaultBytes / 1e9}; copy it with MIRROR_INCLUDE=${f.param}` })
  }
  return { ...plan, files, skipped }
}
