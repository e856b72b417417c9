// nf-config-types: the values, syntax tree and errors shared by the Nextflow config lexer, parser and evaluator.

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value } | Unresolved
/** something that cannot be evaluated statically (a closure, a call, an unknown variable...) */
export interface Unresolved { unresolved: string /* source text */; at: string /* file:line */ }

export const isUnresolved = (v: unknown): v is Unresolved =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Unresolved).unresolved === 'string' &&
  typeof (v as Unresolved).at === 'string' && Object.keys(v).length === 2

/** Malformed config text (unbalanced braces, unterminated string...); message is 'file:line: what'. */
export class ConfigSyntaxError extends Error {
  constructor(readonly file: string, readonly line: number, readonly reason: string) {
    super(`${file}:${line}: ${reason}`)
    this.name = 'ConfigSyntaxError'
  }
}

interface At { src: string; line: number }
export type Expr = At & (
  | { k: 'lit'; v: Value }
  | { k: 'gstr'; parts: (string | Expr)[] }
  | { k: 'id'; name: string }
  | { k: 'prop'; obj: Expr; name: string; safe: boolean }
  | { k: 'index'; obj: Expr; index: Expr }
  /** obj.name(args), or name(args) when obj is null */
  | { k: 'call'; obj: Expr | null; name: string; args: Expr[] }
  | { k: 'list'; items: Expr[] }
  | { k: 'map'; entries: [Expr, Expr][] }
  /** never evaluated: its text is kept */
  | { k: 'closure' }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'unary'; op: string; e: Expr }
  /** a ? b : c, or the elvis a ?: c when a is null */
  | { k: 'tern'; c: Expr; a: Expr | null; b: Expr }
  /** Groovy we do not model (new X(), ranges, regex ops): always unresolved */
  | { k: 'opaque' }
)

export type Statement = { line: number } & (
  /** a.b.c = expr (path relative to the enclosing blocks) */
  | { kind: 'assign'; path: string[]; expr: Expr; raw: string }
  /** scope block `name { }`, or quoted-name block `'testdata.nf-core.sarek' { }` (one key, dots kept) */
  | { kind: 'block'; name: string; body: Statement[] }
  /** process selector: selector is 'withName:FASTQC', 'withLabel:process_low', 'withName:.*:FREEC' */
  | { kind: 'selector'; selector: string; body: Statement[] }
  | { kind: 'include'; expr: Expr; raw: string }
  /** if / else if / else: cond null for the final else */
  | { kind: 'if'; branches: { cond: Expr | null; body: Statement[] }[] }
  /** try { } catch (...) { }: only the try body sets anything */
  | { kind: 'try'; body: Statement[] }
  | { kind: 'def'; name: string; expr: Expr | null; raw: string }
  /** command-style call: `id 'nf-schema@2.1.1'` */
  | { kind: 'call'; name: string; args: Expr[]; raw: string }
  /** an expression evaluated for its side effects (println...): ignored */
  | { kind: 'expr'; expr: Expr; raw: string }
  /** function definitions and statements we could not parse (why says which) */
  | { kind: 'skipped'; raw: string; why: string }
)
