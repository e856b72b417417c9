// nf-config-values: Groovy's view of config values (truth, toString, equality) and the markers for unknown ones.
import { isUnresolved, type Expr, type Unresolved, type Value } from './types.js'

type Map_ = { [k: string]: Value }

export interface Resolver {
  /** value of an identifier chain such as ['params', 'igenomes_base'] or ['manifest', 'name'] */
  resolve(names: string[], e: Expr): Value
  getenv(name: string): string | null
  at(line: number): string
}

// Unresolved values with a special meaning are instances of these classes: still just {unresolved, at} to callers.
class Closure implements Unresolved {
  constructor(readonly unresolved: string, readonly at: string) {}
}
/** a param read before anything set it: falsy and equal to null in conditions, unknown in strings */
class Missing implements Unresolved {
  constructor(readonly unresolved: string, readonly at: string) {}
}
export const isClosure = (v: Value): boolean => v instanceof Closure
export const isMissing = (v: Value): boolean => v instanceof Missing
export const unresolvedOf = (e: Expr, r: Resolver): Unresolved => ({ unresolved: e.src, at: r.at(e.line) })
export const missingValue = (e: Expr, r: Resolver): Unresolved => new Missing(e.src, r.at(e.line))
export const closureValue = (e: Expr, r: Resolver): Unresolved => new Closure(e.src, r.at(e.line))

export const isMap = (v: Value | undefined): v is Map_ => typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnresolved(v)

/** Groovy truth; undefined when it depends on something unresolved */
export function truthy(v: Value): boolean | undefined {
  if (v === null) return false
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') return v.length > 0
  if (Array.isArray(v)) return v.length > 0
  if (isUnresolved(v)) return isMissing(v) ? false : undefined
  return Object.keys(v).length > 0
}

/** Groovy's toString for interpolation: [a, b], [k:v], null → 'null'; undefined if anything is unresolved */
export function groovyString(v: Value): string | undefined {
  if (v === null) return 'null'
  if (typeof v !== 'object') return String(v)
  if (isUnresolved(v)) return undefined
  const parts = Array.isArray(v) ? v.map(groovyString) : Object.entries(v).map(([k, x]) => { const s = groovyString(x); return s === undefined ? s : `${k}:${s}` })
  if (parts.some((p) => p === undefined)) return undefined
  return Array.isArray(v) ? `[${parts.join(', ')}]` : parts.length ? `[${parts.join(', ')}]` : '[:]'
}

export function hasUnresolved(v: Value): boolean {
  if (typeof v !== 'object' || v === null) return false
  if (isUnresolved(v)) return true
  return (Array.isArray(v) ? v : Object.values(v)).some(hasUnresolved)
}

export function deepEqual(a: Value, b: Value): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Map_)[k], (b as Map_)[k]))
}

/** set a map key without letting '__proto__' or 'constructor' touch the prototype */
export function setKey(m: Map_, k: string, v: Value) {
  Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true })
}

export function cast(v: Value, type: string): Value | undefined {
  if (type === 'String') return groovyString(v)
  if (['int', 'Integer', 'long', 'Long'].includes(type)) {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN
    return Number.isNaN(n) ? undefined : Math.trunc(n)
  }
  if (type === 'boolean' || type === 'Boolean') return truthy(v)
  return undefined
}
