// images-collect: every Docker image a pipeline can use under `-profile docker`, from its .nf texts and config
// settings (pure: config.ts reads the files). Each literal a container may be is an image; the rest is unresolved.
import { altsOf, dockerScope, evaluate, parseExpr, type Alt, type Val } from './container-expr.js'
import { lex } from '../nf-config/lexer.js'
import { ConfigSyntaxError } from '../nf-config/types.js'
import { collapse, scanNf, type Found } from './container-scan.js'
import { qualifyImage, registryOfPrefix } from './image-ref.js'

export interface ImageEntry { image: string; registry: string; declared_in: string[] }
export interface UnresolvedDecl {
  at: string
  text: string
  /** the registry it would come from, when the text says so even though the rest is unknown */
  registry?: string
}
export interface ImageReport {
  images: ImageEntry[]
  unresolved: UnresolvedDecl[]
  /** docker.registry as the pipeline sets it (undefined: Docker's default, docker.io) */
  dockerRegistry?: string
  /** what the config reader could not load (a missing include file...): containers may be missing */
  problems?: string[]
}

/** A `process.container` setting from the loaded configs. */
export interface ConfigContainer { at: string; raw: string; value: Val }
export interface ConfigView { dockerRegistry?: string; containers: ConfigContainer[]; problems: string[] }
/** One .nf file of the pipeline: its path relative to the pipeline, and its text. */
export interface NfSource { path: string; text: string }

/** The report of a pipeline's .nf files and config settings, resolved with the pipeline's docker.registry. */
export function collectImages(nf: NfSource[], config: ConfigView): ImageReport {
  const found: { at: string; f: Found }[] = []
  for (const file of nf) for (const f of scanNf(file.text)) found.push({ at: `${file.path}:${f.line}`, f })
  for (const c of config.containers) found.push({ at: c.at, f: { line: 0, text: `container = ${collapse(c.raw)}`, value: c.value, notes: [] } })
  return { ...buildReport(found, config.dockerRegistry), problems: config.problems }
}

/**
 * Image URLs only Singularity/Apptainer pull (`https://depot…`, `oras://…`): not Docker images. nf-core modules
 * name them in the branch a Docker run never takes, as `nextflow inspect -profile docker` shows.
 */
export const singularityOnly = (ref: string) => /^\s*(https?|oras|shub|library):\/\//i.test(ref)

/** What a declaration may be under Docker: images (each exact literal) and what stays unknown (partial texts). */
export function splitAlts(v: Val): { images: string[]; partial: Alt[]; dropped: number } {
  const alts = altsOf(v)
  const docker = alts.filter((a) => !(a.prefix && singularityOnly(a.prefix)))
  return {
    images: docker.filter((a) => a.exact && a.prefix.trim()).map((a) => a.prefix),
    partial: docker.filter((a) => !a.exact),
    dropped: alts.length - docker.length,
  }
}

/** Group resolved declarations by qualified image; what may still be another name is listed as unresolved. */
export function buildReport(found: { at: string; f: Found }[], dockerRegistry: string | undefined): ImageReport {
  const byImage = new Map<string, ImageEntry>()
  const unresolved: UnresolvedDecl[] = []
  for (const { at, f } of found) {
    const { images, partial, dropped } = splitAlts(f.value)
    for (const ref of images) {
      const q = qualifyImage(ref, dockerRegistry)
      const e = byImage.get(q.image) ?? { ...q, declared_in: [] }
      if (!e.declared_in.includes(at)) e.declared_in.push(at)
      byImage.set(q.image, e)
    }
    if (partial.length) unresolved.push(describeUnresolved(at, f, partial, dockerRegistry))
    // every alternative is a Singularity URL: Docker has nothing to run, which must not pass silently
    else if (!images.length && dropped) unresolved.push({ at, text: `${f.text} (no Docker image among its values)` })
  }
  const images = [...byImage.values()].sort((a, b) => a.image < b.image ? -1 : a.image > b.image ? 1 : 0)
  for (const e of images) e.declared_in.sort(byLocation)
  unresolved.sort((a, b) => byLocation(a.at, b.at))
  return { images, unresolved, dockerRegistry }
}

function describeUnresolved(at: string, f: Found, partial: Alt[], dockerRegistry: string | undefined): UnresolvedDecl {
  const out: UnresolvedDecl = { at, text: f.notes.length ? `${f.text} (${f.notes.join('; ')})` : f.text }
  const regs = partial.map((a) => registryOfPrefix(a.prefix, a.exact, dockerRegistry))
  if (regs.every((r) => r && r === regs[0])) out.registry = regs[0]
  return out
}

/** `path:line` order: path, then line as a number. */
function byLocation(a: string, b: string): number {
  const [pa, la] = splitAt(a), [pb, lb] = splitAt(b)
  return pa < pb ? -1 : pa > pb ? 1 : la - lb
}
const splitAt = (s: string): [string, number] => { const i = s.lastIndexOf(':'); return i < 0 ? [s, 0] : [s.slice(0, i), Number(s.slice(i + 1)) || 0] }

/**
 * Evaluate a config right-hand side the config reader could not (a closure, a GString with params):
 * `{ workflow.containerEngine == 'singularity' ? 'x' : 'y' }` is decidable under Docker, params are not.
 */
export function evaluateConfigSource(raw: string): Val {
  let toks
  try { toks = lex(raw, '', true) } catch (e) { if (e instanceof ConfigSyntaxError) return { k: 'unk' }; throw e }
  const sig = toks.filter((t) => t.t !== 'nl')
  const first = sig[0], last = sig[sig.length - 1]
  if (first?.t === 'op' && first.v === '{' && last?.t === 'op' && last.v === '}') {
    const inner = toks.slice(toks.indexOf(first) + 1, toks.lastIndexOf(last))
    if (inner.some((t) => t.t === 'op' && (t.v === '->' || t.v === ';' || t.v === '='))) return { k: 'unk' }   // params or statements
    const { node, next } = parseExpr(inner, raw, 0, true)
    return inner.slice(next).every((t) => t.t === 'nl') ? evaluate(node, dockerScope) : { k: 'unk' }
  }
  const { node, next } = parseExpr(toks, raw, 0, true)
  return toks.slice(next).every((t) => t.t === 'nl') ? evaluate(node, dockerScope) : { k: 'unk' }
}
