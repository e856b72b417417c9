// nf-config-lexer: Nextflow config text → tokens. Strings are read before comments, so `//` inside a URL stays.
import { ConfigSyntaxError } from './types.js'

export type TokType = 'id' | 'num' | 'unit' | 'str' | 'gstr' | 'op' | 'nl'
/** a `${...}` (toks) or `$a.b` (path) hole inside a double-quoted string */
export type Hole = { toks: Tok[]; s: number; e: number; line: number } | { path: string[]; s: number; e: number; line: number }
export interface Tok {
  t: TokType
  v: string         // identifier, operator, string value, or the literal text of a number/unit
  n?: number        // numeric value of 'num'
  parts?: (string | Hole)[]  // 'gstr' only
  s: number         // offsets in the file text: text.slice(s, e) is the token's source
  e: number
  line: number
}

// One sticky regex for the common tokens: native regex code is far faster than a char loop on a cold start, and
// test() allocates nothing; the first character then tells what matched. Digits and quoted strings with escapes or
// holes do not match here and take the slow paths.
const TOKEN = new RegExp([
  String.raw`[ \t\r\f\uFEFF]+|\\\r?\n|\/\/[^\n]*|\/\*[\s\S]*?\*\/|\n`,
  String.raw`[A-Za-z_$][\w$]*`,
  String.raw`'[^'\\\n]+'|''(?!')|"[^"\\$\n]+"|""(?!")`,
  String.raw`\.\.<|<=>|==~|\?\.|\?:|\*\.|\.&|=~|==|!=|<=|>=|&&|\|\||\.\.|->|<<|>>|\+=|-=|\*=|\/=|\+\+|--|\*\*|::|[{}()[\],:;.?=!<>+\-*/%&|^~@]`,
].join('|'), 'y')
const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36
// Nextflow adds memory and duration units to numbers: `6.GB`, `48.h`; kept as their text.
const UNIT = /^(b|kb|mb|gb|tb|pb|eb|zb|ms|milli|millis|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)$/i
const NUMBER = /\d[\d_]*(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?/y
const UNIT_SUFFIX = /\.([A-Za-z]+)(?![\w$(])/y
const PLAIN_SQ = /[^'\\\n]+/y
const PLAIN_DQ = /[^"\\$\n]+/y
const PATH = /[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*/y
const ESC: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', s: ' ' }

/**
 * Tokenize `text`. `lenient` is for Groovy code (.nf files) rather than configs: a stray character becomes an
 * operator token instead of an error, and a `/` only starts a slashy string that closes on the same line.
 */
export function lex(text: string, file: string, lenient = false): Tok[] {
  return new Lexer(text, file, lenient).lex(0)
}

class Lexer {
  pos = 0
  line = 1
  constructor(private text: string, private file: string, private lenient = false) {}

  fail(reason: string, line = this.line): never {
    throw new ConfigSyntaxError(this.file, line, reason)
  }

  /** Tokens up to the end of text, or (holeLine > 0) up to the `}` closing a `${` hole opened on that line. */
  lex(holeLine: number): Tok[] {
    const { text } = this
    const out: Tok[] = []
    let depth = 0
    if (holeLine === 0 && text.startsWith('#!')) this.pos = text.indexOf('\n') < 0 ? text.length : text.indexOf('\n')
    while (this.pos < text.length) {
      const s = this.pos
      TOKEN.lastIndex = s
      if (!TOKEN.test(text)) {
        // the slow paths: strings with escapes or holes, numbers, stray characters
        const c = text[s]
        if (c === '"' || c === "'") out.push(this.string())
        else if (c >= '0' && c <= '9') out.push(this.number())
        else if (this.lenient) out.push({ t: 'op', v: c, s, e: ++this.pos, line: this.line })
        else this.fail(`unexpected character '${c}'`)
        continue
      }
      const e = (this.pos = TOKEN.lastIndex)
      const c = text.charCodeAt(s)
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 0xfeff) continue
      if (c === 10) {
        out.push({ t: 'nl', v: '\n', s, e, line: this.line++ })
      } else if (c === 92 || (c === 47 && e - s > 1 && (text.charCodeAt(s + 1) === 47 || text.charCodeAt(s + 1) === 42))) {
        this.countLines(s, e)  // a line continuation or a comment
      } else if (isIdentStart(c)) {
        out.push({ t: 'id', v: text.slice(s, e), s, e, line: this.line })
      } else if (c === 39 || c === 34) {
        out.push({ t: 'str', v: text.slice(s + 1, e - 1), s, e, line: this.line })
      } else if (c === 47 && e - s === 1 && text.charCodeAt(e) === 42) {
        if (!this.lenient) this.fail('unterminated /* comment')
        this.countLines(s, (this.pos = text.length))  // Groovy code: a comment to the end (a cut-off head of a file)
      } else if (c === 47 && e - s === 1 && startsOperand(out) && (!this.lenient || slashyOnLine(text, e))) {
        this.pos = s
        out.push(this.slashy())
      } else {
        const v = e - s === 1 ? text[s] : text.slice(s, e)
        if (v === '{') depth++
        else if (v === '}' && depth-- === 0 && holeLine > 0) return out
        out.push({ t: 'op', v, s, e, line: this.line })
      }
    }
    if (holeLine > 0) this.fail('unterminated string: ${ is never closed', holeLine)
    return out
  }

  countLines(from: number, to: number) {
    for (let i = this.text.indexOf('\n', from); i >= 0 && i < to; i = this.text.indexOf('\n', i + 1)) this.line++
  }

  number(): Tok {
    const { text } = this
    const s = this.pos
    const line = this.line
    NUMBER.lastIndex = s
    const digits = NUMBER.exec(text)![0]
    this.pos += digits.length
    UNIT_SUFFIX.lastIndex = this.pos
    const unit = UNIT_SUFFIX.exec(text)
    if (unit && UNIT.test(unit[1])) {
      this.pos += unit[0].length
      return { t: 'unit', v: text.slice(s, this.pos), s, e: this.pos, line }
    }
    if (/[lLgGdDfFiI]/.test(text[this.pos] ?? '') && !/[\w$]/.test(text[this.pos + 1] ?? '')) this.pos++
    return { t: 'num', v: digits, n: Number(digits.replace(/_/g, '')), s, e: this.pos, line }
  }

  /** '...', "...", '''...''', """...""": escapes decoded; `${}` and `$a.b` holes only in double quotes. */
  string(): Tok {
    const { text } = this
    const s = this.pos
    const q = text[s]
    const startLine = this.line
    const triple = text.startsWith(q + q + q, s)
    const close = triple ? q + q + q : q
    this.pos += close.length
    const parts: (string | Hole)[] = []
    let buf = ''
    const plain = q === '"' ? PLAIN_DQ : PLAIN_SQ
    for (;;) {
      plain.lastIndex = this.pos
      if (plain.test(text)) {  // a run of ordinary characters, copied at once
        buf += text.slice(this.pos, plain.lastIndex)
        this.pos = plain.lastIndex
      }
      if (this.pos >= text.length) this.fail('unterminated string', startLine)
      const c = text[this.pos]
      if (c === q && text.startsWith(close, this.pos)) {
        this.pos += close.length
        break
      }
      if (c === '\n') {
        if (!triple) this.fail('unterminated string', startLine)
        this.line++
      } else if (c === '\\') {
        buf += this.escape()
        continue
      } else if (c === '$' && q === '"') {
        const h = this.pos
        if (text[h + 1] === '{') {
          if (buf) parts.push(buf)
          buf = ''
          const line = this.line
          this.pos += 2
          const toks = this.lex(startLine)
          parts.push({ toks, s: h, e: this.pos, line })
          continue
        }
        PATH.lastIndex = h + 1
        const m = PATH.exec(text)
        if (m) {
          if (buf) parts.push(buf)
          buf = ''
          this.pos += 1 + m[0].length
          parts.push({ path: m[0].split('.'), s: h, e: this.pos, line: this.line })
          continue
        }
      }
      buf += c
      this.pos++
    }
    if (buf || parts.length === 0) parts.push(buf)
    const e = this.pos
    if (parts.every((p) => typeof p === 'string')) return { t: 'str', v: parts.join(''), s, e, line: startLine }
    return { t: 'gstr', v: text.slice(s, e), parts, s, e, line: startLine }
  }

  /** /regex/ where an operand is expected: backslashes kept except before '/' ($ holes not modelled) */
  slashy(): Tok {
    const { text } = this
    const s = this.pos
    const line = this.line
    let v = ''
    for (this.pos++; text[this.pos] !== '/'; this.pos++) {
      if (this.pos >= text.length) this.fail('unterminated /slashy/ string', line)
      if (text[this.pos] === '\\' && text[this.pos + 1] === '/') this.pos++
      else if (text[this.pos] === '\n') this.line++
      v += text[this.pos]
    }
    this.pos++
    return { t: 'str', v, s, e: this.pos, line }
  }

  escape(): string {
    const { text } = this
    const c = text[this.pos + 1]
    this.pos += 2
    if (c === undefined) this.fail('unterminated string')
    if (c === '\n') {
      this.line++
      return ''  // backslash-newline: line continuation inside the string
    }
    if (c in ESC) return ESC[c]
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(this.pos, this.pos + 4))) {
      this.pos += 4
      return String.fromCharCode(parseInt(text.slice(this.pos - 4, this.pos), 16))
    }
    const oct = /^[0-7]{1,3}/.exec(text.slice(this.pos - 1, this.pos + 2))
    if (oct) {
      this.pos += oct[0].length - 1
      return String.fromCharCode(parseInt(oct[0], 8) & 0xff)
    }
    return c  // \\ \' \" \$ \/ and anything else: the character itself
  }
}

/** a `/` here starts a slashy string, not a division: nothing before it could be an operand */
function startsOperand(out: Tok[]): boolean {
  const prev = out[out.length - 1]
  if (!prev) return true
  if (prev.t === 'op') return !(prev.v === ')' || prev.v === ']' || prev.v === '}')
  return prev.t === 'id' && (prev.v === 'return' || prev.v === 'in' || prev.v === 'case')
}

/** lenient mode: a slashy string must not start with a space, and must close on its own line */
function slashyOnLine(text: string, from: number): boolean {
  if (text[from] === ' ') return false
  for (let i = from; i < text.length; i++) {
    if (text[i] === '/') return true
    if (text[i] === '\\' && text[i + 1] === '/') i++
    else if (text[i] === '\n') return false
  }
  return false
}
