import { describe, expect, it } from 'vitest'
import { scanNf } from '../../../scripts/lib/images/container-scan.js'

const ENGINE = "workflow.containerEngine == 'singularity' && !task.ext.singularity_pull_docker_container"
/** the value each declaration resolves to under Docker ('?' = unresolved), with its line */
const values = (src: string) => scanNf(src).map((f) => [f.line, f.value.k === 'known' ? f.value.v : '?'])

describe('scanNf: forms of container declarations in .nf files', () => {
  it.each([
    ['nf-core ternary over three lines', `process A {\n    container "\${ ${ENGINE} ?\n        'https://depot.galaxyproject.org/singularity/qualimap:2.2.2d--1' :\n        'biocontainers/qualimap:2.2.2d--1' }"\n}`, [[2, 'biocontainers/qualimap:2.2.2d--1']]],
    ['ternary on one line', `container "\${ ${ENGINE} ? 'https://x/s' : 'biocontainers/x:1' }"`, [[1, 'biocontainers/x:1']]],
    ['`in [...]` with leading operators', `  container "\${workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container\n        ? 'https://community-cr-prod.seqera.io/docker/registry/v2/blobs/sha256/4c/data'\n        : 'community.wave.seqera.io/library/htslib_samtools_xz:1595ae0727655963'}"`, [[1, 'community.wave.seqera.io/library/htslib_samtools_xz:1595ae0727655963']]],
    ['oras:// singularity branch', `container "\${ ${ENGINE} ?\n  'oras://community.wave.seqera.io/library/bedtools_coreutils:ba273c06a3909a15':\n  'community.wave.seqera.io/library/bedtools_coreutils:a623c13f66d5262b' }"`, [[1, 'community.wave.seqera.io/library/bedtools_coreutils:a623c13f66d5262b']]],
    ['inverted: != and ||', `container "\${ workflow.containerEngine != 'singularity' || task.ext.singularity_pull_docker_container ?\n  'biocontainers/x:1' :\n  'https://depot/x' }"`, [[1, 'biocontainers/x:1']]],
    ['inverted: !(... in [...])', `container "\${ !(workflow.containerEngine in ['singularity','apptainer']) ? 'biocontainers/y:2' : 'oras://y' }"`, [[1, 'biocontainers/y:2']]],
    ['plain single quotes', `    container 'nf-core/sentieon:202112.06'`, [[1, 'nf-core/sentieon:202112.06']]],
    ['plain double quotes, trailing comment', `    container "nf-core/gatk:4.5.0.0" //Biocontainers is missing a package`, [[1, 'nf-core/gatk:4.5.0.0']]],
    ['identical branches', `container "\${ ${ENGINE} ? 'google/deepvariant:1.3.0' : 'google/deepvariant:1.3.0' }"`, [[1, 'google/deepvariant:1.3.0']]],
    ['identical branches under an unknown condition', `container "\${ params.gpu ? 'google/deepvariant:1.3.0' : 'google/deepvariant:1.3.0' }"`, [[1, 'google/deepvariant:1.3.0']]],
    ['explicit host', `container "docker.io/google/deepvariant:1.10.0"`, [[1, 'docker.io/google/deepvariant:1.10.0']]],
    ['trailing whitespace in quotes (kept here, trimmed when qualified)', `container "\${ ${ENGINE} ? 'https://d/c' : 'biocontainers/control-freec:11.6b--hdbdd923_0 ' }"`, [[1, 'biocontainers/control-freec:11.6b--hdbdd923_0 ']]],
    ['docker:// prefix (dropped when qualified)', `container 'docker://biocontainers/x:1'`, [[1, 'docker://biocontainers/x:1']]],
    ['variable assigned once', `process S {\n  container "\${ ${ENGINE} ?\n    "https://depot/\${container_id}" :\n    "quay.io/biocontainers/\${container_id}" }"\n  script:\n  container_id = 'mulled-v2-1fa:afa-0'\n  """\n  star\n  """\n}`, [[2, 'quay.io/biocontainers/mulled-v2-1fa:afa-0']]],
    ['variable assigned twice, once under an if', `process S {\n  container "quay.io/biocontainers/\${container_id}"\n  script:\n  container_id = 'a:1'\n  if (is_aws_igenome) {\n    container_id = 'b:2'\n  }\n}`, [[2, '?']]],
    ['early DSL2 if/else', `process F {\n  if (workflow.containerEngine == 'singularity' && !params.singularity_pull_docker_container) {\n    container "https://depot.galaxyproject.org/singularity/bedtools:2.29.2--hc088bd4_0"\n  } else {\n    container "quay.io/biocontainers/bedtools:2.29.2--hc088bd4_0"\n  }\n}`, [[5, 'quay.io/biocontainers/bedtools:2.29.2--hc088bd4_0']]],
    ['if / else if / else', `if (workflow.containerEngine == 'singularity') {\n container 'https://s'\n} else if (workflow.containerEngine == 'docker') {\n container 'biocontainers/d:1'\n} else {\n container 'biocontainers/o:1'\n}`, [[4, 'biocontainers/d:1']]],
    ['undecidable ternary over params', `container "\${ params.arm ? 'biocontainers/a:1' : 'biocontainers/b:1' }"`, [[1, '?']]],
    ['GString with an unknown variable', `container "quay.io/biocontainers/\${params.tag}"`, [[1, '?']]],
    ['task.container and workflow.container are not declarations', `if (workflow.container) x = workflow.container\ndef c = task.container`, []],
    ['the word inside a script string is not a declaration', `process P {\n  script:\n  """\n  container 'x'\n  echo "// not a comment" '\n  """\n}`, []],
    ['a URL with // inside a string is not a comment', `container "\${ ${ENGINE} ? 'https://depot.galaxyproject.org/singularity/x' : 'biocontainers/x:1' }" // why`, [[1, 'biocontainers/x:1']]],
    ['slashy regex before the directive', `def n = file.name.replaceAll(/"/, '')\ncontainer 'biocontainers/x:1'`, [[2, 'biocontainers/x:1']]],
    ['division is not a slashy string', `def m = task.memory.toGiga() / 2\ncontainer 'biocontainers/x:1'`, [[2, 'biocontainers/x:1']]],
  ])('%s', (_name, src, expected) => expect(values(src)).toEqual(expected))

  it('reads only the head of a file unless a variable may be assigned below', () => {
    const src = `process P {\n  container 'biocontainers/x:1'\n  script:\n  """\n  unterminated`
    expect(values(src)).toEqual([[2, 'biocontainers/x:1']])
    expect(values(`process P {\n  container "quay.io/biocontainers/\${id}"\n  input:\n  val x\n  script:\n  id = 'y:1'\n}`)).toEqual([[2, 'quay.io/biocontainers/y:1']])
  })

  it('keeps the text as written and says why a value is unknown', () => {
    const [f] = scanNf(`process S {\n  container "quay.io/biocontainers/\${container_id}"\n  container_id = 'a:1'\n  if (x) { container_id = 'b:2' }\n}`)
    expect(f.text).toBe('container "quay.io/biocontainers/${container_id}"')
    expect(f.notes.join()).toMatch(/container_id is assigned 2 values: "a:1" \| "b:2"/)
    expect(f.value).toEqual({ k: 'unk', alts: [{ prefix: 'quay.io/biocontainers/a:1', exact: true }, { prefix: 'quay.io/biocontainers/b:2', exact: true }] })
  })

  it('keeps the known beginning of a partly unknown value (its host)', () => {
    const [f] = scanNf(`container "docker.io/nfcore/vep:\${params.vep_version}.\${params.genome}"`)
    expect(f.value).toEqual({ k: 'unk', alts: [{ prefix: 'docker.io/nfcore/vep:', exact: false }] })
  })

  it('keeps the literal of a directive under an undecidable if as one thing it may be, and says why', () => {
    const [f] = scanNf(`if (params.gpu) {\n  container 'nvcr.io/nvidia/x:1'\n}`)
    expect(f.value).toEqual({ k: 'unk', alts: [{ prefix: 'nvcr.io/nvidia/x:1', exact: true }] })
    expect(f.notes).toContain('inside an if that cannot be decided')
  })

  it('reports directives of a file it cannot tokenize', () => {
    const found = scanNf(`process P {\n  tag "unterminated\n  container 'biocontainers/x:1'\n  script:\n  """\n  x\n  """\n}`)
    expect(found).toHaveLength(1)
    expect(found[0].value.k).toBe('unk')
    expect(found[0].notes[0]).toMatch(/could not read the file \(unterminated string/)
  })
})
