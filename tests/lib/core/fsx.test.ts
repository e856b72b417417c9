import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { UserError } from '../../../scripts/lib/core/cli.js'
import { readTextIf, readTextOr } from '../../../scripts/lib/core/fsx.js'

const dir = mkdtempSync(join(tmpdir(), 'nfo-fsx-'))
writeFileSync(join(dir, 'a.txt'), 'héllo\n')
mkdirSync(join(dir, 'sub'))
writeFileSync(join(dir, 'locked.txt'), 'x')
chmodSync(join(dir, 'locked.txt'), 0o000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const asRoot = process.getuid?.() === 0

describe('readTextIf: absent is undefined, unreadable is an error', () => {
  it.each([
    ['a file', 'a.txt', 'héllo\n'],
    ['a missing file', 'nope.txt', undefined],
    ['under a missing folder', 'nope/a.txt', undefined],
    ['under a file (ENOTDIR)', 'a.txt/x', undefined],
  ])('%s', (_what, rel, want) => expect(readTextIf(join(dir, rel))).toBe(want))
  it('a folder is an error (EISDIR), not "absent"', () => expect(() => readTextIf(join(dir, 'sub'))).toThrow(/EISDIR/))
  it.skipIf(asRoot)('an unreadable file is an error (EACCES)', () => expect(() => readTextIf(join(dir, 'locked.txt'))).toThrow(/EACCES/))
})

describe('readTextOr', () => {
  it('returns the text', () => expect(readTextOr(join(dir, 'a.txt'), 'gone')).toBe('héllo\n'))
  it('a missing file is the one UserError given', () => {
    expect(() => readTextOr(join(dir, 'nope'), 'no plugins.list; write one')).toThrow(new UserError('no plugins.list; write one'))
  })
})
