// container-expr: parse and evaluate the Groovy expression of a container declaration, as it runs under Docker.
// Three-valued: `workflow.containerEngine` is 'docker'; params, task.ext, method calls are unknown, so
// `'singularity' == engine && unknown` is false while `!= 'singularity' || unknown` is true.
import type { Hole, Tok } from './nf-config-lexer.js'

export type Known = string | number | boolean | null | Known[]
/** A possible string outcome of an unknown value: its literal beginning, and whether that is all of it. */
export interface Alt { prefix: string; exact: boolean }
export type Val = { k: 'known'; v: Known } | { k: 'unk'; alts?: Alt[] }

export type Node =
  | { k: 'lit'; v: Known }
  | { k: 'gstr'; parts: (string | Node)[] }
  | { k: 'path'; names: string[] }
  | { k: 'not'; e: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'tern'; c: Node; a: Node; b: Node }
  | { k: 'elvis'; a: Node; b: Node }
  | { k: 'list'; items: Node[] }
  | { k: 'unk' }

/** Parse one expression from `toks` at `start`; `nested` lets newlines continue it (inside ${}, (), []). */
export function parseExpr(toks: Tok[], start = 0, nested = false): { node: Node; next: number } {
  const p = new Parser(toks, start)
  const node = p.expr(nested)
  return { node, next: p.i }
}

class Parser {
  constructor(readonly toks: Tok[], public i: number) {}
  private skipNl() { while (this.toks[this.i]?.t === 'nl') this.i++ }
  private peekOp(nested: boolean): string | undefined {
    if (nested) this.skipNl()
    const t = this.toks[this.i]
    return t?.t === 'op' || (t?.t === 'id' && (t.v === 'in' || t.v === 'instanceof')) ? t.v : undefined
  }
  expr(nested: boolean): Node {
    const c = this.binary(0, nested)
    const op = this.peekOp(nested)
    if (op === '?') {
      this.i++
      const a = this.expr(true)
      if (this.peekOp(true) !== ':') return { k: 'unk' }
      this.i++
      const b = this.expr(nested)
      return { k: 'tern', c, a, b }
    }
    if (op === '?:') { this.i++; return { k: 'elvis', a: c, b: this.expr(nested) } }
    return c
  }
  private static PREC: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '=~': 3, '==~': 3, in: 4, instanceof: 4, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 }
  private binary(min: number, nested: boolean): Node {
    let a = this.unary(nested)
    for (;;) {
      const op = this.peekOp(nested)
      const prec = op === undefined ? undefined : Parser.PREC[op]
      if (prec === undefined || prec < min) return a
      this.i++
      const b = this.binary(prec + 1, nested)
      a = { k: 'bin', op: op!, a, b }
    }
  }
  private unary(nested: boolean): Node {
    this.skipNl()
    const t = this.toks[this.i]
    if (t?.t === 'op' && t.v === '!') { this.i++; return { k: 'not', e: this.unary(nested) } }
    if (t?.t === 'op' && t.v === '-') { this.i++; this.unary(nested); return { k: 'unk' } }
    return this.postfix(this.primary(), nested)
  }
  private primary(): Node {
    const t = this.toks[this.i++]
    if (!t) return { k: 'unk' }
    if (t.t === 'str') return { k: 'lit', v: t.v }
    if (t.t === 'gstr') return { k: 'gstr', parts: t.parts!.map((p) => typeof p === 'string' ? p : hole(p)) }
    if (t.t === 'num') return { k: 'lit', v: t.n! }
    if (t.t === 'unit') return { k: 'lit', v: t.v }
    if (t.t === 'id') {
      if (t.v === 'true' || t.v === 'false') return { k: 'lit', v: t.v === 'true' }
      if (t.v === 'null') return { k: 'lit', v: null }
      return { k: 'path', names: [t.v] }
    }
    if (t.t === 'op' && t.v === '(') {
      const e = this.expr(true)
      this.skipNl()
      if (this.toks[this.i]?.t === 'op' && this.toks[this.i].v === ')') this.i++
      return e
    }
    if (t.t === 'op' && t.v === '[') return this.list()
    if (t.t === 'op' && t.v === '{') { this.skipBalanced('{', '}'); return { k: 'unk' } }   // a closure: never run
    return { k: 'unk' }
  }
  private list(): Node {
    const items: Node[] = []
    for (;;) {
      this.skipNl()
      const t = this.toks[this.i]
      if (!t) return { k: 'unk' }
      if (t.t === 'op' && t.v === ']') { this.i++; return { k: 'list', items } }
      if (t.t === 'op' && t.v === ',') { this.i++; continue }
      if (t.t === 'op' && t.v === ':') { this.i++; items.push({ k: 'unk' }); continue }   // a map literal: unknown
      const before = this.i
      items.push(this.expr(true))
      if (this.i === before) this.i++
    }
  }
  private postfix(node: Node, nested: boolean): Node {
    for (;;) {
      if (nested) this.skipNl()
      const t = this.toks[this.i]
      if (t?.t !== 'op') return node
      if ((t.v === '.' || t.v === '?.') && this.toks[this.i + 1]?.t === 'id') {
        const name = this.toks[this.i + 1].v
        this.i += 2
        node = node.k === 'path' ? { k: 'path', names: [...node.names, name] } : { k: 'unk' }
        continue
      }
      if (t.v === '(') { this.i++; this.skipBalanced('(', ')'); node = { k: 'unk' }; continue }   // a call
      if (t.v === '[') { this.i++; this.skipBalanced('[', ']'); node = { k: 'unk' }; continue }   // indexing
      return node
    }
  }
  /** Skip to after the bracket closing one already consumed. */
  private skipBalanced(open: string, close: string) {
    let depth = 1
    while (this.i < this.toks.length && depth > 0) {
      const t = this.toks[this.i++]
      if (t.t === 'op' && t.v === open) depth++
      else if (t.t === 'op' && t.v === close) depth--
    }
  }
}

