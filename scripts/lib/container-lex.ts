// container-lex: a Groovy tokenizer good enough to find container directives in .nf files and config closures.
// Comments, '...', "..." (with ${...} and $name lexed inside), ''', """, and slashy /regex/ strings are
// recognised so that `//` in URLs, quotes inside bash scripts or braces inside strings never mislead us.

/** A token; `pos`/`end` are offsets in the lexed text, so a declaration can be quoted as written. */
export type Tok = (
  | { t: 'str'; v: string }                              // literal string
  | { t: 'gstr'; parts: (string | Tok[])[] }             // GString: text and interpolations
  | { t: 'id' | 'num' | 'op'; v: string }
  | { t: 'nl' }
) & { line: number; pos: number; end: number }

const OPS3 = new Set(['==~'])
const OPS2 = new Set(['?:', '?.', '==', '!=', '&&', '||', '<=', '>=', '->', '=~', '++', '--', '+=', '-=', '*.', '..'])
// character classes by code, for speed: a release has ~0.5 MB of .nf to read on every run
const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36
const isIdChar = (c: number) => isIdStart(c) || (c >= 48 && c <= 57)
const isDigit = (c: number) => c >= 48 && c <= 57
const ID_START = /[A-Za-z_$]/
const ID_CHAR = /[A-Za-z0-9_$]/

export class LexError extends Error { constructor(msg: string, public line: number) { super(msg) } }

/** Tokenize `src`, numbering lines from `line0`; throws LexError on an unterminated string. */
export function lex(src: string, line0 = 1): Tok[] {
  const r = lexFrom(src, 0, line0, false)
  return r.toks
}

interface LexResult { toks: Tok[]; end: number; line: number }

function lexFrom(src: string, start: number, line0: number, stopAtBrace: boolean): LexResult {
  const toks: Tok[] = []
  let i = start
  let line = line0
  let depth = 0
  if (start === 0 && src.startsWith('#!')) { while (i < src.length && src[i] !== '\n') i++ }
  const prevSignificant = () => { for (let k = toks.length - 1; k >= 0; k--) if (toks[k].t !== 'nl') return toks[k]; return undefined }
  while (i < src.length) {
    const c = src[i]
    if (c === '\n') { toks.push({ t: 'nl', line, pos: i, end: i + 1 }); line++; i++; continue }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') { i++; continue }
    if (c === '\\' && src[i + 1] === '\n') { i += 2; line++; continue }   // line continuation
    if (c === '/' && src[i + 1] === '/') { while (i < src.length && src[i] !== '\n') i++; continue }
    if (c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2)
      const stop = end < 0 ? src.length : end + 2
      for (let k = i; k < stop; k++) if (src[k] === '\n') line++
      i = stop
      continue
    }
    if (c === "'" || c === '"') {
      const triple = src.startsWith(c.repeat(3), i)
      const r = readString(src, i, line, c, triple)
      toks.push(r.tok)
      i = r.end
      line = r.line
      continue
    }
    if (c === '/' && slashyAllowed(prevSignificant())) {
      const r = readSlashy(src, i, line)
      if (r) { toks.push(r.tok); i = r.end; continue }
    }
    const code = src.charCodeAt(i)
    if (isIdStart(code)) {
      let j = i + 1
      while (j < src.length && isIdChar(src.charCodeAt(j))) j++
      toks.push({ t: 'id', v: src.slice(i, j), line, pos: i, end: j })
      i = j
      continue
    }
    if (isDigit(code)) {
      let j = i + 1
      while (j < src.length && ((isIdChar(src.charCodeAt(j)) && src[j] !== '$') || (src[j] === '.' && isDigit(src.charCodeAt(j + 1))))) j++
      toks.push({ t: 'num', v: src.slice(i, j), line, pos: i, end: j })
      i = j
      continue
    }
    if (c === '{') depth++
    if (c === '}') {
      if (stopAtBrace && depth === 0) return { toks, end: i + 1, line }
      depth--
    }
    const op = OPS3.has(src.slice(i, i + 3)) ? src.slice(i, i + 3) : OPS2.has(src.slice(i, i + 2)) ? src.slice(i, i + 2) : c
    toks.push({ t: 'op', v: op, line, pos: i, end: i + op.length })
    i += op.length
  }
  if (stopAtBrace) throw new LexError('unterminated ${ in a string', line0)
  return { toks, end: i, line }
}

