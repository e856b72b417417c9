import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { serve } from '../helpers/http-server.js'
import { justBin, repoRoot, run, tmpProject } from '../helpers/project.js'
import { githubRoutes, packRelease } from '../helpers/release.js'

/** Recipe names of a justfile, with whether the line above is a doc comment. */
function recipes(file: string): { name: string; doc: boolean }[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const out: { name: string; doc: boolean }[] = []
  lines.forEach((l, i) => {
    const m = /^([a-z][a-z0-9_-]*)(?:\s[^:=]*)?:(?!=)/.exec(l)
    if (!m) return
    let j = i - 1
    while (j >= 0 && lines[j].startsWith('[')) j--
    if (lines.slice(j + 1, i).some((a) => a.includes('private'))) return
    out.push({ name: m[1], doc: j >= 0 && lines[j].startsWith('# ') })
  })
  return out
}

describe('justfiles', () => {
  it.each(['justfile', 'pipelines/pipeline.just'])('every public recipe of %s has a one-line doc', (f) => {
    const rs = recipes(join(repoRoot, f))
    expect(rs.length).toBeGreaterThan(5)
    expect(rs.filter((r) => !r.doc).map((r) => r.name)).toEqual([])
  })

  it('lists the root recipes with their docs, and the per-pipeline ones in a pipeline folder', async () => {
    const p = tmpProject({ pipelines: ['sarek'] })
    try {
      const root = await p.just(['--list'])
      for (const r of ['stage', 'images', 'quay', 'suggest', 'mirror', 'plugins', 'smoke', 'bootstrap', 'ship', 'demo']) {
        expect(root.stdout).toMatch(new RegExp(`^\\s+${r}\\b.*# \\S`, 'm'))
      }
      const pipe = await p.just(['--list'], { cwd: 'pipelines/sarek' })
      for (const r of ['online', 'offline', 'up', 'down', 'run', 'stub', 'preview', 'test', 'check']) {
        expect(pipe.stdout).toMatch(new RegExp(`^\\s+${r}\\b.*# \\S`, 'm'))
      }
      // plain `just` lists too
      expect((await p.just([], { cwd: 'pipelines/sarek' })).stdout).toMatch(/offline/)
    } finally { p.cleanup() }
  })

  it('gives zsh completions', async () => {
    const r = await run(justBin, ['--completions', 'zsh'], { cwd: repoRoot })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/#compdef just/)
  })

  it('node_modules/.bin/just is the binary, not the npm launcher (fast, keeps 3.10)', async () => {
    const head = readFileSync(justBin).subarray(0, 4)
    expect(head.toString('latin1')).toBe('\x7fELF')
  })

  it('a recipe that does no network work (a re-stage from the cache) answers in well under a second', async () => {
    const gh = await serve(githubRoutes('basic', [{ rev: '1.0', archive: await packRelease('basic', 'basic', '1.0') }]))
    const p = tmpProject()
    try {
      expect((await p.just(['stage', 'basic', '1.0'], { env: { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url } })).code).toBe(0)
      await gh.close()   // from here on, any network use would fail
      const times: number[] = []
      for (let i = 0; i < 3; i++) {
        const r = await p.just(['stage', 'basic'], { env: { GITHUB_URL: gh.url, GITHUB_API_URL: gh.url } })
        expect(r.stdout).toMatch(/already staged/)
        times.push(r.ms)
      }
      expect(Math.min(...times)).toBeLessThan(1000)   // measured ~0.12 s unloaded; the bound leaves room for CI load
    } finally { p.cleanup() }
  })
})
