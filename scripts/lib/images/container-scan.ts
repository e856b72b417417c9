// container-scan: find the container declarations of a .nf file and evaluate each as Nextflow would under Docker.
import { altsOf, and, dockerScope, evaluate, not, parseExpr, union, type Scope, type Val } from './container-expr.js'
import { lex, type Tok } from '../nf-config/lexer.js'
import { afterMatching, isId, isOp, nextSig } from '../nf-config/tokens.js'
import { ConfigSyntaxError, type Expr } from '../nf-config/types.js'

/** One container declaration that applies under Docker: its value (known, or unknown with possible prefixes). */
export interface Found {
  line: number
  /** the declaration as written, whitespace collapsed */
  text: string
  value: Val
  /** why it could not be decided (an if, a variable with several values...) */
  notes: string[]
}

const STATEMENT_START = new Set(['{', '}', ';'])
/** The text of a declaration on one line: whitespace runs collapsed. */
export const collapse = (s: string) => s.replace(/\s+/g, ' ').trim()

/** Does token `i` begin a statement? (start of file, after a newline, `{`, `}` or `;`) */
function atStatementStart(toks: Tok[], i: number): boolean {
  const p = toks[i - 1]
  return !p || p.t === 'nl' || (p.t === 'op' && STATEMENT_START.has(p.v))
}

/** Every `container ...` directive of a .nf file (empty when the word does not even occur). */
export function scanNf(src: string): Found[] {
  if (!/\bcontainer\b/.test(src)) return []
  // Directives sit above `input:`; reading only that head of the file (not the scripts below) is much
  // faster. The whole file is read when a directive uses a variable that may be assigned further down.
  const cut = headEnd(src)
  if (cut < src.length) {
    try {
      const missing = { variable: false }
      const found = scanTokens(src, lex(src.slice(0, cut), '', true), missing)
      if (!missing.variable) return found
    } catch (e) { if (!(e instanceof ConfigSyntaxError)) throw e }
  }
  try { return scanTokens(src, lex(src, '', true), { variable: false }) } catch (e) {
    if (!(e instanceof ConfigSyntaxError)) throw e
    return fallback(src, e)
  }
}

/** Where the head of the file ends: the first section label (`input:`, `script:`...) after the last directive line. */
function headEnd(src: string): number {
  let last = 0
  for (const m of src.matchAll(/^[ \t]*container\b/gm)) last = m.index!
  const label = /^[ \t]*(input|output|script|shell|exec|stub|when)[ \t]*:/gm
  label.lastIndex = last
  const m = label.exec(src)
  return m ? m.index : src.length
}

function scanTokens(src: string, toks: Tok[], missing: { variable: boolean }): Found[] {
  const vars = collectVars(src, toks)
  const scopeWith = (v: Map<string, Expr[]>, notes: string[]) => varScope(v, notes, missing)
  const out: Found[] = []
  const frames: { cond?: Val; chain?: Val[] }[] = []   // one per open `{`; if/else blocks carry their condition
  let pending: { cond: Val; chain: Val[] } | undefined
  let closedChain: Val[] | undefined
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]
    if (t.t === 'nl') continue
    if (pending && !isOp(t, '{')) pending = undefined   // `if (x) stmt` without braces guards nothing we track
    if (isId(t, 'if') && isOp(toks[nextSig(toks, i + 1)], '(')) {
      const prior = isId(prevSig(toks, i), 'else') ? closedChain ?? [] : []
      const open = nextSig(toks, i + 1)
      const c = evaluate(parseExpr(toks, src, open + 1, true).node, scopeWith(vars, []))
      pending = { cond: and([...prior.map(not), c]), chain: [...prior, c] }
      i = closing(toks, open)
      continue
    }
    if (isId(t, 'else') && isOp(toks[nextSig(toks, i + 1)], '{')) {
      pending = { cond: and((closedChain ?? []).map(not)), chain: [] }
      continue
    }
    if (isOp(t, '{')) { frames.push(pending ? { cond: pending.cond, chain: pending.chain } : {}); pending = undefined; continue }
    if (isOp(t, '}')) { const f = frames.pop(); closedChain = f?.chain; continue }
    if (isId(t, 'container') && atStatementStart(toks, i) && startsValue(toks[i + 1])) {
      const notes: string[] = []
      const { node, next } = parseExpr(toks, src, i + 1, false)
      let value = evaluate(node, scopeWith(vars, notes))
      const guard = and(frames.filter((f) => f.cond).map((f) => f.cond!))
      i = next - 1
      if (guard.k === 'known' && !guard.v) continue   // a branch Docker never takes
      if (guard.k !== 'known') { value = { k: 'unk', alts: altsOf(value) }; notes.push('inside an if that cannot be decided') }
      out.push({ line: t.line, text: collapse(src.slice(t.s, toks[next - 1].e)), value, notes })
    }
  }
  return out
}

/** Index of the `)` matching the `(` at `open`. */
const closing = (toks: Tok[], open: number) => afterMatching(toks, open, '(', ')') - 1

const startsValue = (t: Tok | undefined) => !!t && (t.t === 'str' || t.t === 'gstr' || t.t === 'id' || isOp(t, '('))
function prevSig(toks: Tok[], i: number): Tok | undefined { for (let k = i - 1; k >= 0; k--) if (toks[k].t !== 'nl') return toks[k]; return undefined }

/** Local variables (`x = ...`, `def x = ...`) by name, every assignment in the file. */
function collectVars(src: string, toks: Tok[]): Map<string, Expr[]> {
  const vars = new Map<string, Expr[]>()
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]
    if (t.t !== 'id' || !isOp(toks[i + 1], '=')) continue
    if (!atStatementStart(toks, i) && !isId(toks[i - 1], 'def')) continue
    const { node } = parseExpr(toks, src, i + 2, false)
    vars.set(t.v, [...(vars.get(t.v) ?? []), node])
  }
  return vars
}

/** Docker's scope plus the file's variables: a variable is known only if every assignment gives one same value. */
function varScope(vars: Map<string, Expr[]>, notes: string[], missing: { variable: boolean }, depth = 0): Scope {
  return (names) => {
    const base = dockerScope(names)
    if (base || names.length !== 1 || depth > 3) return base
    const nodes = vars.get(names[0])
    if (!nodes) { missing.variable = true; return undefined }
    const vals = nodes.map((n) => evaluate(n, varScope(vars, notes, missing, depth + 1)))
    const shown = vals.map((v) => v.k === 'known' ? JSON.stringify(v.v) : '?')
    if (vals.every((v) => v.k === 'known' && JSON.stringify(v.v) === JSON.stringify((vals[0] as { v: unknown }).v))) return vals[0]
    notes.push(`${names[0]} is assigned ${vals.length} values: ${[...new Set(shown)].join(' | ')}`)
    return vals.slice(1).reduce(union, vals[0])
  }
}

/** A file we cannot tokenize: report each line that looks like a directive, never guess its value. */
function fallback(src: string, e: ConfigSyntaxError): Found[] {
  return src.split('\n').flatMap((l, i) => /^\s*container\s+\S/.test(l)
    ? [{ line: i + 1, text: collapse(l), value: { k: 'unk' } as Val, notes: [`could not read the file (${e.reason} at line ${e.line})`] }]
    : [])
}
