import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seeded } from '../helpers/fault-proxy.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import { killAfter } from '../helpers/kill.js'
import { tmpProject } from '../helpers/project.js'
import { bigFixture, githubRoutes, packRelease } from '../helpers/release.js'

let gh: TestServer
let env: Record<string, string>

const countFiles = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0)

beforeAll(async () => {
  const [a, b] = await Promise.all([packRelease(bigFixture('one'), 'big', '1.0.0'), packRelease(bigFixture('two'), 'big', '2.0.0')])
  gh = await serve(githubRoutes('big', [{ rev: '2.0.0', archive: b }, { rev: '1.0.0', archive: a }]))
  env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
})
afterAll(() => gh.close())

describe('stage under kill -9', () => {
  it('always leaves either the previous tree or the new one, and a re-run completes', async () => {
    const p = tmpProject()
    const next = seeded(20261122)
    try {
      expect((await p.just(['stage', 'big', '1.0.0'], { env })).code).toBe(0)
      const code = join(p.root, 'pipelines/big/big')
      const total = countFiles(code)
      for (let run = 0; run < 8; run++) {
        const rev = run % 2 ? '1.0.0' : '2.0.0'
        await killAfter(p, 'stage', ['big', rev], 40 + Math.floor(next() * 500), { env })
        // whatever survived under the final name is a complete tree
        if (existsSync(code)) expect(countFiles(code)).toBe(total)
        const r = await p.just(['stage', 'big', rev], { env })
        expect(r.stderr).toBe('')
        expect(r.code).toBe(0)
        expect(countFiles(code)).toBe(total)
        expect(readFileSync(join(code, 'modules/nf-core/m1/f1.nf'), 'utf8')).toContain(rev === '1.0.0' ? 'one' : 'two')
        expect(readdirSync(join(p.root, 'pipelines/big')).filter((f) => f.startsWith('.big.'))).toEqual([])
      }
    } finally { p.cleanup() }
  }, 120_000)
})
