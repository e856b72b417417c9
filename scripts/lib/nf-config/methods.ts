// nf-config-methods: the Groovy methods configs and container directives call on plain values (strings, lists, maps).
// One table for both readers: the config evaluator and the container-directive evaluator under Docker.
import { cast, deepEqual, groovyString, hasUnresolved, isMap } from './values.js'
import type { Value } from './types.js'

/**
 * `v.name(args)` on a known value, as Groovy returns it; undefined when the method is not modelled or an argument
 * is not what it needs (the caller treats that as unknown, never as a value).
 */
export function callMethod(v: Value, name: string, args: Value[]): Value | undefined {
  if (hasUnresolved(v) || args.some(hasUnresolved)) return undefined
  const str = (i: number) => (typeof args[i] === 'string' ? (args[i] as string) : undefined)
  // Groovy's null is an object too: `System.getenv('CI').equals(null)` is true when CI is unset
  if (name === 'equals' && args.length === 1) return deepEqual(v, args[0])
  if (name === 'toString' && !args.length) return groovyString(v)
  if (typeof v === 'string') {
    switch (name) {
      case 'trim': return v.trim()
      case 'toLowerCase': return v.toLowerCase()
      case 'toUpperCase': return v.toUpperCase()
      case 'size': case 'length': return v.length
      case 'isEmpty': return v.length === 0
      case 'toInteger': return cast(v, 'int')
      case 'contains': return str(0) === undefined ? undefined : v.includes(str(0)!)
      case 'startsWith': return str(0) === undefined ? undefined : v.startsWith(str(0)!)
      case 'endsWith': return str(0) === undefined ? undefined : v.endsWith(str(0)!)
      case 'replace': return str(0) === undefined || str(1) === undefined ? undefined : v.split(str(0)!).join(str(1)!)
      case 'split': {
        // Java's String.split: a regex, trailing empty strings dropped
        const parts = args.length ? (str(0) === undefined ? undefined : v.split(new RegExp(str(0)!))) : v.trim().split(/\s+/)
        if (!parts) return undefined
        while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop()
        return parts
      }
      case 'tokenize': return v.split(new RegExp(`[${(str(0) ?? ' \t\n\r\f').replace(/[\]\\^-]/g, '\\$&')}]`)).filter(Boolean)
    }
  }
  if (Array.isArray(v)) {
    switch (name) {
      case 'size': return v.length
      case 'isEmpty': return v.length === 0
      case 'contains': return v.some((x) => deepEqual(x, args[0]))
      case 'join': return v.map(groovyString).join(str(0) ?? '')
      case 'first': return v.length ? v[0] : undefined
      case 'last': return v.length ? v[v.length - 1] : undefined
    }
  }
  if (isMap(v)) {
    switch (name) {
      case 'size': return Object.keys(v).length
      case 'isEmpty': return Object.keys(v).length === 0
      case 'containsKey': return str(0) === undefined ? undefined : Object.hasOwn(v, str(0)!)
      case 'get': return str(0) === undefined ? undefined : Object.hasOwn(v, str(0)!) ? v[str(0)!] : null
    }
  }
  return undefined
}
