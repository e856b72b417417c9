import { describe, expect, it } from 'vitest'
import { mirrorSettings, paramList } from '../../../scripts/lib/mirror/settings.js'
import { overrides } from '../../../scripts/lib/mirror/overrides.js'

describe('mirror settings', () => {
  it.each([
    [undefined, []], ['', []], ['fasta', ['fasta']], [' fasta , gtf,,', ['fasta', 'gtf']],
  ])('MIRROR_SKIP/MIRROR_INCLUDE %j → %j (one parser)', (text, want) => expect(paramList(text)).toEqual(want))

  it('reads the cap in GB (1 by default) and refuses a non-number', () => {
    expect(mirrorSettings({}).maxDefaultBytes).toBe(1e9)
    expect(mirrorSettings({ MIRROR_MAX_DEFAULT_GB: '0.5', MIRROR_INCLUDE: 'gtdb_db' })).toEqual({ skip: [], include: ['gtdb_db'], maxDefaultBytes: 5e8 })
    expect(() => mirrorSettings({ MIRROR_MAX_DEFAULT_GB: '1GB' })).toThrow(/MIRROR_MAX_DEFAULT_GB=1GB is not a number/)
  })
})

describe('overrides (pure)', () => {
  it('returns the genome files Prod would still read from the source as warnings instead of printing them', () => {
    const plan = {
      files: [{ param: 'fasta', urls: ['https://h/g.fa'], list: false, at: 'conf/test.config:1', fromTest: true, listing: false }],
      prefixes: [], skipped: [], unresolved: [],
      genome: { name: 'G', files: [{ attr: 'gtf', url: 'https://h/g.gtf' }], dirs: [] },
    }
    const r = overrides(plan, new Map([['https://h/g.fa', 's3://d/p/data/h/g.fa']]), 's3://d', 'p', undefined)
    expect(r.overrides.files).toEqual({ fasta: 's3://d/p/data/h/g.fa' })
    expect(r.warnings).toEqual(['genome file gtf = https://h/g.gtf is not under igenomes_base; Prod would read it from the source'])
  })
})
