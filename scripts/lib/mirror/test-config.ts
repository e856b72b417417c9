// test-config-writer: the pipeline's own test.config, verbatim, plus a generated block pointing it at the S3 mirror.

export const MARKER = '// ---- nf-offline: added by `just mirror`; above is conf/test.config.orig verbatim; each run rewrites this whole file ----'

export type Literal = string | string[] | null

export interface TestConfigOverrides {
  /** `input`: the uploaded inputs3.csv (or the mirrored list of files when input is a list) */
  input?: Literal
  /** params holding mirrored files → their S3 URI(s) */
  files: Record<string, Literal>
  /** directory-prefix params (igenomes_base...) → the mirrored prefix */
  prefixes: Record<string, string>
  /** REGISTRY_PROXY: the registry Prod pulls through */
  registry?: string
  /** the release this block was made for, e.g. `nf-core/rnaseq 3.18.0 (commit 1a2b3c4d5e6f)` */
  release?: string
  /** nf-core/configs files shipped in pipelines/<p>/nf-core-configs (the offline run's --custom_config_base) */
  configs?: string[]
}

/** A Groovy single-quoted literal (no interpolation), a list of them, or null. */
export function groovyLiteral(v: Literal): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return `[${v.map((s) => groovyLiteral(s)).join(', ')}]`
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

const paramName = (k: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : groovyLiteral(k)

/** The original text without any block a previous run appended (so a rewritten file can be fed back in). */
export function originalPart(text: string): string {
  const i = text.indexOf(MARKER)
  return i < 0 ? text : text.slice(0, i).replace(/\n+$/, '\n')
}

/**
 * The test.config Prod runs: the original kept byte for byte (process settings, comments, `if` blocks),
 * then params re-assigned to their mirrored S3 URIs (the last assignment wins in Nextflow), then the
 * offline settings. The same inputs always give the same bytes.
 */
export function writeTestConfig(original: string, o: TestConfigOverrides): string {
  const head = originalPart(original)
  const entries: [string, Literal, string?][] = []
  if (o.input !== undefined) entries.push(['input', o.input, Array.isArray(o.input) ? 'the first ROWS files of the input list, mirrored' : 'the trimmed samplesheet, its files mirrored'])
  for (const k of Object.keys(o.files).sort()) if (k !== 'input') entries.push([k, o.files[k]])
  for (const k of Object.keys(o.prefixes).sort()) entries.push([k, o.prefixes[k], 'prefix: entries built from it resolve into the mirror'])
  // evaluated after the profiles block in current nf-core templates, which then include /dev/null; with shipped
  // configs, `just run` gives --custom_config_base on the command line, which wins over any config file
  if (!o.configs?.length) entries.push(['custom_config_base', null, 'no remote institutional configs offline'])
  const width = Math.max(...entries.map(([k]) => paramName(k).length))
  const lines = [
    '',
    MARKER,
    ...(o.release ? [`// made for ${o.release}; another release's test.config is refused (run: just mirror)`] : []),
    ...o.configs?.length ? [`// nf-core/configs read by the test, shipped with mirrored URLs in ../nf-core-configs: ${o.configs.join(', ')}`] : [],
    'params {',
    ...entries.map(([k, v, why]) => `    ${paramName(k).padEnd(width)} = ${groovyLiteral(v)}${why ? ` // ${why}` : ''}`),
    '}',
    '',
    'docker.enabled  = true',
    ...(o.registry ? [`docker.registry = ${groovyLiteral(o.registry)}`] : []),
    '',
  ]
  return (head.endsWith('\n') || head === '' ? head : head + '\n') + lines.join('\n')
}
