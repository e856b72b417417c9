// test-profile: from an evaluated `-profile test` config, what to mirror: the samplesheet, remote file params,
// the genome entry's files, and which directory-prefix params to redirect (never copied).
import { isAbsolute, resolve } from 'node:path'
import { isOtherRemote, isRemote } from './data-keys.js'
import { defaultUse, type Use } from './default-use.js'

/** The part of nf-config's LoadedConfig this module reads (kept structural: pure, testable with tables). */
export interface ConfigView {
  params: Record<string, unknown>
  paramsAt: Record<string, string>
  /** the profile that set each param (conf/test.config and every file it includes: 'test') */
  paramsProfile?: Record<string, string>
}

export type InputPlan =
  | { kind: 'sheet'; source: string; remote: boolean; at: string }
  | { kind: 'list'; urls: string[]; at: string }

export interface FileParam {
  param: string
  urls: string[]
  /** a list value (`[a, b]`) rather than one URL */
  list: boolean
  at: string
  /** set by the test profile (a failure is fatal) rather than a pipeline default (a failure is a warning) */
  fromTest: boolean
  /** small text that may itself list URLs (bbsplit_fasta_list): read, its URLs mirrored and rewritten */
  listing: boolean
  /** a pipeline default: why the test reaches it */
  use?: string
}

export interface ProfilePlan {
  input?: InputPlan
  files: FileParam[]
  /** `dirs`: s3:// directory entries (index folders such as BWAIndex/), copied object by object */
  genome?: { name: string; files: { attr: string; url: string }[]; dirs: { attr: string; url: string }[] }
  /** directory prefixes redirected into the mirror so values built from them resolve there */
  prefixes: { param: string; url: string }[]
  /** values seen and deliberately not mirrored, with why */
  skipped: { what: string; value: string; why: string }[]
  /** values that matter but could not be evaluated statically: 'param (file:line): source' */
  unresolved: string[]
}

/** Params that never name input data: where results go, institutional configs, notification hooks. */
const NOT_DATA = /^(outdir|tracedir|custom_config_base|custom_config_version|hook_url)$|^config_profile_/
/** Prefixes redirected into the mirror (their files are mirrored through the params built from them). */
const REDIRECT = new Set(['igenomes_base', 'modules_testdata_base_path', 'pipelines_testdata_base_path', 'test_data_base'])
/** A pipeline default named as a directory prefix (`genomes_base`, `*_dir`): reported, never copied. */
const DIR_NAME = /(_base|_base_path|_dir|_outdir)$/
/** Params known to name a file that lists further URLs. */
const KNOWN_LISTS = new Set(['bbsplit_fasta_list'])
const TEXTY = /\.(csv|tsv|txt|list|ya?ml|json)$/i

const unresolvedText = (v: unknown): string | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { unresolved?: unknown }).unresolved === 'string'
    ? `${(v as { unresolved: string }).unresolved} (${(v as { at?: string }).at ?? '?'})` : undefined

const looksRemoteDir = (v: string) => /^(https?|s3):\/\//i.test(v) && !isRemote(v)
const fromTestConfig = (at: string | undefined) => !!at && /(^|\/)conf\/test\.config(\.orig)?:/.test(at)

/** What the test profile needs mirrored, given its evaluated params and the staged code's directory. */
export function planProfile(cfg: ConfigView, projectDir: string, opts: { skip?: string[]; include?: string[]; toolNames?: string[] } = {}): ProfilePlan {
  const plan: ProfilePlan = { files: [], prefixes: [], skipped: [], unresolved: [] }
  const at = (k: string) => cfg.paramsAt[k] ?? 'nextflow.config'
  planInput(plan, cfg.params.input, at('input'), projectDir)
  const fromTest = (k: string) => cfg.paramsProfile?.[k] === 'test' || fromTestConfig(at(k))
  const include = new Set(opts.include ?? [])
  const use = (k: string): Use => {
    const u = defaultUse(k, { params: cfg.params, at, toolNames: opts.toolNames })
    return u.used || !include.has(k) ? u : { used: true, why: `MIRROR_INCLUDE, although ${u.why}` }
  }
  planParams(plan, cfg, new Set(opts.skip ?? []), at, fromTest, use)
  planGenome(plan, cfg.params, at('genome'))
  return plan
}

/** input: a samplesheet (remote or in the pipeline), or a list of files */
function planInput(plan: ProfilePlan, input: unknown, at: string, projectDir: string): void {
  const bad = unresolvedText(input)
  if (bad) plan.unresolved.push(`input: ${bad}`)
  else if (typeof input === 'string' && input.trim()) {
    const v = input.trim()
    if (isRemote(v)) plan.input = { kind: 'sheet', source: v, remote: true, at }
    else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) plan.skipped.push({ what: 'input', value: v, why: 'scheme not mirrored' })
    else plan.input = { kind: 'sheet', source: isAbsolute(v) ? v : resolve(projectDir, v), remote: false, at }
  } else if (Array.isArray(input)) {
    const urls = input.filter((u): u is string => typeof u === 'string').map((u) => u.trim())
    plan.input = { kind: 'list', urls: urls.filter((u) => isRemote(u)), at }
    for (const u of urls.filter((u) => !isRemote(u))) plan.skipped.push({ what: 'input', value: u, why: 'not an https/s3 file' })
  }
}

/**
 * every other param holding remote files (or a directory prefix to redirect): what the test profile sets is
 * mirrored whatever its name; a pipeline default only when the test reaches it (see default-use.ts)
 */
