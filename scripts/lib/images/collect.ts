// images: every Docker image a pipeline can use under `-profile docker`, from its .nf files and the configs Nextflow loads.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { altsOf, dockerScope, evaluate, parseExpr, type Val } from './container-expr.js'
import { lex } from '../nf-config/lexer.js'
import { ConfigSyntaxError } from '../nf-config/types.js'
import { scanNf, type Found } from './container-scan.js'
import { qualifyImage, registryOfPrefix } from './image-ref.js'

export interface ImageEntry { image: string; registry: string; declared_in: string[] }
export interface UnresolvedDecl {
  at: string
  text: string
  /** the registry it would come from, when the text says so even though the rest is unknown */
  registry?: string
  /** the images it may be, when there are a few known ones */
  candidates?: string[]
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

/** Directories never part of the pipeline's code (run leftovers, VCS). */
const SKIP = new Set(['node_modules', '.git', 'work', '.nextflow', 'results'])

/** Every `*.nf` below `dir`, relative, sorted; a plain walk (no glob library) keeps start-up short. */
export function nfFiles(dir: string, rel = ''): string[] {
  const out: string[] = []
  for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory() && !SKIP.has(e.name)) out.push(...nfFiles(dir, path))
    else if (e.isFile() && e.name.endsWith('.nf')) out.push(path)
  }
  return rel ? out : out.sort()
}

/** Scan `dir` (a staged pipeline): .nf declarations plus config ones, resolved with the pipeline's docker.registry. */
export function collectImages(dir: string, config: ConfigView): ImageReport {
  const found: { at: string; f: Found }[] = []
  for (const file of nfFiles(dir)) {
    for (const f of scanNf(readFileSync(`${dir}/${file}`, 'utf8'))) found.push({ at: `${file}:${f.line}`, f })
  }
  for (const c of config.containers) found.push({ at: c.at, f: { line: 0, text: `container = ${collapse(c.raw)}`, value: c.value, notes: [] } })
  return { ...buildReport(found, config.dockerRegistry), problems: config.problems }
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim()

/** Group resolved declarations by qualified image; everything else is listed as unresolved. */
export function buildReport(found: { at: string; f: Found }[], dockerRegistry: string | undefined): ImageReport {
  const byImage = new Map<string, ImageEntry>()
  const unresolved: UnresolvedDecl[] = []
  for (const { at, f } of found) {
    const v = f.value
    if (v.k === 'known' && typeof v.v === 'string' && v.v.trim()) {
      const q = qualifyImage(v.v, dockerRegistry)
      const e = byImage.get(q.image) ?? { ...q, declared_in: [] }
      if (!e.declared_in.includes(at)) e.declared_in.push(at)
      byImage.set(q.image, e)
      continue
    }
    if (v.k === 'known' && (v.v === null || v.v === '')) continue   // `container null`: no container at all
    unresolved.push(describeUnresolved(at, f, dockerRegistry))
  }
  const images = [...byImage.values()].sort((a, b) => a.image < b.image ? -1 : a.image > b.image ? 1 : 0)
  for (const e of images) e.declared_in.sort(byLocation)
  unresolved.sort((a, b) => byLocation(a.at, b.at))
  return { images, unresolved, dockerRegistry }
}

function describeUnresolved(at: string, f: Found, dockerRegistry: string | undefined): UnresolvedDecl {
  const alts = altsOf(f.value)
  const out: UnresolvedDecl = { at, text: f.notes.length ? `${f.text} (${f.notes.join('; ')})` : f.text }
  if (alts && alts.length) {
    const regs = alts.map((a) => registryOfPrefix(a.prefix, a.exact, dockerRegistry))
    if (regs.every((r) => r && r === regs[0])) out.registry = regs[0]
    if (alts.every((a) => a.exact && a.prefix.trim())) out.candidates = [...new Set(alts.map((a) => qualifyImage(a.prefix, dockerRegistry).image))].sort()
  }
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
