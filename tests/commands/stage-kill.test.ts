// stage under kill -9 (the quick version; tests/faults/stage.test.ts runs more): the code is one revision whole.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { cleanStages, stageKills } from '../helpers/stage-kill.js'
import { tmpProject } from '../helpers/project.js'
import { bigFixture, githubRoutes, packRelease } from '../helpers/release.js'

let gh: TestServer
let env: Record<string, string>

beforeAll(async () => {
  const [a, b] = await Promise.all([packRelease(bigFixture('one'), 'big', '1.0.0'), packRelease(bigFixture('two'), 'big', '2.0.0')])
  gh = await serve(githubRoutes('big', [{ rev: '2.0.0', archive: b }, { rev: '1.0.0', archive: a }]))
  env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
})
afterAll(() => gh.close())

describe('stage under kill -9', () => {
  it('always leaves the previous revision or the new one whole, with at least 2 kills mid-work, and a re-run completes', async () => {
    const p = tmpProject()
    try {
      const { clean, ms } = await cleanStages(p, env)
      const c = await stageKills(p, env, clean, { spanMs: ms, minRuns: 8, maxRuns: 24, minMidWork: 2 })
      expect(readFileSync(join(p.root, 'pipelines/big/big/modules/nf-core/m1/f1.nf'), 'utf8')).toContain(c.runs % 2 ? 'two' : 'one')
    } finally { p.cleanup() }
  }, 180_000)
})
