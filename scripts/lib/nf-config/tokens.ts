// nf-config-tokens: a cursor over lexer tokens shared by the expression and statement parsers.
import type { Tok } from './lexer.js'
import type { Expr } from './types.js'

/** A construct the parser does not understand: the statement is skipped, not the file. */
export class ParseError extends Error {
  constructor(readonly line: number, message: string) {
    super(message)
  }
}

/** Helpers over a plain token array, for the scanners that read code without a full parse (images). */
export const isOp = (t: Tok | undefined, v: string) => t?.t === 'op' && t.v === v
export const isId = (t: Tok | undefined, v: string) => t?.t === 'id' && t.v === v
/** The first token at or after `i` that is not a newline. */
export const nextSig = (toks: Tok[], i: number) => { while (toks[i]?.t === 'nl') i++; return i }
/** Index just after the bracket `c` matching the `o` at `open` (toks.length when unbalanced). */
export function afterMatching(toks: Tok[], open: number, o: string, c: string): number {
  let depth = 0
  for (let k = open; k < toks.length; k++) {
    if (isOp(toks[k], o)) depth++
    else if (isOp(toks[k], c) && --depth === 0) return k + 1
  }
  return toks.length
}

export type Node = Expr extends infer T ? T extends unknown ? Omit<T, 'src' | 'line'> : never : never
// operators that may start the next line and still continue the expression (Groovy allows these)
const CONTINUES = new Set(['?', ':', '?:', '.', '?.', '*.', '&&', '||'])

export class TokenStream {
  i = 0
  /** > 0 inside ( ) [ ] and ${ }: newlines are insignificant there */
  nlDepth = 0

  constructor(protected toks: Tok[], protected text: string) {}

  /** next token, skipping newlines where they do not matter */
  peek(): Tok | undefined {
    if (this.nlDepth > 0) while (this.toks[this.i]?.t === 'nl') this.i++
    return this.toks[this.i]
  }
  next(): Tok {
    const t = this.peek()
    if (!t) throw new ParseError(this.lastLine(), 'unexpected end of input')
    this.i++
    return t
  }
  lastLine(): number {
    return this.toks[Math.min(this.i, this.toks.length - 1)]?.line ?? 1
  }
  isOp(v: string, t = this.peek()): boolean {
    return t?.t === 'op' && t.v === v
  }
  expect(v: string): Tok {
    const t = this.peek()
    if (!this.isOp(v, t)) throw new ParseError(t?.line ?? this.lastLine(), `expected '${v}' but found ${t ? `'${t.v}'` : 'end of input'}`)
    return this.next()
  }
  skipNl() {
    while (this.toks[this.i]?.t === 'nl') this.i++
  }
  /** is the next operator `v`, possibly at the start of the next line? (consumes those newlines if so) */
  opAhead(v: string): boolean {
    if (this.isOp(v)) return true
    if (!CONTINUES.has(v)) return false
    let j = this.i
    while (this.toks[j]?.t === 'nl') j++
    if (j === this.i || !this.isOp(v, this.toks[j])) return false
    this.i = j
    return true
  }
  /** the operator that comes next, looking past newlines only for one that continues an expression (nothing consumed) */
  aheadOp(): string | undefined {
    const t = this.peek()
    if (t === undefined) return undefined
    if (t.t === 'op') return t.v
    if (t.t !== 'nl') return undefined
    let j = this.i + 1
    while (this.toks[j]?.t === 'nl') j++
    const u = this.toks[j]
    return u !== undefined && u.t === 'op' && CONTINUES.has(u.v) ? u.v : undefined
  }
  /** n completed with its source text and line (mutated rather than copied: this runs for every node) */
  node(n: Node, start: Tok): Expr {
    const e = n as Expr
    e.src = this.text.slice(start.s, Math.max(this.toks[this.i - 1].e, start.e))
    e.line = start.line
    return e
  }
  /** f() with newlines insignificant (a ParseError leaves nlDepth raised: statement recovery resets it) */
  inside<T>(f: () => T): T {
    this.nlDepth++
    const r = f()
    this.nlDepth--
    return r
  }

  skipBalanced(depth: number, open: Tok) {
    while (depth > 0) {
      const t = this.toks[this.i++]
      if (!t) throw new ParseError(open.line, `'${open.v}' opened here is never closed`)
      if (t.t === 'op' && (t.v === '{' || t.v === '(' || t.v === '[')) depth++
      if (t.t === 'op' && (t.v === '}' || t.v === ')' || t.v === ']')) depth--
    }
  }
}
