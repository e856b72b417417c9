import { describe, expect, it } from 'vitest'
import { truthy } from '../../../scripts/lib/nf-config/values.js'
import { and, dockerScope, evaluate, not, parseExpr } from '../../../scripts/lib/images/container-expr.js'
import { lex } from '../../../scripts/lib/nf-config/lexer.js'
import type { Value } from '../../../scripts/lib/nf-config/types.js'

// Groovy truth, one rule for the toolkit: the config reader (values.ts) and the container evaluator agree on it.
describe('Groovy truth', () => {
  const viaContainers = (v: Value) => {
    const r = and([{ k: 'known', v: v as never }])
    return r.k === 'known' ? r.v : undefined
  }
  it.each<[string, Value, boolean | undefined]>([
    ['null', null, false],
    ['false', false, false],
    ['true', true, true],
    ['0', 0, false],
    ['0.5', 0.5, true],
    ['empty string', '', false],
    ["'false' is a non-empty string", 'false', true],
    ["'0' is a non-empty string", '0', true],
    ['empty list', [], false],
    ['list of null', [null], true],
    ['empty map', {}, false],
    ['map', { a: 1 }, true],
    ['an unresolved value', { unresolved: 'params.x', at: 'n:1' }, undefined],
  ])('%s', (_n, v, want) => {
    expect(truthy(v)).toBe(want)
    if (want !== undefined && !(typeof v === 'object' && v !== null && !Array.isArray(v))) {
      expect(viaContainers(v)).toBe(want)
      expect(not({ k: 'known', v: v as never })).toEqual({ k: 'known', v: !want })
    }
  })

  it('a ternary in a container directive branches on the same truth', () => {
    const pick = (cond: string) => evaluate(parseExpr(lex(`${cond} ? 'yes' : 'no'`, '', true), '', 0).node, dockerScope)
    expect([pick("''"), pick("'0'"), pick('[]'), pick('[0]'), pick('0'), pick('null')].map((v) => v.k === 'known' && v.v))
      .toEqual(['no', 'yes', 'no', 'yes', 'no', 'no'])
  })
})
