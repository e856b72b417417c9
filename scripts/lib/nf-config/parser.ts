// nf-config-parser: Nextflow config statements (assignments, scope blocks, selectors, includeConfig, if/try/def).
import { ExprParser, ParseError } from './expr.js'
import { lex, type Tok } from './lexer.js'
import { ConfigSyntaxError, type Expr, type Statement } from './types.js'

/** Parse one file's text into statements (throws ConfigSyntaxError with file:line on malformed input). */
export function parseConfig(text: string, file: string): Statement[] {
  const key = `${file}\0${text}`
  const hit = cache.get(key)
  if (hit) return hit
  let stmts: Statement[]
  try {
    stmts = new StatementParser(lex(text, file), text, file).parseFile()
  } catch (err) {
    // absurd nesting ((((...)))) exhausts the stack: report it like any malformed input
    if (err instanceof RangeError) throw new ConfigSyntaxError(file, 1, 'nesting too deep')
    throw err
  }
  if (cache.size >= 200) cache.delete(cache.keys().next().value!)
  cache.set(key, stmts)
  return stmts
}
// Callers load the same pipeline several times (per profile set); statements are never mutated, so share them.
const cache = new Map<string, Statement[]>()

const SELECTOR = /^(withName|withLabel):\s*(.*)$/s

class StatementParser extends ExprParser {
  constructor(toks: Tok[], text: string, private file: string) {
    super(toks, text)
  }

  parseFile(): Statement[] {
    return this.statements(null)
  }

  /** statements up to the `}` closing `open` (not consumed), or to the end of the file when open is null */
  statements(open: Tok | null): Statement[] {
    const out: Statement[] = []
    for (;;) {
      while (this.toks[this.i]?.t === 'nl' || this.isOp(';', this.toks[this.i])) this.i++
      const t = this.toks[this.i]
      if (!t) {
        if (open) throw new ConfigSyntaxError(this.file, open.line, "unbalanced braces: '{' opened here is never closed")
        return out
      }
      if (this.isOp('}', t)) {
        if (!open) throw new ConfigSyntaxError(this.file, t.line, "unbalanced braces: unexpected '}'")
        return out
      }
      const start = this.i
      try {
        out.push(this.statement())
      } catch (err) {
        if (!(err instanceof ParseError)) throw err
        this.i = start
        this.nlDepth = 0
        out.push(this.skipStatement(err.message))
      }
    }
  }

  /** `{ statements }` */
  body(): Statement[] {
    const open = this.expect('{')
    const body = this.statements(open)
    this.i++
    return body
  }

  statement(): Statement {
    const t = this.toks[this.i]
    const next = this.toks[this.i + 1]
    if (t.t === 'id') {
      if (t.v === 'if') return this.ifStatement()
      if (t.v === 'try') return this.tryStatement()
      if (t.v === 'def') return this.defStatement()
      if (t.v === 'includeConfig') {
        this.i++
        const expr = this.expr()
        this.endOfStatement()
        return { kind: 'include', expr, raw: expr.src, line: t.line }
      }
      if ((t.v === 'withName' || t.v === 'withLabel') && this.isOp(':', next)) return this.selector()
      if (next?.t === 'id' && this.isOp('=', this.toks[this.i + 2])) return this.defStatement()  // typed local: String x = ...
      return this.pathStatement()
    }
    if ((t.t === 'str' || t.t === 'gstr') && this.isOp('{', next)) {
      this.i++
      const m = SELECTOR.exec(t.v)
      if (m) return { kind: 'selector', selector: `${m[1]}:${m[2].trim()}`, body: this.body(), line: t.line }
      return { kind: 'block', name: t.v, body: this.body(), line: t.line }
    }
    return this.expressionStatement()
  }

  /** a.b.c = expr | a.b { ... } | id 'x' (command call) | a.b(...) expression */
  pathStatement(): Statement {
    const t = this.toks[this.i]
    const path = [t.v]
    let j = this.i + 1
    while (this.isOp('.', this.toks[j]) && (this.toks[j + 1]?.t === 'id' || this.toks[j + 1]?.t === 'str')) {
      path.push(this.toks[j + 1].v)
      j += 2
    }
    const after = this.toks[j]
    if (this.isOp('=', after)) {
      this.i = j + 1
      this.skipNl()
      const expr = this.expr()
      this.endOfStatement()
      return { kind: 'assign', path, expr, raw: expr.src, line: t.line }
    }
    if (this.isOp('{', after)) {
      this.i = j
      let stmt: Statement = { kind: 'block', name: path[path.length - 1], body: this.body(), line: t.line }
      for (const name of path.slice(0, -1).reverse()) stmt = { kind: 'block', name, body: [stmt], line: t.line }
      return stmt
    }
    if (path.length === 1 && after && after.line === t.line && startsArgument(after)) {
      this.i = j
      const args = [this.expr()]
      while (this.isOp(',')) {
        this.next()
        this.skipNl()
        args.push(this.expr())
      }
      this.endOfStatement()
      return { kind: 'call', name: t.v, args, raw: this.text.slice(after.s, this.toks[this.i - 1].e), line: t.line }
    }
    return this.expressionStatement()
  }

