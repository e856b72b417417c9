import { describe, expect, it } from 'vitest'
import { lex } from '../../../scripts/lib/nf-config/lexer.js'

const shape = (text: string, lenient: boolean) => lex(text, 'x.nf', lenient).filter((t) => t.t !== 'nl').map((t) => `${t.t}:${t.v}`)

describe('lexer, lenient mode (Groovy in .nf files)', () => {
  it.each([
    ['a # b', ['id:a', 'op:#', 'id:b']],                       // a stray character is an operator, not an error
    ['x = a / b', ['id:x', 'op:=', 'id:a', 'op:/', 'id:b']],   // `/ ` is division, not a slashy string
    ["container 'x' /* open", ['id:container', "str:x"]],       // an unclosed comment runs to the end (module heads)
  ])('%s', (text, want) => expect(shape(text, true)).toEqual(want))

  it.each([
    ['a # b', /unexpected|#/],
    ["container 'x' /* open", /unterminated \/\* comment/],
  ])('strict mode (configs) refuses %s', (text, msg) => expect(() => lex(text, 'x.config')).toThrow(msg))
})
