import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analysePipeline, nfFiles } from '../../../scripts/lib/images/config.js'
import { quayVerdict } from '../../../scripts/lib/images/report.js'
import { collectImages, evaluateConfigSource, splitAlts } from '../../../scripts/lib/images/collect.js'
import { containersUnderIf } from '../../../scripts/lib/images/config-ifs.js'
import type { Val } from '../../../scripts/lib/images/container-expr.js'
import { fixtures } from '../../helpers/project.js'

// Every fixture pipeline named images-* is a case: its expected/images.json is what `just images --json` prints.
const cases = readdirSync(join(fixtures, 'pipelines')).filter((d) => d.startsWith('images-'))

describe('analysePipeline on fixture pipelines', () => {
  it.each(cases)('%s', (name) => {
    const dir = join(fixtures, 'pipelines', name)
    const expected = JSON.parse(readFileSync(join(dir, 'expected', 'images.json'), 'utf8'))
    const r = analysePipeline(dir)
    expect({ images: r.images, unresolved: r.unresolved }).toEqual(expected)
  })
})

// nf-core/tools' container-discovery mock (tests/data/mock_pipeline_containers): its expected Docker list is what
// `nextflow inspect -profile docker` reports. Each of its shapes is a fixture of ours; each must list its image.
describe("nf-core/tools' mock pipeline shapes: the image nextflow inspect -profile docker reports is listed", () => {
  it.each([
    ['images-mock-single-quay-io', 'quay.io/biocontainers/quayonly:2.4--pyhdfd78af_0'],
    ['images-mock-apptainer-or', 'quay.io/biocontainers/engineor:0.9.1--py310h4b81fae_1'],
    ['images-mock-apptainer-list-contains', 'quay.io/biocontainers/enginelist:3.0.2--h9ee0642_0'],
    ['images-mock-dsl2-current', 'quay.io/biocontainers/currentform:1.6.0--pyhdfd78af_0'],
    ['images-mock-dsl2-current-inverted', 'quay.io/biocontainers/invertedform:2.2.1--h2d1d1c3_3'],
    ['images-mock-dsl2-old-ifelse', 'quay.io/biocontainers/oldform:0.11.9--0'],
    ['images-mock-seqera-http', 'community.wave.seqera.io/library/wavehttp:8.3--3f2a9c1d7be04e55'],
    ['images-mock-seqera-oras', 'community.wave.seqera.io/library/waveoras:2.1.0--1a2b3c4d5e6f7a8b'],
    ['images-mock-seqera-oras-mulled', 'community.wave.seqera.io/library/waveoras_wavezip:8796a5b4c3d2e1f0'],
    ['images-mock-config-selectors', 'quay.io/biocontainers/r-notebook:1.2.0--r43hdfd78af_0'],
  ])('%s lists %s, and no Singularity URL', (name, image) => {
    const r = analysePipeline(join(fixtures, 'pipelines', name))
    expect(r.images.map((e) => e.image)).toContain(image)
    expect(r.images.filter((e) => /^(https?|oras):/.test(e.image))).toEqual([])
  })
  it('a process without a container lists nothing and leaves nothing unresolved', () => {
    expect(analysePipeline(join(fixtures, 'pipelines', 'images-mock-no-container'))).toMatchObject({ images: [], unresolved: [] })
  })
})

describe('collectImages: texts in, report out (no file read)', () => {
  const ENGINE = "workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container"
  const one = (text: string, registry = 'quay.io') => {
    const r = collectImages([{ path: 'm.nf', text }], { dockerRegistry: registry, containers: [], problems: [] })
    return { images: r.images.map((e) => e.image), unresolved: r.unresolved.map((u) => `${u.at}${u.registry ? ` [${u.registry}]` : ''}`) }
  }
  it.each([
    ['if/else on a param: both literals', `if (params.gpu) {\n  container 'docker.io/a/b:1-gpu'\n} else {\n  container 'b:1'\n}`,
      { images: ['docker.io/a/b:1-gpu', 'quay.io/b:1'], unresolved: [] }],
    ['ternary on task.ext: both literals', `container "\${ task.ext.gpu ? 'nvcr.io/x:1' : 'biocontainers/x:1' }"`,
      { images: ['nvcr.io/x:1', 'quay.io/biocontainers/x:1'], unresolved: [] }],
    ['elvis on a param: the literal, and the param unresolved', `container params.image ?: 'biocontainers/x:1'`,
      { images: ['quay.io/biocontainers/x:1'], unresolved: ['m.nf:1'] }],
    ['a literal and a partial: the literal, the partial unresolved with its registry', `container params.a ? 'x:1' : "quay.io/y:\${params.v}"`,
      { images: ['quay.io/x:1'], unresolved: ['m.nf:1 [quay.io]'] }],
    ['engine in a list literal, method form', `container "\${ ['singularity', 'apptainer'].contains(workflow.containerEngine) ? 'https://d/x' : 'biocontainers/x:1' }"`,
      { images: ['quay.io/biocontainers/x:1'], unresolved: [] }],
    ['Singularity URLs under an undecided condition are not Docker images', `container "\${ params.s ? 'https://depot/x.sif' : 'biocontainers/x:1' }"`,
      { images: ['quay.io/biocontainers/x:1'], unresolved: [] }],
    ['only Singularity URLs: nothing Docker can run, reported', `container "\${ params.s ? 'https://depot/x.sif' : 'oras://h/x:1' }"`,
      { images: [], unresolved: ['m.nf:1'] }],
    ['a Singularity URL as the only value: nothing Docker can run, reported', `container 'https://depot/x.sif'`,
      { images: [], unresolved: ['m.nf:1'] }],
    ['the usual nf-core ternary: the Docker branch only', `container "\${ ${ENGINE} ? 'https://depot/x' : 'biocontainers/x:1' }"`,
      { images: ['quay.io/biocontainers/x:1'], unresolved: [] }],
    ['container null under an undecided if: no image, nothing unresolved', `if (params.local) {\n  container null\n}`,
      { images: [], unresolved: [] }],
  ])('%s', (_name, text, expected) => expect(one(text)).toEqual(expected))
})

