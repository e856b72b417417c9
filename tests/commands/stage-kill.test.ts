import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, cpSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { fixtures, tmpProject, type Project } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'

// A release big enough that a kill lands mid-extraction: the basic fixture plus 1500 generated files.
const FILES = 1000
let gh: TestServer
let env: Record<string, string>

function bigFixture(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'nfo-big-'))
  cpSync(join(fixtures, 'pipelines/basic'), dir, { recursive: true })
  for (let i = 0; i < FILES; i++) {
    const d = join(dir, 'modules/nf-core', `m${i % 150}`)
    mkdirSync(d, { recursive: true })
    writeFileSync(join(d, `f${i}.nf`), `// ${tag} ${i}\n`.repeat(40))
  }
  return dir
}

const countFiles = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? countFiles(join(dir, e.name)) : 1), 0)

/** xorshift: a seeded sequence, so a failing run can be replayed */
function rng(seed: number) { let s = seed; return () => { s ^= s << 13; s ^= s >>> 17; s ^= s << 5; return ((s >>> 0) % 10_000) / 10_000 } }

beforeAll(async () => {
  const [a, b] = await Promise.all([packRelease(bigFixture('one'), 'big', '1.0.0'), packRelease(bigFixture('two'), 'big', '2.0.0')])
  gh = await serve(githubRoutes('big', [{ rev: '2.0.0', archive: b }, { rev: '1.0.0', archive: a }]))
  env = { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url }
})
afterAll(() => gh.close())

function killAfter(p: Project, args: string[], ms: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(p.root, 'dist/scripts/stage.js'), ...args], {
      cwd: p.root, env: { ...process.env, ...env, HOME: join(p.root, 'home'), NF_OFFLINE_CACHE: join(p.root, '.cache') }, stdio: 'ignore',
    })
    const t = setTimeout(() => child.kill('SIGKILL'), ms)
    child.on('close', () => { clearTimeout(t); done() })
  })
}

describe('stage under kill -9', () => {
  it('always leaves either the previous tree or the new one, and a re-run completes', async () => {
    const p = tmpProject()
    const next = rng(20261122)
    try {
      expect((await p.just(['stage', 'big', '1.0.0'], { env })).code).toBe(0)
      const code = join(p.root, 'pipelines/big/big')
      const total = countFiles(code)
      for (let run = 0; run < 8; run++) {
        const rev = run % 2 ? '1.0.0' : '2.0.0'
        await killAfter(p, ['big', rev], 40 + Math.floor(next() * 500))
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
