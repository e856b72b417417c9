import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { analysePipeline } from '../../../scripts/lib/images/config.js'
import { quayVerdict } from '../../../scripts/lib/images/report.js'
import { evaluateConfigSource, nfFiles } from '../../../scripts/lib/images/collect.js'
import { containersUnderIf } from '../../../scripts/lib/images/config-ifs.js'
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
