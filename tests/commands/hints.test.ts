// hints: every "run: just …" a command prints is a recipe invocation that works in the folder where it was printed
// (a pipeline folder falls back to the root recipes); collected from real failures, then each run where it was shown.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fakeTools, type FakeTools } from '../helpers/fake-nextflow.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import { placeStaged, repoRoot, tmpProject, type Project, cacheConfigs } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { recordDerived } from '../../scripts/lib/stage/derived.js'
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'

let p: Project, net: TestServer, s3: TestS3, tools: FakeTools, env: Record<string, string>

/**
 * `just …` commands named in an output: after run:/run/with:/then, or between backquotes; trailing prose dropped.
 * A hint followed by `(in pipelines/<name>)` is meant for that folder.
 */
export function hintsIn(text: string): { hint: string; folder?: string }[] {
  const out = new Map<string, { hint: string; folder?: string }>()
  for (const m of text.matchAll(/(?:run:?|with:|then|or|`)\s*(just(?: (?!on\b|for\b|then\b|or\b|first\b|in\b)[^\s;,()`]+)+)`?(?: \(?in (pipelines\/[\w.-]+))?/g)) {
    out.set(`${m[1]} ${m[2] ?? ''}`, { hint: m[1], folder: m[2] })
  }
  return [...out.values()]
}

/** The recipes the sources' hints name (`run: just stage …` → stage). */
function hintedRecipes(): Set<string> {
  const names = new Set<string>()
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else if (e.name.endsWith('.ts') && !d.includes('demo')) {
        for (const m of readFileSync(join(d, e.name), 'utf8').matchAll(/(?:run:?|with:|then) \\?`?just ([a-z]+)/g)) names.add(m[1])
      }
    }
  }
  walk(join(repoRoot, 'scripts'))
  return names
}

beforeAll(async () => {
  net = await serve([{ path: '/repos/nf-core/basic', json: { name: 'basic' } }])   // a real repo, without that release
  s3 = await startS3(['bucket'])
  tools = fakeTools()
  p = tmpProject()
  cacheConfigs(p)
  placeStaged(p, 'basic')   // staged, not mirrored
  copyFileSync(join(p.root, 'pipelines/basic/basic/conf/test.config'), join(p.root, 'pipelines/basic/basic/conf/test.config.orig'))
  writeFileSync(join(p.root, 'pipelines/basic/images.txt'), '')   // as images leaves it for a pipeline without containers
  recordDerived(join(p.root, 'pipelines/basic'), 'images.txt', undefined, '')
  // an unstaged folder, as `git clone` of the toolkit leaves one: Pipeline-ENV and the justfile link only
  mkdirSync(join(p.root, 'pipelines/bare'))
  writeFileSync(join(p.root, 'pipelines/bare/Pipeline-ENV'), 'export PIPELINE=bare\nexport REVISION=1.0.0\n')
  symlinkSync('../pipeline.just', join(p.root, 'pipelines/bare/justfile'))
  env = {
    ...s3.env, S3_ROOT: 's3://bucket/x', GITHUB_URL: net.url, GITHUB_API_URL: net.url, REGISTRY_PROXY: net.url,
    NXF_PLUGINS_INDEX_URL: net.url, NXF_PLUGINS_REGISTRY_URL: net.url, PATH: tools.path([dirname(process.execPath), '/usr/bin', '/bin']),
  }
}, 60_000)
afterAll(async () => { p.cleanup(); tools.cleanup(); await net.close(); await s3.stop() })

describe('advice works where it is printed', () => {
  it('every hint printed at the root or in a pipeline folder is a valid invocation there', async () => {
    // failures that print advice, where a user meets them
    const cases: [cwd: string, words: string[]][] = [
      ['pipelines/bare', ['up']], ['pipelines/bare', ['run']], ['pipelines/bare', ['stub']], ['pipelines/bare', ['images']],
      ['pipelines/bare', ['mirror']], ['pipelines/bare', ['down']], ['pipelines/basic', ['down']],
      ['pipelines/basic', ['check', '--local']], ['pipelines/basic', ['check', '--data']], ['pipelines/basic', ['check', '--images']], ['pipelines/basic', ['check', '--local', '--images']],
      ['', ['images', 'bare']], ['', ['mirror', 'bare']], ['', ['smoke', 'bare']], ['', ['quay', 'bare']], ['', ['stage', 'basic', '9.9.9']],
      ['', ['mirror', 'basic', '--from-log']], ['pipelines/basic', ['mirror', '--from-log']], ['', ['plugins', '--down']], ['pipelines/basic', ['plugins', '--down']], ['', ['bootstrap', 'basic']], ['', ['down', 'basic']],
    ]
    const shown: { cwd: string; from: string; hint: string }[] = []
    for (const [cwd, words] of cases) {
      const r = await p.just(words, { cwd, env, timeoutMs: 60_000 })
      if (process.env.HINTS_DEBUG) console.log(cwd, words.join(" "), "=>", r.code, r.stdout.slice(-300), r.stderr)
      for (const h of hintsIn(r.stdout + r.stderr)) shown.push({ cwd: h.folder ?? cwd, from: words.join(' '), hint: h.hint })
    }
    // every recipe the sources' hints name was met at least once
    const met = new Set(shown.map((s) => s.hint.split(' ')[1]))
    for (const r of hintedRecipes()) expect(met.has(r), `no case printed a hint for just ${r}`).toBe(true)

    for (const { cwd, from, hint } of shown) {
      const r = await p.just(hint.split(' ').slice(1), { cwd, env, timeoutMs: 60_000 })
      const label = `"${hint}" printed by "just ${from}" in ${cwd || 'the root'}: ${r.stderr}`
      expect(r.stderr, label).not.toMatch(/does not contain recipe|unknown option|unexpected word|unknown setting|unknown word/)
      expect(r.code, label).not.toBe(2)
    }
    console.log(`hints: ${shown.length} shown by ${cases.length} failures, each run where it was printed: ${[...new Set(shown.map((s) => `${s.cwd || '.'}: ${s.hint}`))].join(' | ')}`)
  }, 600_000)

  it('`just up` at the root names a pipeline: it pushes that folder, never the toolkit', async () => {
    const r = await p.just(['up'], { env })
    expect(r).toMatchObject({ code: 1, stderr: 'up: PIPELINE is not set; name one, e.g. PIPELINE=rnaseq\n' })
    const b = await p.just(['up', 'basic', '--dry-run'], { env })
    expect(b.code, b.stderr).toBe(0)
    expect(b.stdout).toMatch(/up basic → s3:\/\/bucket\/x\/basic/)
    expect(b.stdout).not.toMatch(/toolkit|dist\/scripts/)
  })
})