describe('splitAlts: what a container value may be under Docker', () => {
  it.each<[Val, ReturnType<typeof splitAlts>]>([
    [{ k: 'known', v: 'a:1' }, { images: ['a:1'], partial: [], dropped: 0 }],
    [{ k: 'known', v: null }, { images: [], partial: [], dropped: 0 }],
    [{ k: 'known', v: '' }, { images: [], partial: [], dropped: 0 }],
    [{ k: 'known', v: 'oras://h/a:1' }, { images: [], partial: [], dropped: 1 }],
    [{ k: 'unk' }, { images: [], partial: [{ prefix: '', exact: false }], dropped: 0 }],
    [{ k: 'unk', alts: [{ prefix: 'a:1', exact: true }, { prefix: 'oras://h/a:1', exact: true }, { prefix: 'b:', exact: false }] },
      { images: ['a:1'], partial: [{ prefix: 'b:', exact: false }], dropped: 1 }],
  ])('%j', (v, expected) => expect(splitAlts(v)).toEqual(expected))
})

describe('nfFiles', () => {
  it('finds .nf files sorted, skipping run leftovers and VCS folders', () => {
    const d = mkdtempSync(join(tmpdir(), 'nfo-nf-'))
    try {
      for (const f of ['main.nf', 'modules/b/main.nf', 'modules/a/main.nf', 'work/ab/cd/x.nf', '.git/x.nf', 'results/y.nf', 'docs/z.md', 'modules/a/tests/main.nf.test']) {
        mkdirSync(join(d, f, '..'), { recursive: true })
        writeFileSync(join(d, f), '')
      }
      expect(nfFiles(d)).toEqual(['main.nf', 'modules/a/main.nf', 'modules/b/main.nf'])
    } finally { rmSync(d, { recursive: true, force: true }) }
  })
})

describe('evaluateConfigSource: config right-hand sides the config reader leaves unresolved', () => {
  it.each([
    [`{ workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container ? 'https://x/data' : 'community.wave.seqera.io/library/a:1' }`, { k: 'known', v: 'community.wave.seqera.io/library/a:1' }],
    [`{\n  (workflow.containerEngine == 'singularity')\n  ? 'https://x'\n  : 'biocontainers/b:2'\n}`, { k: 'known', v: 'biocontainers/b:2' }],
    [`{ params.vep_genome ? "docker.io/nfcore/vep:\${params.vep_version}" : "docker.io/nfcore/vep:x" }`, { k: 'unk', alts: [{ prefix: 'docker.io/nfcore/vep:', exact: false }, { prefix: 'docker.io/nfcore/vep:x', exact: true }] }],
    [`"nfcore/snpeff:\${params.snpeff_version}"`, { k: 'unk', alts: [{ prefix: 'nfcore/snpeff:', exact: false }] }],
    [`{ meta -> meta.image }`, { k: 'unk' }],
    [`{ def x = 'a'; x }`, { k: 'unk' }],
  ])('%s', (raw, value) => expect(evaluateConfigSource(raw)).toEqual(value))
})

describe('containersUnderIf: what an undecided config if would drop', () => {
  const src = [
    'process {',                                                  // 1
    "  if (a.b()) { withName: X { container = 'x:1' } }",        // 2
    "  else if (c.d()) { process.container = 'y:1' }",           // 3
    "  else { ext.args = '--container=z' }",                     // 4
    '}',                                                         // 5
    "if (e.f()) { docker.container = 'no' }",                     // 6
    "if (g.h()) {\n  container = { params.t ? 'p:1' : 'q:1' }\n}", // 7-9
  ].join('\n')
  it.each([
    [2, [[2, "'x:1'"], [3, "'y:1'"]]],
    [6, []],
    [7, [[8, "{ params.t ? 'p:1' : 'q:1' }"]]],
    [5, []],
  ])('the if on line %s', (line, expected) => {
    expect(containersUnderIf(src, line).map((c) => [c.line, c.raw])).toEqual(expected)
  })
})

describe('quayVerdict', () => {
  const img = (image: string, registry: string) => ({ image, registry, declared_in: ['m.nf:1'] })
  it.each([
    ['all on quay.io', [img('quay.io/a:1', 'quay.io')], [], false, true],
    ['one elsewhere', [img('quay.io/a:1', 'quay.io'), img('community.wave.seqera.io/library/b:1', 'community.wave.seqera.io')], [], false, false],
    ['unresolved on quay.io, not allowed', [img('quay.io/a:1', 'quay.io')], [{ at: 'x.nf:2', text: 't', registry: 'quay.io' }], false, false],
    ['unresolved on quay.io, allowed', [img('quay.io/a:1', 'quay.io')], [{ at: 'x.nf:2', text: 't', registry: 'quay.io' }], true, true],
    ['unresolved elsewhere fails even when allowed', [], [{ at: 'x.nf:2', text: 't', registry: 'docker.io' }], true, false],
    ['unresolved of unknown registry, allowed', [], [{ at: 'x.nf:2', text: 't' }], true, true],
    ['no image at all is no evidence', [], [], true, false],
  ])('%s', (_n, images, unresolved, allow, ok) => {
    expect(quayVerdict({ images, unresolved }, allow).ok).toBe(ok)
  })
})
