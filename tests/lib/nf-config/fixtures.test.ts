import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig, type Value } from '../../../scripts/lib/nf-config/index.js'

// Each tests/fixtures/configs/<case>/ is a small nf-core-shaped config tree with expected.json beside it.
interface Expected {
  profiles: string[]
  cliParams?: Record<string, Value>
  env?: Record<string, string>
  params: Record<string, Value>
  paramsAt?: Record<string, string>
  settings: Record<string, Value>          // null: not set
  containers: [string, Value, string][]    // [selectors, value, at]
  plugins: string[]
  files: string[]
  problems: string[]
  skipped: string[]
  unresolved: [string, string][]          // [source text, at]
}

const root = join(import.meta.dirname, '../../fixtures/configs')
const cases = readdirSync(root).filter((d) => !d.startsWith('.'))

const readFile = (p: string) => {
  try {
    return readFileSync(p, 'utf8')
  } catch {
    return undefined
  }
}

describe.each(cases)('fixture %s', (name) => {
  const dir = join(root, name)
  const want = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8').replaceAll('<projectDir>', dir)) as Expected
  const c = loadConfig({ projectDir: dir, profiles: want.profiles, readFile, params: want.cliParams, env: want.env })

  it.each(Object.entries(want.params))('params.%s', (k, v) => expect(c.params[k]).toEqual(v))
  it.each(Object.entries(want.paramsAt ?? {}))('params.%s set at %s', (k, at) => expect(c.paramsAt[k]).toBe(at))
  it.each(Object.entries(want.settings))('get(%s)', (k, v) => expect(c.get(k) ?? null).toEqual(v))
  it('containers', () => {
    const got = c.assignments.filter((a) => /(^|\.)container$/.test(a.key)).map((a) => [a.selectors.join('|'), a.value, a.at])
    expect(got).toEqual(want.containers)
  })
  it('plugins, files, problems, skipped includes', () => {
    expect({ plugins: c.plugins, files: c.files, problems: c.problems, skipped: c.skipped })
      .toEqual({ plugins: want.plugins, files: want.files, problems: want.problems, skipped: want.skipped })
  })
  it('unresolved', () => expect(c.unresolved.map((u) => [u.unresolved, u.at])).toEqual(want.unresolved))
})
