// plugin-needs: what staged pipelines ask of the plugins dir beyond plugins.list: declared plugins, and nf-amazon for s3:// inputs or Batch.
import { satisfies } from './version.js'
import { type PluginRef, refName, splitRef } from './list.js'

/** What we read of one staged pipeline (from nf-config's loadConfig with the test profile). */
export interface PipelineNeeds {
  name: string
  /** the config file, for messages: 'pipelines/rnaseq/rnaseq/nextflow.config' */
  config: string
  /** `plugins { id ... }` entries as written: 'nf-schema@2.1.1' or 'nf-schema' */
  plugins: string[]
  params: Record<string, unknown>
  workDir?: unknown
  /** files with the pipeline's inputs (inputs3.csv), to spot s3:// paths */
  inputs?: { file: string; text: string }[]
}

// nf-amazon bundled as the default by each Nextflow release (META-INF/plugins-info.txt), for the hint
export const AMAZON_DEFAULT: Record<string, string> = {
  '24.10.0': '2.9.0', '24.10.6': '2.9.3', '24.10.7': '2.9.3', '24.10.8': '2.9.3', '24.10.9': '2.9.3',
  '25.04.0': '2.15.0', '25.04.8': '2.15.0-patch2', '25.10.0': '3.4.1', '26.04.0': '3.9.0',
}

const isS3 = (v: unknown): v is string => typeof v === 'string' && v.startsWith('s3://')

/**
 * Why the pipeline needs nf-amazon, or undefined: an s3:// param (igenomes_base unless
 * igenomes_ignore), an s3:// workDir, or s3:// paths in its inputs files. Nextflow starts the
 * plugin implicitly for such paths, and offline it must already be installed.
 */
export function amazonReason(p: PipelineNeeds): string | undefined {
  for (const [k, v] of Object.entries(p.params)) {
    if (k === 'igenomes_base' && p.params.igenomes_ignore === true) continue
    if (isS3(v)) return `params.${k} = ${v}`
  }
  if (isS3(p.workDir)) return `workDir = ${p.workDir}`
  for (const f of p.inputs ?? []) if (/(^|[\s,"'])s3:\/\//m.test(f.text)) return `${f.file} lists s3:// paths`
  return undefined
}

export interface Union {
  /** plugins.list, then each plugin a staged pipeline needs beyond it */
  refs: PluginRef[]
  /** one line per plugin added beyond the list, saying who needs it (and why both versions when the list pins another) */
  added: string[]
  /** what cannot be installed for them: unpinned or malformed declarations, nf-amazon of an unknown default */
  warnings: string[]
}

/**
 * What `just plugins` installs: plugins.list plus each staged pipeline's declared plugins at the
 * version it pins, plus nf-amazon (the version NXF_VER bundles) when its inputs or work dir are on S3
 * or it runs on AWS Batch (`batch`). A pin that differs from the list keeps both: offline, each run loads its own.
 */
export function pluginUnion(list: PluginRef[], pipelines: PipelineNeeds[], nxfVer: string | undefined, batch?: string): Union {
  const refs = [...list], added: string[] = [], warnings: string[] = []
  const pinned = new Map(list.map((r) => [r.id, r]))
  const add = (ref: { id: string; version: string }, at: string, why: string) => {
    if (refs.some((r) => r.id === ref.id && r.version === ref.version)) return
    refs.push({ ...ref, at })
    const other = pinned.get(ref.id)
    added.push(`+ ${refName(ref)}: ${why}${other ? `; plugins.list pins ${refName(other)}: both kept, as offline Nextflow loads ${refName(ref)} for this pipeline` : ''}`)
  }
  for (const p of pipelines) {
    for (const word of p.plugins) {
      let ref: { id: string; version: string }
      try { ref = splitRef(word.trim()) } catch { warnings.push(`${p.config} declares plugin '${word}', which is not id@version`); continue }
      const have = pinned.get(ref.id)
      if (!ref.version) warnings.push(`${p.config} declares ${ref.id} without a version; offline Nextflow refuses unpinned plugins${have ? ` (plugins.list has ${refName(have)})` : ''}: pin one in the config`)
      else add(ref, p.config, `declared in ${p.config}`)
    }
    const why = amazonReason(p) ?? batch
    if (!why || p.plugins.some((w) => w.trim().startsWith('nf-amazon@'))) continue
    // implicit use loads the version the Nextflow jar bundles, whatever plugins.list pins
    const v = nxfVer ? AMAZON_DEFAULT[nxfVer] : undefined
    if (v) add({ id: 'nf-amazon', version: v }, p.config, `${p.name} needs it (${why}); the default of Nextflow ${nxfVer}`)
    else if (!pinned.has('nf-amazon')) warnings.push(`${p.name} needs nf-amazon (${why}) but its default for Nextflow ${nxfVer ?? '(NXF_VER unset)'} is not known here; add nf-amazon@<version> to plugins.list`)
  }
  return { refs, added, warnings }
}

/** pf4j `Plugin-Dependencies`: `nf-a@>=1.0.0, nf-b?` → { id, constraint, optional }. */
export function parseDependencies(text: string | undefined): { id: string; constraint: string; optional: boolean }[] {
  return (text ?? '').split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const at = s.indexOf('@')
    let id = at < 0 ? s : s.slice(0, at)
    const optional = id.endsWith('?')
    if (optional) id = id.slice(0, -1)
    return { id: id.trim(), constraint: at < 0 ? '' : s.slice(at + 1).trim(), optional }
  })
}

/**
 * A plugin's manifest may name other plugins it needs; offline, Nextflow can only load them from the
 * plugins dir, so each must be in plugins.list at a version that fits.
 */
export function dependencyWarnings(list: PluginRef[], ref: PluginRef, dependencies: string | undefined): string[] {
  const out: string[] = []
  for (const d of parseDependencies(dependencies)) {
    if (d.optional) continue
    const have = list.find((r) => r.id === d.id)
    if (!have) out.push(`${refName(ref)} depends on ${d.id}${d.constraint ? ` (${d.constraint})` : ''}, which plugins.list lacks; add it`)
    else if (d.constraint && !satisfies(have.version, d.constraint)) out.push(`${refName(ref)} depends on ${d.id} ${d.constraint}, but plugins.list pins ${refName(have)}`)
  }
  return out
}
