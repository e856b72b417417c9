import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { fixtures, placeStaged, tmpProject, type Project } from '../helpers/project.js'

function stagedProject(fixture: string, name = fixture): Project {
  const p = tmpProject()
  placeStaged(p, fixture, name)
  return p
}

const expected = (fixture: string) => JSON.parse(readFileSync(join(fixtures, 'pipelines', fixture, 'expected/images.json'), 'utf8'))
const lines = (fixture: string) => expected(fixture).images.map((e: { image: string }) => `${e.image}\n`).join('')

describe('just images', () => {
  let p: Project
  beforeAll(() => { p = stagedProject('images-plain-and-hosts', 'plain') })
  afterAll(() => p.cleanup())

  it.each([
    [['images', 'plain'], ''],
    [['images', 'PIPELINE=plain'], ''],
    [['PIPELINE=plain', 'images'], ''],
    [['images'], 'pipelines/plain'],
    [['images'], 'pipelines/plain/plain/modules'],
  ])('`just %s` in /%s prints one qualified image a line, sorted, and writes images.txt', async (args, cwd) => {
    const r = await p.just(args, { cwd })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(lines('images-plain-and-hosts'))
    expect(readFileSync(join(p.root, 'pipelines/plain/images.txt'), 'utf8')).toBe(r.stdout)
    expect(readdirSync(join(p.root, 'pipelines/plain')).filter((f) => f.includes('.tmp-'))).toEqual([])
  })

  it('--json gives images with registry and declared_in, and the unresolved list', async () => {
    const r = await p.just(['images', 'plain', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(expected('images-plain-and-hosts'))
  })

  it('lists each value a variable may hold, the rest unresolved on stderr with file:line, and still exits 0', async () => {
    const q = stagedProject('images-container-variable', 'vars')
    try {
      const r = await q.just(['images', 'vars'])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(lines('images-container-variable'))
      expect(r.stdout).toMatch(/^quay\.io\/biocontainers\/mulled-v2-.*:59cdd44.*\nquay\.io\/biocontainers\/mulled-v2-.*:afaaa4c.*\n/)
      expect(r.stderr.startsWith('images: 1 declaration(s) could not be resolved statically:\n' +
        '  modules/local/tagged.nf:2: container "quay.io/biocontainers/bcftools:${params.bcftools_version}" [registry quay.io]\n')).toBe(true)
    } finally { q.cleanup() }
  })

  it.each([
    ['images-ifelse-params-gpu', 'if/else on a param'],
    ['images-ternary-task-ext-gpu', 'a ternary on task.ext'],
  ])('%s: every literal branch of %s is listed, nothing unresolved', async (fixture) => {
    const q = stagedProject(fixture, 'branches')
    try {
      const r = await q.just(['images', 'branches'])
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(lines(fixture))
    } finally { q.cleanup() }
  })

  it('says to stage a pipeline that is not staged, in one line', async () => {
    const r = await p.just(['images', 'rnaseq'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('images: pipelines/rnaseq/rnaseq is not staged; run: just stage rnaseq (Dev) or just down rnaseq (Prod)\n')
  })

  it('fails in one line on a config it cannot parse', async () => {
    const q = stagedProject('images-ternary-forms', 'broken')
    try {
      writeFileSync(join(q.root, 'pipelines/broken/broken/nextflow.config'), "params {\n  x = 'unterminated\n}\n")
      const r = await q.just(['images', 'broken'])
      expect(r.code).toBe(1)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/^images: cannot read the pipeline's config: .*nextflow\.config:2/)
      expect(existsSync(join(q.root, 'pipelines/broken/images.txt'))).toBe(false)
    } finally { q.cleanup() }
  })

  it('warns on stderr about config files it could not load, as images may be missing', async () => {
    const q = stagedProject('images-plain-and-hosts', 'partial')
    try {
      const conf = join(q.root, 'pipelines/partial/partial/nextflow.config')
      writeFileSync(conf, readFileSync(conf, 'utf8') + "includeConfig 'conf/gone.config'\n")
      const r = await q.just(['images', 'partial'])
      expect(r.code).toBe(0)
      expect(r.stdout).toBe(lines('images-plain-and-hosts'))
      expect(r.stderr).toMatch(/^images: config: .*gone\.config/m)
    } finally { q.cleanup() }
  })

  it('runs in well under a second on a pipeline of 200 generated modules', async () => {
    const q = stagedProject('images-ternary-forms', 'big')
    try {
      const mods = join(q.root, 'pipelines/big/big/modules/nf-core')
      for (let i = 0; i < 200; i++) {
        mkdirSync(join(mods, `tool${i}`), { recursive: true })
        writeFileSync(join(mods, `tool${i}`, 'main.nf'), `process TOOL${i} {\n    container "\${ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ?\n        'https://depot.galaxyproject.org/singularity/tool${i}:1.0--0' :\n        'biocontainers/tool${i}:1.0--0' }"\n\n    script:\n    """\n    tool${i} --threads $task.cpus > out.txt\n    """\n}\n`)
      }
      const r = await q.script('images', ['big'])
      expect(r.code).toBe(0)
      expect(r.stdout.trim().split('\n')).toHaveLength(206)
      expect(r.ms).toBeLessThan(1500)   // the 0.5 s target is measured on sarek in the report; CI machines vary
    } finally { q.cleanup() }
  })
})

describe('just images --check', () => {
  let reg: TestServer
  let p: Project
  beforeAll(async () => {
    reg = await serve([{
      path: /^\/v2\/.*\/manifests\//,
      handler: (req, res, url) => {
        const ok = url.pathname.includes('/biocontainers/fastqc/')
        res.writeHead(ok ? 200 : 404, ok ? { 'docker-content-digest': 'sha256:' + 'a'.repeat(64), 'content-type': 'application/vnd.oci.image.index.v1+json' } : {})
        res.end()
      },
    }, { path: '/v2/', json: {} }])
    p = stagedProject('images-plain-and-hosts', 'plain')
  })
  afterAll(async () => { await reg.close(); p.cleanup() })

  it('prints ✓ image digest / ✗ image: reason and exits 1 when any fails', async () => {
    const r = await p.just(['images', 'plain', '--check'], { env: { REGISTRY_PROXY: reg.url } })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`✓ quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0 sha256:${'a'.repeat(64)}\n`)
    expect(r.stdout).toMatch(/✗ quay\.io\/nf-core\/gatk:4\.5\.0\.0: /)
    expect(r.stdout).toMatch(/done: 1 ok, 6 failed\n$/)
  })

  it('needs REGISTRY_PROXY, said in one line', async () => {
    const sys = join(p.root, 'env/System-ENV')
    writeFileSync(sys, readFileSync(sys, 'utf8').replace(/^export REGISTRY_PROXY=.*$/m, ''))
    const r = await p.just(['images', 'plain', '--check'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^images: REGISTRY_PROXY is not set; add it to env\/System-ENV/)
  })
})
