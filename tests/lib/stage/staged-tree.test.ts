import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { requireStaged, stagedIdentity, stagedProblem, treeProblem, writeStamp } from '../../../scripts/lib/stage/staged-tree.js'
import { staleFiles } from '../../../scripts/lib/stage/derived.js'
import { MARKER } from '../../../scripts/lib/mirror/test-config.js'

const base = mkdtempSync(join(tmpdir(), 'nfo-tree-'))
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('one staged-tree check', () => {
  it.each([
    // top files present, stamp           → problem ('' = whole)
    [null, false, ''],
    [['nextflow.config', 'main.nf'], false, ''],
    [['nextflow.config', 'main.nf'], true, ''],
    [['nextflow.config'], true, 'pipelines/p/p is not a whole release (no main.nf at its top)'],
    [['main.nf'], false, 'pipelines/p/p is not a whole release (no nextflow.config at its top)'],
    [[], true, 'pipelines/p/p is not a whole release (no nextflow.config or main.nf at its top)'],
  ] as [string[] | null, boolean, string][])('files %j, stamp %s → %j', (files, stamp, want) => {
    const dir = mkdtempSync(join(base, 'p-'))
    if (files) { mkdirSync(join(dir, 'p')); for (const f of files) writeFileSync(join(dir, 'p', f), '') }
    if (stamp) writeStamp(dir, { revision: '1.0', sha256: 'abc', commit: '' })
    expect(stagedProblem(dir, 'p')).toBe(files ? want : 'pipelines/p/p is not staged')
    if (files && !want) expect(requireStaged(dir, 'p')).toBe(join(dir, 'p'))
    else expect(() => requireStaged(dir, 'p')).toThrow(/; run: just stage p \(Dev\) or just down p \(Prod\)$/)
  })

  it.each([
    [true, [], ''], [false, [], 'pipelines/x/x is not staged'], [false, ['main.nf'], 'pipelines/x/x is not staged'],
  ] as [boolean, string[], string][])('treeProblem(exists %s, missing %j) = %j', (exists, missing, want) => expect(treeProblem('x', exists, missing)).toBe(want))

  it('the staged release is the stamp, else Pipeline-ENV REVISION', () => {
    const dir = mkdtempSync(join(base, 'id-'))
    expect(stagedIdentity(dir, undefined)).toBeUndefined()
    expect(stagedIdentity(dir, '2.0')).toEqual({ revision: '2.0', commit: '' })
    writeStamp(dir, { revision: '3.10', sha256: 'f00', commit: 'a'.repeat(40) })
    expect(stagedIdentity(dir, '2.0')).toEqual({ revision: '3.10', commit: 'a'.repeat(40) })
  })
})

describe('derived files of another release', () => {
  const id = { revision: '3.10', commit: '' }
  const rec = (revision: string) => ({ revision, commit: '', sha256: '', by: 'mirror' as const })
  it.each([
    ['recorded for the staged release', { 'inputs3.csv': 'a\n' }, { 'inputs3.csv': rec('3.10') }, []],
    ['recorded for another', { 'inputs3.csv': 'a\n' }, { 'inputs3.csv': rec('3.18.0') }, ['inputs3.csv']],
    ['absent', { 'inputs3.csv': undefined }, { 'inputs3.csv': rec('3.18.0') }, []],
    ['not recorded', { 'images.txt': 'x\n' }, {}, ['images.txt']],
    ['test.config: the release\'s own, not recorded', { 'test.config': 'params {}\n' }, {}, []],
    ['test.config: mirror\'s block, not recorded', { 'test.config': `params {}\n${MARKER}\n` }, {}, ['test.config']],
    ['another commit of the same tag', { 'test.config': 'x' }, { 'test.config': { ...rec('3.10'), commit: 'b'.repeat(40) } }, ['test.config']],
  ] as [string, Record<string, string | undefined>, Record<string, ReturnType<typeof rec>>, string[]][])('%s', (_, present, records, want) => {
    expect(staleFiles(present, records, id, 'p').map((s) => s.file)).toEqual(want)
  })
})
