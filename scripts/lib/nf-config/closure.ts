// nf-config-closure: a closure handed to collect/findAll/any/every on a known list is run at config time by Groovy
// (`params.x.split(',').collect{ it.trim() }`), so we run it too when its body is one expression. Closures kept as
// values (process directives) are never run: they stay unresolved.
import { ExprParser, ParseError } from './expr.js'
import { lex } from './lexer.js'
import { ConfigSyntaxError, type Expr, type Value } from './types.js'
import { truthy, type Resolver } from './values.js'

interface Body { param: string; body: Expr }
const parsed = new Map<string, Body | null>()

/** `{ it.trim() }` or `{ x -> x.trim() }` → its parameter and single-expression body; null for anything else */
function parseClosure(src: string): Body | null {
  if (parsed.has(src)) return parsed.get(src)!
  let result: Body | null = null
  try {
    const inner = src.slice(1, -1)
    let toks = lex(inner, 'closure')
    let param = 'it'
    const first = toks.findIndex((t) => t.t !== 'nl')
    if (toks[first]?.t === 'id' && toks[first + 1]?.t === 'op' && toks[first + 1].v === '->') {
      param = toks[first].v
      toks = toks.slice(first + 2)
    }
    const p = new ExprParser(toks, inner)
    p.nlDepth = 1
    const body = p.expr()
    if (p.peek() === undefined) result = { param, body }
  } catch (err) {
    if (!(err instanceof ParseError) && !(err instanceof ConfigSyntaxError)) throw err
  }
  parsed.set(src, result)
  return result
}

/** the result of list.method { closure }, or undefined when it cannot be known */
export function runClosure(
  method: string, list: Value[], closure: Expr, r: Resolver, evaluate: (e: Expr, r: Resolver) => Value,
): Value | undefined {
  if (!['collect', 'findAll', 'any', 'every'].includes(method)) return undefined
  const c = parseClosure(closure.src)
  if (!c) return undefined
  const results: Value[] = []
  for (const item of list) {
    const inner: Resolver = {
      ...r,
      at: (line) => r.at(closure.line + line - 1),
      resolve: (names, e) => {
        if (names[0] !== c.param) return r.resolve(names, e)
        let v: Value = item
        for (const n of names.slice(1)) v = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.hasOwn(v, n) ? (v as Record<string, Value>)[n] : null
        return v
      },
    }
    results.push(evaluate(c.body, inner))
  }
  if (method === 'collect') return results
  const truth = results.map(truthy)
  if (truth.includes(undefined)) return undefined
  if (method === 'findAll') return list.filter((_, i) => truth[i])
  return method === 'any' ? truth.some(Boolean) : truth.every(Boolean)
}
