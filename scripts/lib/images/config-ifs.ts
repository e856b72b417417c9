// images-config-ifs: container settings inside a config `if` the config reader could not decide.
// The reader then evaluates neither branch; their containers must be reported, never silently dropped.
import type { Val } from './container-expr.js'
import { parseExpr } from './container-expr.js'
import { lex, type Tok } from '../nf-config/lexer.js'
import { afterMatching, isId, isOp, nextSig } from '../nf-config/tokens.js'
import { ConfigSyntaxError } from '../nf-config/types.js'
import { evaluateConfigSource } from './collect.js'

export interface SkippedContainer { line: number; raw: string; value: Val }

/**
 * The `container = ...` / `process.container = ...` settings in the branches of the `if` statement
 * starting on `line` of config text `src` (its else-if and else branches included).
 */
export function containersUnderIf(src: string, line: number): SkippedContainer[] {
  let toks: Tok[]
  try { toks = lex(src, '', true) } catch (e) { if (e instanceof ConfigSyntaxError) return []; throw e }
  let i = toks.findIndex((t) => t.line === line && isId(t, 'if'))
  if (i < 0) return []
  let end = i
  // the whole chain: if (...) { } else if (...) { } else { }
  for (;;) {
    const paren = nextSig(toks, i + 1)
    if (!isOp(toks[paren], '(')) break
    const brace = nextSig(toks, afterMatching(toks, paren, '(', ')'))
    if (!isOp(toks[brace], '{')) break
    end = afterMatching(toks, brace, '{', '}')
    const els = nextSig(toks, end)
    if (!isId(toks[els], 'else')) break
    const next = nextSig(toks, els + 1)
    if (isId(toks[next], 'if')) { i = next; continue }
    if (isOp(toks[next], '{')) end = afterMatching(toks, next, '{', '}')
    break
  }
  const out: SkippedContainer[] = []
  const start = toks.findIndex((t) => t.line === line && isId(t, 'if'))
  for (let k = start; k < end; k++) {
    if (!isId(toks[k], 'container') || !isOp(toks[k + 1], '=')) continue
    if (isOp(toks[k - 1], '.') && !isId(toks[k - 2], 'process')) continue
    const { next } = parseExpr(toks, src, k + 2, false)
    const raw = src.slice(toks[k + 2].s, toks[next - 1].e)
    out.push({ line: toks[k].line, raw, value: evaluateConfigSource(raw) })
  }
  return out
}
