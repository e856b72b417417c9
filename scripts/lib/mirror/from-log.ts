// from-log: the static plan checked against what an online run staged: its files added, its unused defaults dropped.
import { isRemote, normalizePath } from './data-keys.js'
import { planUrls, type ProfilePlan } from './test-profile.js'

export interface LogApplied {
  plan: ProfilePlan
  /** staged by the run, named by a param the static plan left out: promoted into the plan */
  promoted: { param: string; url: string }[]
  /** staged by the run, named by no param: checked against the samplesheet and lists once they are read */
  unnamed: string[]
  /** planned pipeline defaults the run never staged: dropped */
  unused: { param: string; urls: string[] }[]
}

const valuesOf = (v: unknown): string[] => typeof v === 'string' ? [v.trim()] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()) : []

/** The plan for `mirror --from-log`: the test-set params, plus what the run staged, minus defaults it never used. */
export function applyLog(plan: ProfilePlan, params: Record<string, unknown>, staged: string[]): LogApplied {
  const ran = new Set(staged)
  const files = [], skipped = [...plan.skipped], unused: LogApplied['unused'] = []
  for (const f of plan.files) {
    if (f.fromTest || f.urls.some((u) => ran.has(u))) { files.push(f); continue }
    unused.push({ param: f.param, urls: f.urls })
    skipped.push({ what: f.param, value: f.urls.join(', '), why: 'a pipeline default the logged run never staged' })
  }
  const known = new Set(planUrls({ ...plan, files }))
  const promoted: LogApplied['promoted'] = [], unnamed: string[] = []
  for (const url of staged) {
    if (known.has(url)) continue
    const param = Object.keys(params).find((k) => k !== 'input' && valuesOf(params[k]).includes(url))
    if (param && isRemote(url)) {
      const urls = valuesOf(params[param]).filter((u) => isRemote(u))
      files.push({ param, urls, list: Array.isArray(params[param]), at: '', fromTest: false, listing: false, use: 'the logged run staged it' })
      urls.forEach((u) => known.add(u))
      promoted.push({ param, url })
      const i = skipped.findIndex((s) => s.what === param)
      if (i >= 0) skipped.splice(i, 1)
    } else unnamed.push(url)
  }
  return { plan: { ...plan, files, skipped }, promoted, unnamed, unused }
}

/** How Prod reaches a staged file no param names: through a redirected prefix, or not at all. */
export function reachOf(url: string, plan: ProfilePlan): string {
  const p = plan.prefixes.find((x) => normalizePath(url).startsWith(normalizePath(x.url) + '/') || normalizePath(url).startsWith(normalizePath(x.url)))
  return p ? `redirected through ${p.param}` : 'named by no param: the offline run reads it from the source'
}