/** A `/` starts a slashy string where an operand is expected (after an operator, `(`, `,`, or at the start). */
function slashyAllowed(prev: Tok | undefined): boolean {
  if (!prev) return true
  if (prev.t === 'op') return ![')', ']', '}'].includes(prev.v)
  if (prev.t === 'id') return ['return', 'in', 'case'].includes(prev.v)
  return false
}

function readSlashy(src: string, i: number, line: number): { tok: Tok; end: number } | undefined {
  let j = i + 1
  if (src[j] === '/' || src[j] === '*' || src[j] === ' ') return undefined
  let v = ''
  while (j < src.length && src[j] !== '/') {
    if (src[j] === '\n') return undefined   // multi-line slashy strings are rare; a division is likelier
    if (src[j] === '\\' && src[j + 1] === '/') { v += '/'; j += 2; continue }
    v += src[j++]
  }
  if (j >= src.length) return undefined
  return { tok: { t: 'str', v, line, pos: i, end: j + 1 }, end: j + 1 }
}

const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '\\': '\\', "'": "'", '"': '"', $: '$' }

function readString(src: string, i: number, line0: number, q: string, triple: boolean): { tok: Tok; end: number; line: number } {
  const close = triple ? q.repeat(3) : q
  const interpolate = q === '"'
  let j = i + close.length
  let line = line0
  let text = ''
  const parts: (string | Tok[])[] = []
  const special = interpolate ? /[\\$\n"]/g : /[\\\n']/g
  for (;;) {
    // copy the plain run up to the next character that matters
    special.lastIndex = j
    const m = special.exec(src)
    if (!m) throw new LexError('unterminated string', line0)
    if (m.index > j) { text += src.slice(j, m.index); j = m.index }
    const c = src[j]
    if (src.startsWith(close, j)) { j += close.length; break }
    if (c === '\n') {
      if (!triple) throw new LexError('unterminated string', line0)
      line++
    }
    if (c === '\\') {
      const n = src[j + 1]
      if (n === '\n') { line++; j += 2; continue }
      text += ESC[n] ?? (n === 'u' ? String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16)) : '\\' + n)
      j += n === 'u' ? 6 : 2
      continue
    }
    if (interpolate && c === '$' && src[j + 1] === '{') {
      if (text) parts.push(text)
      text = ''
      const r = lexFrom(src, j + 2, line, true)
      parts.push(r.toks)
      j = r.end
      line = r.line
      continue
    }
    if (interpolate && c === '$' && ID_START.test(src[j + 1] ?? '') && src[j + 1] !== '$') {
      // $name and $name.prop.prop: a property path, as Groovy reads it
      if (text) parts.push(text)
      text = ''
      const toks: Tok[] = []
      let k = j + 1
      for (;;) {
        let e = k
        while (e < src.length && ID_CHAR.test(src[e]) && src[e] !== '$') e++
        toks.push({ t: 'id', v: src.slice(k, e), line, pos: k, end: e })
        if (src[e] === '.' && /[A-Za-z_]/.test(src[e + 1] ?? '')) { toks.push({ t: 'op', v: '.', line, pos: e, end: e + 1 }); k = e + 1; continue }
        k = e
        break
      }
      parts.push(toks)
      j = k
      continue
    }
    text += c
    j++
  }
  if (!interpolate || parts.length === 0) return { tok: { t: 'str', v: text, line: line0, pos: i, end: j }, end: j, line }
  if (text) parts.push(text)
  return { tok: { t: 'gstr', parts, line: line0, pos: i, end: j }, end: j, line }
}