function planParams(plan: ProfilePlan, cfg: ConfigView, skip: Set<string>, at: (k: string) => string, fromTest: (k: string) => boolean, use: (k: string) => Use): void {
  for (const [k, v] of Object.entries(cfg.params)) {
    if (k === 'input' || k === 'genomes') continue
    if (skip.has(k)) { if (typeof v === 'string' && /:\/\//.test(v)) plan.skipped.push({ what: k, value: v, why: 'MIRROR_SKIP' }); continue }
    const u = unresolvedText(v)
    if (u) { if (fromTest(k)) plan.unresolved.push(`${k}: ${u}`); continue }
    const values = typeof v === 'string' ? [v.trim()] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]).map((x) => x.trim()) : []
    if (REDIRECT.has(k)) {
      if (typeof v === 'string' && /^(https?|s3):\/\/[^/]+/i.test(v.trim())) plan.prefixes.push({ param: k, url: v.trim() })
      continue
    }
    if (NOT_DATA.test(k)) continue
    const test = fromTest(k)
    const remote = values.filter((x) => isRemote(x))
    for (const x of values) {
      if (isOtherRemote(x)) plan.skipped.push({ what: k, value: x, why: 'scheme not mirrored' })
      else if (looksRemoteDir(x)) plan.skipped.push({ what: k, value: x, why: 'a directory, not a file' })
    }
    if (!remote.length) continue
    if (!test && DIR_NAME.test(k)) { plan.skipped.push({ what: k, value: remote.join(', '), why: 'a pipeline default named as a directory prefix; never copied' }); continue }
    const used = test ? undefined : use(k)
    if (used && !used.used) { plan.skipped.push({ what: k, value: remote.join(', '), why: `a pipeline default the test does not reach: ${used.why}` }); continue }
    plan.files.push({
      param: k, urls: remote, list: Array.isArray(v), at: at(k), fromTest: test,
      listing: KNOWN_LISTS.has(k) || remote.some((x) => TEXTY.test(x.split(/[?#]/)[0])),
      ...used ? { use: used.why } : {},
    })
  }
}

/** a genome by name: each file of its entry (evaluated with the test profile's igenomes_base) */
function planGenome(plan: ProfilePlan, p: Record<string, unknown>, at: string): void {
  const genome = p.genome
  // as nf-core's own check (`params.genomes && params.genome && !containsKey`): with no genomes configured, a genome
  // name is only a label (rnafusion's GRCh38 names what it builds), nothing to look up
  const g = p.genomes
  const noGenomes = g === undefined || g === null || (typeof g === 'object' && !Array.isArray(g) && Object.keys(g).length === 0)
  if (typeof genome !== 'string' || !genome || p.igenomes_ignore === true || noGenomes) return
  const entry = (p.genomes as Record<string, unknown> | undefined)?.[genome]
  if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
    plan.unresolved.push(`genome: '${genome}' is not an entry of params.genomes (${at})`)
    return
  }
  const files: { attr: string; url: string }[] = [], dirs: { attr: string; url: string }[] = []
  // nested maps (viralrecon's primer_sets.<set>.<version>): the keys named by the params of the map's word
  // (primer_set = 'artic', primer_set_version = 1 under primer_sets), else all of them
  const chosenFor = (path: string) => {
    const word = path.split('.')[0].split('_')[0]
    return new Set(Object.entries(p).filter(([k, v]) => word && (k === word || k.startsWith(`${word}_`)) && (typeof v === 'string' || typeof v === 'number')).map(([, v]) => String(v)))
  }
  const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v)
  const walk = (obj: Record<string, unknown>, path: string) => {
    const maps = Object.keys(obj).filter((k) => isMap(obj[k]))
    const chosen = chosenFor(path)
    const picked = maps.filter((k) => chosen.has(k))
    for (const k of picked.length ? maps.filter((k) => !picked.includes(k)) : []) {
      plan.skipped.push({ what: `genomes.'${genome}'.${path ? `${path}.` : ''}${k}`, value: '(its files)', why: `not the one the test's params choose (${picked.join(', ')})` })
    }
    for (const [k, v] of Object.entries(obj)) {
      const attr = path ? `${path}.${k}` : k
      const u = unresolvedText(v)
      if (u) plan.unresolved.push(`genomes.'${genome}'.${attr}: ${u}`)
      else if (isMap(v)) { if (!picked.length || picked.includes(k)) walk(v, attr) }
      else if (isRemote(v)) files.push({ attr, url: v.trim() })
      else if (typeof v === 'string' && /^s3:\/\/[^/]+\/.+\/$/i.test(v.trim())) dirs.push({ attr, url: v.trim() })
      else if (typeof v === 'string' && looksRemoteDir(v.trim())) plan.skipped.push({ what: `genomes.'${genome}'.${attr}`, value: v, why: 'a directory over https cannot be listed' })
      else if (isOtherRemote(v)) plan.skipped.push({ what: `genomes.'${genome}'.${attr}`, value: v, why: 'scheme not mirrored' })
    }
  }
  walk(entry as Record<string, unknown>, '')
  plan.genome = { name: genome, files, dirs }
}

/** Every distinct URL the plan mirrors directly (the samplesheet's and listings' own URLs come later). */
export function planUrls(plan: ProfilePlan): string[] {
  const all = [
    ...(plan.input?.kind === 'list' ? plan.input.urls : []),
    ...plan.files.flatMap((f) => f.urls),
    ...(plan.genome?.files.map((f) => f.url) ?? []),
  ]
  return [...new Set(all)]
}