  expressionStatement(): Statement {
    const expr = this.expr()
    this.endOfStatement()
    return { kind: 'expr', expr, raw: expr.src, line: expr.line }
  }

  selector(): Statement {
    const kw = this.next()
    this.next()  // ':'
    const first = this.peek()
    if (!first) throw new ParseError(kw.line, `${kw.v}: expects a process name or pattern`)
    let pattern: string
    if ((first.t === 'str' || first.t === 'gstr') && this.isOp('{', this.toks[this.i + 1])) {
      pattern = first.v.trim()
      this.i++
    } else {
      // unquoted: `withName: FASTQC {`, `withLabel:process_low{`
      const from = first.s
      while (this.toks[this.i] && !this.isOp('{', this.toks[this.i]) && this.toks[this.i].t !== 'nl') this.i++
      pattern = this.text.slice(from, this.toks[this.i - 1].e).trim()
    }
    if (!this.isOp('{', this.toks[this.i])) throw new ParseError(kw.line, `${kw.v}: expected '{' after the pattern`)
    return { kind: 'selector', selector: `${kw.v}:${pattern}`, body: this.body(), line: kw.line }
  }

  /** if (c) { } else if (c) { } else { }; a braceless body is one statement */
  ifStatement(): Statement {
    const line = this.toks[this.i].line
    const branches: { cond: Expr | null; body: Statement[] }[] = []
    for (;;) {
      this.next()  // 'if'
      const cond = this.inside(() => {
        this.expect('(')
        const c = this.expr()
        this.expect(')')
        return c
      })
      branches.push({ cond, body: this.branchBody() })
      if (!this.keywordAhead('else')) return { kind: 'if', branches, line }
      this.next()
      this.skipNl()
      if (this.peek()?.t === 'id' && this.peek()!.v === 'if') continue
      branches.push({ cond: null, body: this.branchBody() })
      return { kind: 'if', branches, line }
    }
  }

  branchBody(): Statement[] {
    this.skipNl()
    if (this.isOp('{')) return this.body()
    return [this.statement()]
  }

  keywordAhead(word: string): boolean {
    let j = this.i
    while (this.toks[j]?.t === 'nl' || this.isOp(';', this.toks[j])) j++
    if (this.toks[j]?.t !== 'id' || this.toks[j].v !== word) return false
    this.i = j
    return true
  }

  tryStatement(): Statement {
    const line = this.next().line
    this.skipNl()
    const body = this.body()
    while (this.keywordAhead('catch')) {
      this.next()
      this.inside(() => {
        this.expect('(')
        this.skipBalanced(1, this.toks[this.i - 1])
      })
      this.skipNl()
      this.body()
    }
    if (this.keywordAhead('finally')) {
      this.next()
      this.skipNl()
      this.body()
    }
    return { kind: 'try', body, line }
  }

  /** def x = expr, String x = expr, or a function definition (skipped) */
  defStatement(): Statement {
    const start = this.next()
    if (this.peek()?.t === 'id' && this.toks[this.i + 1]?.t === 'id') this.next()  // def String x
    const name = this.next()
    if (name.t !== 'id') throw new ParseError(name.line, `def: expected a name`)
    if (this.isOp('(')) {
      const open = this.next()
      this.skipBalanced(1, open)
      this.skipNl()
      const body = this.expect('{')
      this.skipBalanced(1, body)
      return { kind: 'skipped', raw: this.text.slice(start.s, this.toks[this.i - 1].e), why: `function ${name.v}`, line: start.line }
    }
    if (!this.isOp('=')) {
      this.endOfStatement()
      return { kind: 'def', name: name.v, expr: null, raw: '', line: start.line }
    }
    this.next()
    this.skipNl()
    const expr = this.expr()
    this.endOfStatement()
    return { kind: 'def', name: name.v, expr, raw: expr.src, line: start.line }
  }

  endOfStatement() {
    const t = this.toks[this.i]
    if (!t || t.t === 'nl' || this.isOp(';', t) || this.isOp('}', t)) return
    throw new ParseError(t.line, `unexpected '${t.v}'`)
  }

  /** recovery: drop tokens to the end of the line (balanced), keep the text for the report */
  skipStatement(why: string): Statement {
    const first = this.toks[this.i]
    let depth = 0
    for (;;) {
      const t = this.toks[this.i]
      if (!t) {
        if (depth > 0) throw new ConfigSyntaxError(this.file, first.line, "unbalanced braces: '{' opened here is never closed")
        break
      }
      if (depth === 0 && (t.t === 'nl' || this.isOp(';', t))) break
      if (t.t === 'op' && '{(['.includes(t.v)) depth++
      if (t.t === 'op' && '})]'.includes(t.v)) {
        if (depth === 0) break
        depth--
      }
      this.i++
    }
    if (this.i === this.toks.indexOf(first)) this.i++  // never stall
    const last = this.toks[Math.max(this.i - 1, 0)]
    return { kind: 'skipped', raw: this.text.slice(first.s, last.e), why, line: first.line }
  }
}

function startsArgument(t: Tok): boolean {
  if (t.t === 'str' || t.t === 'gstr' || t.t === 'num' || t.t === 'unit') return true
  if (t.t === 'id') return !['in', 'as', 'instanceof'].includes(t.v)
  return t.t === 'op' && (t.v === '[' || t.v === '!')
}
