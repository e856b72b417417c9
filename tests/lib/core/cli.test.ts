import { describe, expect, it } from 'vitest'
import { parseArgs, redact } from '../../../scripts/lib/core/cli.js'

describe('parseArgs', () => {
  it('keeps revisions as written', () => expect(parseArgs(['rnaseq', '3.10'])._).toEqual(['rnaseq', '3.10']))
  it('keeps 1.0', () => expect(parseArgs(['1.0'])._).toEqual(['1.0']))
  it('reads KEY=VALUE words', () => {
    const a = parseArgs(['PIPELINE=sarek', 'REVISION=3.4.4'])
    expect(a.vars).toEqual({ PIPELINE: 'sarek', REVISION: '3.4.4' })
    expect(a._).toEqual([])
  })
  it('reads flags and passes words after -- through', () => {
    const a = parseArgs(['--json', 'x', '--', '-resume', '--max_cpus', '2'], ['json'])
    expect(a.flags.json).toBe(true)
    expect(a._).toEqual(['x'])
    expect(a.rest).toEqual(['-resume', '--max_cpus', '2'])
  })
})

describe('redact', () => {
  it('hides every secret value', () => expect(redact('token abcd1234 and abcd1234', ['abcd1234'])).toBe('token *** and ***'))
})
