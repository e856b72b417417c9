// nf-config-eval: evaluates config expressions with Groovy's semantics, or says they cannot be known statically.
import {
  cast, closureValue, deepEqual, groovyString, hasUnresolved, isMap, isMissing, setKey, truthy, unresolvedOf, type Resolver,
} from './values.js'
import { runClosure } from './closure.js'
import { callMethod } from './methods.js'
import type { Expr, Value } from './types.js'

type Map_ = { [k: string]: Value }

export function evaluate(e: Expr, r: Resolver): Value {
  switch (e.k) {
    case 'lit': return e.v
    case 'gstr': {
      let out = ''
      for (const p of e.parts) {
        const s = typeof p === 'string' ? p : groovyString(evaluate(p, r))
        if (s === undefined) return unresolvedOf(e, r)
        out += s
      }
      return out
    }
    case 'id': return r.resolve([e.name], e)
    case 'prop': {
      const names = chain(e)
      if (names) return r.resolve(names, e)
      return property(evaluate(e.obj, r), e.name, e.safe, e, r)
    }
    case 'index': {
      const obj = evaluate(e.obj, r)
      const key = evaluate(e.index, r)
      if (isMap(obj) && (typeof key === 'string' || typeof key === 'number')) return Object.hasOwn(obj, key) ? obj[key] : null
      if (isMap(obj) && key === null) return null  // params.genomes[params.genome] with no genome
      if (Array.isArray(obj) && typeof key === 'number') return obj[key < 0 ? obj.length + key : key] ?? null
      return unresolvedOf(e, r)
    }
    case 'call': return call(e, r)
    case 'list': return e.items.map((x) => evaluate(x, r))
    case 'map': {
      const m: Map_ = {}
      for (const [k, v] of e.entries) {
        const key = groovyString(evaluate(k, r))
        if (key === undefined) return unresolvedOf(e, r)
        setKey(m, key, evaluate(v, r))
      }
      return m
    }
    case 'closure': return closureValue(e, r)
    case 'unary': {
      const v = evaluate(e.e, r)
      if (e.op === '!') {
        const t = truthy(v)
        return t === undefined ? unresolvedOf(e, r) : !t
      }
      if (typeof v === 'number' && (e.op === '-' || e.op === '+')) return e.op === '-' ? -v : v
      return unresolvedOf(e, r)
    }
    case 'tern': {
      const c = evaluate(e.c, r)
      const t = truthy(c)
      if (t === true) return e.a ? evaluate(e.a, r) : c
      if (t === false) return evaluate(e.b, r)
      const a = e.a ? evaluate(e.a, r) : c
      const b = evaluate(e.b, r)
      return !hasUnresolved(a) && deepEqual(a, b) ? a : unresolvedOf(e, r)  // both branches agree: no need to decide
    }
    case 'bin': return binary(e, evaluate(e.l, r), e.op === '&&' || e.op === '||' ? null : evaluate(e.r, r), r)
    case 'opaque': return unresolvedOf(e, r)
  }
}

/** ['params', 'x'] for params.x; null when the chain does not start at a plain identifier */
function chain(e: Expr): string[] | null {
  if (e.k === 'id') return [e.name]
  if (e.k !== 'prop') return null
  const head = chain(e.obj)
  return head && [...head, e.name]
}

export function property(obj: Value, name: string, safe: boolean, e: Expr, r: Resolver): Value {
  if (obj === null && safe) return null
  if (isMap(obj)) return Object.hasOwn(obj, name) ? obj[name] : null
  return unresolvedOf(e, r)
}

function binary(e: Expr & { k: 'bin' }, l: Value, rv: Value, r: Resolver): Value {
  const u = () => unresolvedOf(e, r)
  if (e.op === '&&' || e.op === '||') {
    const lt = truthy(l)
    if (lt === (e.op === '||')) return lt
    const rt = truthy(evaluate(e.r, r))
    if (rt === (e.op === '||')) return rt
    return lt === undefined || rt === undefined ? u() : rt
  }
  const nul = (v: Value) => (isMissing(v) ? null : v)
  if (e.op === '==' || e.op === '!=') {
    if (hasUnresolved(nul(l)) || hasUnresolved(nul(rv))) return u()
    return deepEqual(nul(l), nul(rv)) === (e.op === '==')
  }
  if (hasUnresolved(l) || hasUnresolved(rv)) return u()
  switch (e.op) {
    case 'in':
      if (Array.isArray(rv)) return rv.some((x) => deepEqual(x, l))
      if (isMap(rv) && typeof l === 'string') return Object.hasOwn(rv, l)
      return u()
    case 'as': return cast(l, rv as string) ?? u()
    case '&': case '|': case '^':
      if (typeof l === 'boolean' && typeof rv === 'boolean') return e.op === '&' ? l && rv : e.op === '|' ? l || rv : l !== rv
      return u()
    case '+':
      if (typeof l === 'string' || typeof rv === 'string') return groovyString(l)! + groovyString(rv)!
      if (typeof l === 'number' && typeof rv === 'number') return l + rv
      if (Array.isArray(l)) return Array.isArray(rv) ? [...l, ...rv] : [...l, rv]
      if (isMap(l) && isMap(rv)) return { ...l, ...rv }
      return u()
    case '-': case '*': case '/': case '%': case '<': case '>': case '<=': case '>=':
      if (typeof l === 'number' && typeof rv === 'number') return arith(e.op, l, rv) ?? u()
      if (typeof l === 'string' && typeof rv === 'string' && /^[<>]/.test(e.op)) return arith(e.op, l < rv ? -1 : l > rv ? 1 : 0, 0) ?? u()
      if (e.op === '*' && typeof l === 'string' && typeof rv === 'number') return l.repeat(Math.max(0, rv))
      return u()
  }
  return u()
}

function arith(op: string, a: number, b: number): Value | undefined {
  switch (op) {
    case '-': return a - b
    case '*': return a * b
    case '/': return b === 0 ? undefined : a / b
    case '%': return b === 0 ? undefined : a % b
    case '<': return a < b
    case '>': return a > b
    case '<=': return a <= b
    case '>=': return a >= b
  }
  return undefined
}

// Methods on plain values (nf-config/methods.ts); System.getenv and anything unknown are handled here.
function call(e: Expr & { k: 'call' }, r: Resolver): Value {
  const u = () => unresolvedOf(e, r)
  if (e.obj !== null && e.args.length === 1 && e.args[0].k === 'closure') {
    const list = evaluate(e.obj, r)
    const v = Array.isArray(list) && !hasUnresolved(list) ? runClosure(e.name, list, e.args[0], r, evaluate) : undefined
    return v === undefined || hasUnresolved(v) ? u() : v
  }
  const args = e.args.map((a) => evaluate(a, r))
  const str = (i: number) => (typeof args[i] === 'string' ? (args[i] as string) : undefined)
  const isGetenv = e.obj === null ? e.name === 'env' : e.obj.k === 'id' && e.obj.name === 'System' && e.name === 'getenv'
  if (isGetenv) return args.length === 1 && str(0) !== undefined ? r.getenv(str(0)!) : u()
  if (e.obj === null || args.some(hasUnresolved)) return u()
  const v = evaluate(e.obj, r)
  if (v === null && e.obj.k === 'prop' && e.obj.safe) return null
  return callMethod(v, e.name, args) ?? u()
}
