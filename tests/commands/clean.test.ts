// clean: the cache is emptied but for the archives of staged revisions and the locks; one line says what was freed.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placeStaged, tmpProject, type Project } from '../helpers/project.js'

let p: Project
const cache = (f = '') => join(p.root, '.cache', f)
beforeAll(() => {
  p = tmpProject()
  placeStaged(p, 'basic')
  writeFileSync(join(p.root, 'pipelines/basic/.staged'), '1.0.0 abc\ncommit\n')
  for (const [f, n] of [['archives/basic-1.0.0.tar.gz', 1000], ['archives/basic-0.9.tar.gz', 2000], ['releases/basic-0.9/main.nf', 300], ['s3-meta.json', 50], ['locks/basic.lock', 0]] as const) {
    mkdirSync(join(cache(f), '..'), { recursive: true })
    writeFileSync(cache(f), 'x'.repeat(n))
  }
})
afterAll(() => p.cleanup())

describe('just clean', () => {
  it('frees all but the archives of staged revisions and the locks, in one line', async () => {
    const r = await p.just(['clean'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe(`clean: freed 2 kB in ${cache()} (kept 1 archive(s) of staged revisions)\n`)
    expect(existsSync(cache('archives/basic-1.0.0.tar.gz'))).toBe(true)
    expect(existsSync(cache('locks/basic.lock'))).toBe(true)
    for (const f of ['archives/basic-0.9.tar.gz', 'releases', 's3-meta.json']) expect(existsSync(cache(f)), f).toBe(false)
    expect((await p.just(['clean'])).stdout).toBe(`clean: freed 0 B in ${cache()} (kept 1 archive(s) of staged revisions)\n`)
  })
})
