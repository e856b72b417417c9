import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { placeStaged, tmpProject, type Project } from '../helpers/project.js'

let p: Project
beforeAll(() => {
  p = tmpProject()
  // fixtures staged as pipelines/<name>/<name>, as `just stage` leaves them
  for (const [fixture, name] of [['basic', 'basic'], ['images-plain-and-hosts', 'hosts'], ['images-container-variable', 'vars'], ['images-config-profiles', 'closures'], ['images-ifelse-params-gpu', 'gpu']]) {
    placeStaged(p, fixture, name)
  }
})
afterAll(() => p.cleanup())

describe('just quay', () => {
  it.each([[['quay', 'basic'], ''], [['quay'], 'pipelines/basic']])('`just %s` in /%s passes with one summary line', async (args, cwd) => {
    const r = await p.just(args, { cwd })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('quay: all 2 images of basic are on quay.io\n')
  })

  it('fails listing each image not on quay.io with where it is declared', async () => {
    const r = await p.just(['quay', 'PIPELINE=hosts'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe([
      '✗ community.wave.seqera.io/library/coreutils_grep_gzip_lbzip2_pruned:838ba80435a629f8 (community.wave.seqera.io) declared in modules/nf-core/cat/fastq/main.nf:6',
      '✗ docker.io/google/deepvariant:1.10.0 (docker.io) declared in modules/nf-core/deepvariant/rundeepvariant/main.nf:6',
      '✗ nvcr.io/nvidia/clara/clara-parabricks:4.7.1-1 (nvcr.io) declared in modules/nf-core/parabricks/fq2bam/main.nf:6',
      '',
    ].join('\n'))
    expect(r.stderr).toBe('quay: hosts: 3 of 7 images are not on quay.io\n')
  })

  it('fails on unresolved declarations unless --allow-unresolved', async () => {
    const r = await p.just(['quay', 'vars'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('? modules/local/tagged.nf:2: container "quay.io/biocontainers/bcftools:${params.bcftools_version}" [registry quay.io]\n')
    expect(r.stderr).toBe('quay: vars: 1 declaration(s) unresolved (--allow-unresolved to accept them)\n')
    const ok = await p.just(['quay', 'vars', '--allow-unresolved'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/^quay: all 3 images of vars are on quay\.io \(1 unresolved declaration\(s\) allowed\)$/m)
  })

  it('judges every branch: the GPU image of an if/else off quay.io fails the release, named with where it is declared', async () => {
    const r = await p.just(['quay', 'gpu'])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('✗ docker.io/examplelab/variant_caller:r2.1-gpu (docker.io) declared in modules/local/variant_caller.nf:6\n')
    expect(r.stderr).toBe('quay: gpu: 1 of 3 images are not on quay.io\n')
  })

  it('an unresolved declaration whose registry is known to be elsewhere fails even when allowed', async () => {
    const r = await p.just(['quay', 'closures', '--allow-unresolved'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/✗ community\.wave\.seqera\.io\/library\/star_samtools_gawk:79ca42311e583cdc \(community\.wave\.seqera\.io\) declared in subworkflows\/local\/prepare_genome\/nextflow\.config:4/)
    expect(r.stdout).toMatch(/\? conf\/modules\.config:10: container = \{ params\.vep_genome .* \[registry docker\.io\]/)
    expect(r.stderr).toBe('quay: closures: 1 of 5 images are not on quay.io; 1 declaration(s) unresolved\n')
  })

  it('fails when no container is declared at all', async () => {
    const dir = join(p.root, 'pipelines/bare/bare')
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'nextflow.config'), "profiles { docker { docker.enabled = true } }\n")
    writeFileSync(join(dir, 'main.nf'), 'workflow { }\n')
    const r = await p.just(['quay', 'bare'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('quay: bare: no container declaration found under -profile docker\n')
  })

  it('says to stage first', async () => {
    const r = await p.just(['quay', 'sarek'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('quay: pipelines/sarek/sarek is not staged; run: just stage sarek (Dev) or just down sarek (Prod)\n')
  })
})
