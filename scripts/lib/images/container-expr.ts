// container-expr: parse and evaluate the Groovy expression of a container declaration, as it runs under Docker.
// Three-valued: `workflow.containerEngine` is 'docker'; params and task.ext are unknown, so
// `'singularity' == engine && unknown` is false while `!= 'singularity' || unknown` is true. An unknown keeps the
// strings it may be (each literal branch of an undecided ternary): those are images Docker may pull.
import { ExprParser, ParseError } from '../nf-config/expr.js'
import { callMethod } from '../nf-config/methods.js'
import { truthy as groovyTruth } from '../nf-config/values.js'
import type { Tok } from '../nf-config/lexer.js'
import type { Expr } from '../nf-config/types.js'

export type Known = string | number | boolean | null | Known[]
/** A possible string outcome of an unknown value: its literal beginning, and whether that is all of it. */
export interface Alt { prefix: string; exact: boolean }
/** An unknown's `alts`: every string it may be; none given means it may be anything. */
export type Val = { k: 'known'; v: Known } | { k: 'unk'; alts?: Alt[] }

/** Parse one expression from `toks` at `start` with the config reader's parser; `nested` lets newlines continue
 * it (inside ${}, (), []). What it cannot parse is unknown, up to the end of the line (or of the tokens). */
export function parseExpr(toks: Tok[], text: string, start = 0, nested = false): { node: Expr; next: number } {
  const p = new ExprParser(toks, text)
  p.i = start
  p.nlDepth = nested ? 1 : 0
  try {
    const node = p.expr()
    return { node, next: p.i }
  } catch (e) {
    if (!(e instanceof ParseError)) throw e
    let next = start + 1
    if (!nested) while (next < toks.length && toks[next].t !== 'nl') next++
    else next = toks.length
    return { node: { k: 'opaque', src: '', line: toks[start]?.line ?? 0 }, next: Math.min(next, toks.length) }
  }
}

/** Look a property path up: a known value, or undefined for unknown. */
export type Scope = (names: string[]) => Val | undefined

/** The scope of a Docker run: only the container engine is known. */
export const dockerScope: Scope = (names) =>
  names.join('.') === 'workflow.containerEngine' ? { k: 'known', v: 'docker' } : undefined

const unk = (alts?: Alt[]): Val => ({ k: 'unk', alts })
const known = (v: Known): Val => ({ k: 'known', v })
/** Groovy truth (one rule for the toolkit: nf-config/values.ts); a known value always has one. */
const truthy = (v: Known) => groovyTruth(v) === true
/** Three-valued NOT, and AND of conditions (empty: true). */
export const not = (v: Val): Val => v.k === 'known' ? known(!truthy(v.v)) : unk()
export function and(conds: Val[]): Val {
  if (conds.some((c) => c.k === 'known' && !truthy(c.v))) return known(false)
  return conds.every((c) => c.k === 'known') ? known(true) : unk()
}
const eq = (a: Known, b: Known): boolean => Array.isArray(a) || Array.isArray(b) ? JSON.stringify(a) === JSON.stringify(b) : a === b

/** Anything at all: a text with no known beginning. */
export const ANYTHING: Alt = { prefix: '', exact: false }

/** The strings a value may be: a known string, none for null (no container), anything for what is not known. */
export function altsOf(v: Val): Alt[] {
  if (v.k === 'known') return typeof v.v === 'string' ? [{ prefix: v.v, exact: true }] : v.v === null ? [] : [ANYTHING]
  return v.alts ?? [ANYTHING]
}
/** Either of two values: an unknown that may be any string either may be. */
export function union(a: Val, b: Val): Val {
  return unk(dedupe([...altsOf(a), ...altsOf(b)]))
}
const dedupe = (alts: Alt[]) => alts.filter((a, i) => alts.findIndex((b) => b.prefix === a.prefix && b.exact === a.exact) === i)

/** `a.b.c` (also `a?.b`) as names; undefined for anything else */
function pathOf(n: Expr): string[] | undefined {
  if (n.k === 'id') return [n.name]
  if (n.k !== 'prop') return undefined
  const obj = pathOf(n.obj)
  return obj && [...obj, n.name]
}

export function evaluate(n: Expr, scope: Scope): Val {
  switch (n.k) {
    case 'lit': return known(n.v as Known)
    case 'list': {
      const items = n.items.map((x) => evaluate(x, scope))
      return items.every((x) => x.k === 'known') ? known(items.map((x) => (x as { v: Known }).v)) : unk()
    }
    case 'id': case 'prop': { const names = pathOf(n); return (names && scope(names)) ?? unk() }
    case 'unary': return n.op === '!' ? not(evaluate(n.e, scope)) : unk()
    case 'gstr': {
      // possible texts so far; an unknown part with alternatives multiplies them, one without ends them
      let alts: Alt[] = [{ prefix: '', exact: true }]
      for (const p of n.parts) {
        const v = typeof p === 'string' ? known(p) : evaluate(p, scope)
        const next = v.k === 'known' ? [{ prefix: v.v === null ? 'null' : String(v.v), exact: true }] : altsOf(v)
        alts = alts.flatMap((a) => a.exact ? next.map((b) => ({ prefix: a.prefix + b.prefix, exact: b.exact })) : [a])
      }
      alts = dedupe(alts)
      return alts.length === 1 && alts[0].exact ? known(alts[0].prefix) : unk(alts)
    }
    case 'tern': {
      const c = evaluate(n.c, scope)
      if (n.a === null) {   // elvis: a ?: b
        if (c.k === 'known') return truthy(c.v) ? c : evaluate(n.b, scope)
        return union(c, evaluate(n.b, scope))
      }
      if (c.k === 'known') return evaluate(truthy(c.v) ? n.a : n.b, scope)
      const a = evaluate(n.a, scope), b = evaluate(n.b, scope)
      if (a.k === 'known' && b.k === 'known' && eq(a.v, b.v)) return a   // identical branches: no choice to make
      return union(a, b)
    }
    case 'bin': return binary(n.op, evaluate(n.l, scope), evaluate(n.r, scope))
    case 'call': {
      // a method of a known value (`['singularity', 'apptainer'].contains(workflow.containerEngine)`); free calls never run
      const obj = n.obj && evaluate(n.obj, scope), args = n.args.map((a) => evaluate(a, scope))
      if (!obj || obj.k !== 'known' || args.some((a) => a.k !== 'known')) return unk()
      const v = callMethod(obj.v, n.name, args.map((a) => (a as { v: Known }).v))
      return v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v)) ? unk() : known(v as Known)
    }
    default: return unk()   // indexing, maps, closures: never run
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
    if (op === '+' && a.k === 'unk') return unk(altsOf(a).map((x) => ({ prefix: x.prefix, exact: false })))
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
