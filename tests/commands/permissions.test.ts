// permissions: a folder the user cannot write is named as what to fix (never one of our temp names); images still
// prints its list. Tests run as root, which ignores modes: the commands run as `nobody` through setpriv.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeError } from '../../scripts/lib/core/cli.js'
import { placeStaged, run, tmpProject, type Project } from '../helpers/project.js'

const err = (code: string, syscall: string, path: string) => Object.assign(new Error(`${code}: x`), { code, syscall, path })

describe('describeError names what to fix', () => {
  it.each([
    [err('EACCES', 'open', '/t/pipelines/rnaseq/.inputs3.csv.tmp-16605-bwaad5'), 'cannot write inputs3.csv in /t/pipelines/rnaseq (permission denied); make that folder writable for this user, or run as its owner'],
    [err('EROFS', 'open', '/t/pipelines/rnaseq/.test.config.tmp-1-abc'), 'cannot write test.config in /t/pipelines/rnaseq (read-only file system); make that folder writable for this user, or run as its owner'],
    [err('EACCES', 'mkdir', '/t/offline/rnaseq'), 'cannot write rnaseq in /t/offline (permission denied); make that folder writable for this user, or run as its owner'],
    [err('EACCES', 'open', '/t/pipelines/rnaseq/images.txt'), 'cannot write /t/pipelines/rnaseq/images.txt (permission denied); make it (and its folder) writable for this user, or run as its owner'],
  ])('%s', (e, line) => expect(describeError(e)).toBe(line))
})

const asNobody = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']).status === 0

describe.skipIf(!asNobody)('a read-only pipeline folder (run as nobody)', () => {
  let p: Project, cache: string
  beforeAll(() => {
    p = tmpProject()
    placeStaged(p, 'basic')
    cache = mkdtempSync(join(tmpdir(), 'nfo-cache-'))
    chmodSync(cache, 0o777)
    chmodSync(p.root, 0o755)
    chmodSync(join(p.root, 'pipelines/basic'), 0o555)
  })
  afterAll(() => { p.cleanup(); rmSync(cache, { recursive: true, force: true }) })

  it('images prints the list and warns in one line naming the folder', async () => {
    const r = await run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(p.root, 'dist/scripts/images.js'), 'basic'],
      { cwd: p.root, env: { HOME: join(p.root, 'home'), NF_OFFLINE_CACHE: cache } })
    expect(r.stderr).toBe(`images: warning: pipelines/basic/images.txt not written: cannot write images.txt in ${join(p.root, 'pipelines/basic')} (permission denied); make that folder writable for this user, or run as its owner\n`)
    expect(r.stdout).toMatch(/^quay\.io\//m)
    expect(r.code).toBe(0)
  })
})
