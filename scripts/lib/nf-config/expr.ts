// nf-config-expr: Groovy expressions of Nextflow configs → Expr trees (precedence climbing over lexer tokens).
import type { Hole, Tok } from './lexer.js'
import { ParseError, TokenStream, type Node } from './tokens.js'
import type { Expr } from './types.js'

export { ParseError }

// binary operators by precedence level, loosest first
const BINARY: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!=', '=~', '==~', '<=>'], ['<', '>', '<=', '>=', 'in', 'instanceof', 'as'],
  ['..', '..<'], ['<<', '>>'], ['+', '-'], ['*', '/', '%']]
const LEVEL = new Map(BINARY.flatMap((ops, level) => ops.map((o) => [o, level] as const)))
const WORD_OPS = new Set(['in', 'instanceof', 'as'])

export class ExprParser extends TokenStream {
  expr(): Expr {
    const start = this.peek()
    if (!start) throw new ParseError(this.lastLine(), 'expected an expression')
    const c = this.binary(0)
    const op = this.aheadOp()
    if (op === '?:') {
      this.skipNl()
      this.i++
      this.skipNl()
      return this.node({ k: 'tern', c, a: null, b: this.expr() }, start)
    }
    if (op === '?') {
      this.skipNl()
      this.i++
      this.skipNl()
      const a = this.expr()
      if (this.aheadOp() !== ':') throw new ParseError(this.lastLine(), "expected ':' in a ternary")
      this.skipNl()
      this.i++
      this.skipNl()
      return this.node({ k: 'tern', c, a, b: this.expr() }, start)
    }
    return c
  }

  /** precedence climbing: operators of level >= min, all left-associative */
  binary(min: number): Expr {
    const start = this.peek()!
    let l = this.unary()
    for (;;) {
      const op = this.binaryOp(min)
      if (!op) return l
      const t = this.next()
      this.skipNl()
      if (op === 'as' || op === 'instanceof') {
        const type = this.typeName()
        l = this.node({ k: 'bin', op, l, r: { k: 'lit', v: type, src: type, line: t.line } }, start)
      } else {
        l = this.node({ k: 'bin', op, l, r: this.binary(LEVEL.get(op)! + 1) }, start)
      }
    }
  }

  /** the next binary operator if its level is >= min (`&&`, `||` may start the next line) */
  binaryOp(min: number): string | undefined {
    const t = this.peek()
    if (!t) return undefined
    if (t.t === 'nl') {
      let j = this.i
      while (this.toks[j]?.t === 'nl') j++
      const u = this.toks[j]
      if (u?.t !== 'op' || (u.v !== '&&' && u.v !== '||') || LEVEL.get(u.v)! < min) return undefined
      this.i = j
      return u.v
    }
    if (t.t === 'op' || (t.t === 'id' && WORD_OPS.has(t.v))) {
      const level = LEVEL.get(t.v)
      return level !== undefined && level >= min ? t.v : undefined
    }
    return undefined
  }

  typeName(): string {
    let name = this.next().v
    while (this.isOp('.') && this.toks[this.i + 1]?.t === 'id') name += '.' + (this.next(), this.next().v)
    if (this.isOp('[') && this.isOp(']', this.toks[this.i + 1])) name += (this.next(), this.next(), '[]')
    return name
  }

  unary(): Expr {
    const t = this.peek()
    if (t?.t === 'op' && ['!', '-', '+', '~', '++', '--'].includes(t.v)) {
      this.next()
      return this.node({ k: 'unary', op: t.v, e: this.unary() }, t)
    }
    const start = this.peek()!
    const base = this.postfix()
    if (this.isOp('**')) {
      this.next()
      return this.node({ k: 'bin', op: '**', l: base, r: this.unary() }, start)
    }
    return base
  }

  postfix(): Expr {
    const start = this.peek()!
    let e = this.primary()
    for (;;) {
      const op = this.aheadOp()
      if (op === '.' || op === '?.' || op === '*.') {
        this.skipNl()
        this.i++
        const nameTok = this.next()
        if (nameTok.t !== 'id' && nameTok.t !== 'str') throw new ParseError(nameTok.line, `unexpected '${nameTok.v}' after '.'`)
        const after = this.toks[this.i]
        if (after?.line === nameTok.line && after.t === 'op' && after.v === '(') {
          e = this.node({ k: 'call', obj: e, name: nameTok.v, args: this.args() }, start)
        } else if (after?.line === nameTok.line && after.t === 'op' && after.v === '{') {
          e = this.node({ k: 'call', obj: e, name: nameTok.v, args: [this.closure()] }, start)
        } else {
          e = this.node({ k: 'prop', obj: e, name: nameTok.v, safe: op === '?.' }, start)
        }
      } else if ((op === '(' || op === '[') && this.toks[this.i].line === this.toks[this.i - 1].line) {
        if (op === '(') {
          const args = this.args()
          e = e.k === 'id' ? this.node({ k: 'call', obj: null, name: e.name, args }, start) : this.node({ k: 'opaque' }, start)
        } else {
          this.i++
          this.nlDepth++
          const index = this.expr()
          this.expect(']')
          this.nlDepth--
          e = this.node({ k: 'index', obj: e, index }, start)
        }
      } else if (op === '.&' || op === '++' || op === '--') {
        this.i++
        if (op === '.&' && this.peek()?.t === 'id') this.i++
        e = this.node({ k: 'opaque' }, start)
      } else {
        return e
      }
    }
  }

