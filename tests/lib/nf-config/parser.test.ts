import { describe, expect, it } from 'vitest'
import { ConfigSyntaxError, parseConfig } from '../../../scripts/lib/nf-config/index.js'

describe('parseConfig', () => {
  it.each<[string, string, RegExp]>([
    ['unclosed block', 'params {\n  a = 1\n', /^conf\/x\.config:1: unbalanced braces: '\{' opened here is never closed$/],
    ['unclosed nested block', 'process {\n  withName: X {\n    cpus = 1\n}\n', /^conf\/x\.config:1: unbalanced braces/],
    ['stray closing brace', 'a = 1\n}\n', /^conf\/x\.config:2: unbalanced braces: unexpected '\}'$/],
    ['unterminated single quote', "params {\n  a = 'x\n}", /^conf\/x\.config:2: unterminated string$/],
    ['unterminated double quote', 'a = "x', /^conf\/x\.config:1: unterminated string$/],
    ['unterminated triple quote', 'a = 1\nb = """x\ny\n', /^conf\/x\.config:2: unterminated string$/],
    ['unterminated ${', 'a = "${x"\n', /^conf\/x\.config:1: unterminated string/],
    ['unterminated block comment', 'a = 1\n/* never\nclosed', /^conf\/x\.config:2: unterminated \/\* comment$/],
    ['unclosed closure', 'process.cpus = { 1 + \n', /^conf\/x\.config:1: unbalanced braces/],
    ['stray character', 'a = 1\nb = \u0007\n', /^conf\/x\.config:2: unexpected character/],
    ['absurd nesting', `a = ${'('.repeat(100000)}1${')'.repeat(100000)}`, /^conf\/x\.config:1: nesting too deep$/],
  ])('%s → ConfigSyntaxError', (_, text, message) => {
    let err: unknown
    try {
      parseConfig(text, 'conf/x.config')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigSyntaxError)
    expect((err as Error).message).toMatch(message)
    expect((err as ConfigSyntaxError).file).toBe('conf/x.config')
    expect((err as ConfigSyntaxError).line).toBe(Number(/:(\d+):/.exec((err as Error).message)![1]))
  })

  it.each<[string, string, object]>([
    ['assignment', "docker.registry = 'quay.io'", { kind: 'assign', path: ['docker', 'registry'], raw: "'quay.io'", line: 1 }],
    ['quoted block name keeps dots', "'testdata.nf-core.sarek' { fasta = 'f' }", { kind: 'block', name: 'testdata.nf-core.sarek' }],
    ['selector', "withName:'.*:FREEC'{ cpus = 1 }", { kind: 'selector', selector: 'withName:.*:FREEC' }],
    ['include', "includeConfig 'conf/test.config'", { kind: 'include', raw: "'conf/test.config'" }],
    ['if/else', 'if (a) { x = 1 } else { x = 2 }', { kind: 'if', branches: [expect.anything(), { cond: null, body: expect.any(Array) }] }],
    ['try/catch', 'try { x = 1 } catch (Exception e) { println e }', { kind: 'try', body: [expect.objectContaining({ kind: 'assign' })] }],
    ['def', "def x = 'v'", { kind: 'def', name: 'x', raw: "'v'" }],
    ['function definition', 'def f(a) {\n return a\n}', { kind: 'skipped', why: 'function f' }],
    ['command call', "id 'nf-schema@2.1.1'", { kind: 'call', name: 'id', raw: "'nf-schema@2.1.1'" }],
    ['expression statement', 'System.err.println("x")', { kind: 'expr' }],
    ['unparsable statement', 'a b c d', { kind: 'skipped', raw: 'a b c d' }],
  ])('%s', (_, text, want) => expect(parseConfig(text, 'f')[0]).toMatchObject(want))

  it('keeps line numbers across comments, continuations and multi-line strings', () => {
    const text = "/*\n header\n*/\na = '''x\ny'''\nb = 1 + \\\n 2\n// c\nc = 'https://x//y' // z\nd = 1"
    expect(parseConfig(text, 'f').map((s) => s.line)).toEqual([4, 6, 9, 10])
  })

  it('skips a closure body whatever it contains', () => {
    const text = 'process {\n  ext.args = { [\n "sample":[ inputformat: "pileup" ],\n sex: meta.sex, window: "10",\n ].join(" ") }\n  cpus = 2\n}'
    const [block] = parseConfig(text, 'f')
    expect(block).toMatchObject({ kind: 'block', name: 'process', body: [{ kind: 'assign', path: ['ext', 'args'] }, { kind: 'assign', path: ['cpus'] }] })
  })

  it('parses 2,000 selector blocks quickly', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `process {\n  withName: 'P${i}' {\n    ext.args = { "--x \${task.cpus}" }\n    container = 'biocontainers/t${i}:1.0--0'\n  }\n}\n`).join('')
    const t0 = performance.now()
    expect(parseConfig(text, 'big.config')).toHaveLength(2000)
    expect(performance.now() - t0).toBeLessThan(1000)
  })
})