const hole = (h: Hole): Node => 'path' in h ? { k: 'path', names: h.path } : parseExpr(h.toks, 0, true).node

/** Look a property path up: a known value, or undefined for unknown. */
export type Scope = (names: string[]) => Val | undefined

/** The scope of a Docker run: only the container engine is known. */
export const dockerScope: Scope = (names) =>
  names.join('.') === 'workflow.containerEngine' ? { k: 'known', v: 'docker' } : undefined

const unk = (alts?: Alt[]): Val => ({ k: 'unk', alts })
const known = (v: Known): Val => ({ k: 'known', v })
const truthy = (v: Known) => !(v === null || v === false || v === '' || v === 0 || (Array.isArray(v) && v.length === 0))
const eq = (a: Known, b: Known): boolean => Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b

/** What string outcomes a value may have (an unknown without alternatives: anything). */
export function altsOf(v: Val): Alt[] | undefined {
  if (v.k === 'known') return typeof v.v === 'string' ? [{ prefix: v.v, exact: true }] : undefined
  return v.alts
}
function union(a: Val, b: Val): Val {
  const x = altsOf(a), y = altsOf(b)
  return unk(x && y ? dedupe([...x, ...y]) : undefined)
}
const dedupe = (alts: Alt[]) => alts.filter((a, i) => alts.findIndex((b) => b.prefix === a.prefix && b.exact === a.exact) === i)

export function evaluate(n: Node, scope: Scope): Val {
  switch (n.k) {
    case 'lit': return known(n.v)
    case 'list': {
      const items = n.items.map((x) => evaluate(x, scope))
      return items.every((x) => x.k === 'known') ? known(items.map((x) => (x as { v: Known }).v)) : unk()
    }
    case 'path': return scope(n.names) ?? unk()
    case 'unk': return unk()
    case 'not': { const e = evaluate(n.e, scope); return e.k === 'known' ? known(!truthy(e.v)) : unk() }
    case 'gstr': {
      // possible texts so far; an unknown part with alternatives multiplies them, one without ends them
      let alts: Alt[] = [{ prefix: '', exact: true }]
      for (const p of n.parts) {
        const v = typeof p === 'string' ? known(p) : evaluate(p, scope)
        const next = v.k === 'known' ? [{ prefix: v.v === null ? 'null' : String(v.v), exact: true }] : v.alts ?? [{ prefix: '', exact: false }]
        alts = alts.flatMap((a) => a.exact ? next.map((b) => ({ prefix: a.prefix + b.prefix, exact: b.exact })) : [a])
      }
      alts = dedupe(alts)
      return alts.length === 1 && alts[0].exact ? known(alts[0].prefix) : unk(alts)
    }
    case 'tern': {
      const c = evaluate(n.c, scope)
      if (c.k === 'known') return evaluate(truthy(c.v) ? n.a : n.b, scope)
      const a = evaluate(n.a, scope), b = evaluate(n.b, scope)
      if (a.k === 'known' && b.k === 'known' && eq(a.v, b.v)) return a   // identical branches: no choice to make
      return union(a, b)
    }
    case 'elvis': {
      const a = evaluate(n.a, scope)
      if (a.k === 'known') return truthy(a.v) ? a : evaluate(n.b, scope)
      return union(a, evaluate(n.b, scope))
    }
    case 'bin': return binary(n.op, evaluate(n.a, scope), evaluate(n.b, scope))
  }
}

function binary(op: string, a: Val, b: Val): Val {
  if (op === '&&' || op === '||') {
    const stop = op === '||'   // the value that decides alone
    const ta = a.k === 'known' ? truthy(a.v) : undefined, tb = b.k === 'known' ? truthy(b.v) : undefined
    if (ta === stop || tb === stop) return known(stop)
    return ta !== undefined && tb !== undefined ? known(!stop) : unk()
  }
  if (a.k !== 'known' || b.k !== 'known') {
    if (op === '+' && a.k === 'known' && typeof a.v === 'string') return unk([{ prefix: a.v, exact: false }])
    if (op === '+' && a.k === 'unk' && a.alts) return unk(a.alts.map((x) => ({ prefix: x.prefix, exact: false })))
    return unk()
  }
  switch (op) {
    case '==': return known(eq(a.v, b.v))
    case '!=': return known(!eq(a.v, b.v))
    case 'in': return Array.isArray(b.v) ? known(b.v.some((x) => eq(x, a.v))) : unk()
    case '+': return typeof a.v === 'string' || typeof b.v === 'string' ? known(String(a.v) + String(b.v)) : unk()
    default: return unk()
  }
}