  /** ( a, b, name: c ) plus a trailing closure; named arguments become one map */
  args(): Expr[] {
    this.nlDepth++
    this.expect('(')
    const out: Expr[] = []
    while (!this.isOp(')')) {
      out.push(this.entryOrExpr())
      if (!this.isOp(')')) this.expect(',')
    }
    this.i++
    if (this.isOp('{', this.toks[this.i])) out.push(this.closure())
    this.nlDepth--
    return out
  }

  entryOrExpr(): Expr {
    const t = this.peek()!
    if ((t.t === 'id' || t.t === 'str') && this.isOp(':', this.toks[this.i + 1])) {
      this.i += 2
      const v = this.expr()
      return this.node({ k: 'map', entries: [[{ k: 'lit', v: t.v, src: t.v, line: t.line }, v]] }, t)
    }
    return this.expr()
  }

  primary(): Expr {
    const t = this.next()
    switch (t.t) {
      case 'num': return this.node({ k: 'lit', v: t.n! }, t)
      case 'unit': case 'str': return this.node({ k: 'lit', v: t.v }, t)
      case 'gstr': return this.node({ k: 'gstr', parts: t.parts!.map((p) => (typeof p === 'string' ? p : this.hole(p))) }, t)
      case 'id':
        if (t.v === 'true' || t.v === 'false') return this.node({ k: 'lit', v: t.v === 'true' }, t)
        if (t.v === 'null') return this.node({ k: 'lit', v: null }, t)
        if (t.v === 'new') {
          this.typeName()
          if (this.isOp('(')) this.args()
          return this.node({ k: 'opaque' }, t)
        }
        return this.node({ k: 'id', name: t.v }, t)
      case 'op':
        if (t.v === '(') {
          this.nlDepth++
          const e = this.expr()
          this.expect(')')
          this.nlDepth--
          return e
        }
        if (t.v === '[') return this.listOrMap(t)
        if (t.v === '{') {
          this.i--
          return this.closure()
        }
    }
    throw new ParseError(t.line, `unexpected '${t.v}'`)
  }

  listOrMap(open: Tok): Expr {
    return this.inside(() => {
      if (this.isOp(':')) {
        this.next()
        this.expect(']')
        return this.node({ k: 'map', entries: [] }, open)
      }
      const items: Expr[] = []
      const entries: [Expr, Expr][] = []
      while (!this.isOp(']')) {
        const t = this.peek()!
        if ((t.t === 'id' || t.t === 'str' || t.t === 'num' || t.t === 'gstr') && this.isOp(':', this.toks[this.i + 1])) {
          const key = t.t === 'gstr' ? this.primary() : this.node({ k: 'lit', v: t.t === 'num' ? t.n! : t.v }, (this.i++, t))
          this.next()
          entries.push([key, this.expr()])
        } else if (this.isOp('(') && entries.length > 0) {
          const key = this.primary()
          this.expect(':')
          entries.push([key, this.expr()])
        } else {
          items.push(this.expr())
        }
        if (!this.isOp(']')) this.expect(',')
      }
      this.next()
      if (entries.length && items.length) throw new ParseError(open.line, 'a list cannot mix values and key: value entries')
      return entries.length ? this.node({ k: 'map', entries }, open) : this.node({ k: 'list', items }, open)
    })
  }

  /** { ... } kept as text: its tokens are only balanced, never parsed */
  closure(): Expr {
    const open = this.expect('{')
    this.skipBalanced(1, open)
    return this.node({ k: 'closure' }, open)
  }

  /** `${ expr }` or `$a.b` inside a GString; what we cannot parse there becomes opaque */
  hole(h: Hole): Expr {
    const src = this.text.slice(h.s, h.e)
    if ('path' in h) {
      let e: Expr = { k: 'id', name: h.path[0], src, line: h.line }
      for (const name of h.path.slice(1)) e = { k: 'prop', obj: e, name, safe: false, src, line: h.line }
      return e
    }
    if (h.toks.every((t) => t.t === 'nl')) return { k: 'lit', v: null, src, line: h.line }
    const sub = new ExprParser(h.toks, this.text)
    sub.nlDepth = 1
    try {
      const e = sub.expr()
      if (sub.peek() === undefined) return e
    } catch (err) {
      if (!(err instanceof ParseError)) throw err
    }
    return { k: 'opaque', src, line: h.line }
  }
}
