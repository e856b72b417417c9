import { describe, expect, it } from 'vitest'
import { amazonReason, dependencyWarnings, type PipelineNeeds, pluginWarnings } from '../../../scripts/lib/plugins/needs.js'
import { parsePluginsList } from '../../../scripts/lib/plugins/list.js'

const pipe = (over: Partial<PipelineNeeds>): PipelineNeeds => ({ name: 'rnaseq', config: 'pipelines/rnaseq/rnaseq/nextflow.config', plugins: [], params: {}, ...over })

describe('amazonReason', () => {
  it.each([
    [{ params: { igenomes_base: 's3://ngi-igenomes/igenomes/', igenomes_ignore: false } }, 'params.igenomes_base = s3://ngi-igenomes/igenomes/'],
    [{ params: { igenomes_base: 's3://ngi-igenomes/igenomes/', igenomes_ignore: true } }, undefined],
    [{ params: { input: 's3://bucket/offline/rnaseq/data/samplesheet.csv' } }, 'params.input = s3://bucket/offline/rnaseq/data/samplesheet.csv'],
    [{ params: { input: 'https://raw.githubusercontent.com/x.csv', outdir: null } }, undefined],
    [{ params: {}, workDir: 's3://bucket/work' }, 'workDir = s3://bucket/work'],
    [{ inputs: [{ file: 'pipelines/rnaseq/inputs3.csv', text: 'sample,fastq_1\nA,s3://b/a.fq.gz\n' }] }, 'pipelines/rnaseq/inputs3.csv lists s3:// paths'],
    [{ inputs: [{ file: 'inputs3.csv', text: 'sample,fastq_1\nA,/data/a.fq.gz\n' }] }, undefined],
  ])('%j → %s', (over, want) => expect(amazonReason(pipe(over))).toBe(want))
})

describe('pluginWarnings', () => {
  const list = parsePluginsList('nf-amazon@2.9.3,nf-validation@1.1.3,nf-prov@1.2.2')
  const noAmazon = parsePluginsList('nf-validation@1.1.3')
  const cfg = 'pipelines/rnaseq/rnaseq/nextflow.config'
  it.each([
    ['all pinned alike', list, pipe({ plugins: ['nf-validation@1.1.3'] }), []],
    ['a declared plugin missing', list, pipe({ plugins: ['nf-schema@2.1.1'] }), [`${cfg} declares nf-schema@2.1.1 but plugins.list lacks it; add nf-schema@2.1.1`]],
    ['a different pin', list, pipe({ plugins: ['nf-validation@1.1.2'] }),
      [`${cfg} declares nf-validation@1.1.2 but plugins.list pins nf-validation@1.1.3; offline Nextflow loads the config's version, so pin nf-validation@1.1.2`]],
    ['an unpinned declaration', list, pipe({ plugins: ['nf-prov'] }), [`${cfg} declares nf-prov without a version; offline Nextflow refuses unpinned plugins (plugins.list has nf-prov@1.2.2)`]],
    ['s3 inputs without nf-amazon', noAmazon, pipe({ params: { igenomes_base: 's3://ngi-igenomes/igenomes/' } }),
      ['rnaseq needs nf-amazon (params.igenomes_base = s3://ngi-igenomes/igenomes/) but plugins.list lacks it; add nf-amazon@2.9.3 (the default of Nextflow 24.10.6)']],
    ['s3 inputs with nf-amazon', list, pipe({ params: { input: 's3://b/x.csv' } }), []],
  ])('%s', (_what, l, p, want) => expect(pluginWarnings(l, [p], '24.10.6')).toEqual(want))

  it('suggests no version for a Nextflow it does not know', () =>
    expect(pluginWarnings(noAmazon, [pipe({ params: { input: 's3://b/x.csv' } })], '23.04.1')[0]).toMatch(/add nf-amazon@<version>$/))
})

describe('dependencyWarnings (a manifest\'s Plugin-Dependencies)', () => {
  const list = parsePluginsList('nf-amazon@2.9.3,nf-x@1.0.0')
  const x = list[1]
  it.each([
    [undefined, []],
    ['', []],
    ['nf-amazon@>=2.0.0', []],
    ['nf-amazon', []],
    ['nf-opt?@>=1.0.0', []],
    ['nf-amazon@>=3.0.0', ['nf-x@1.0.0 depends on nf-amazon >=3.0.0, but plugins.list pins nf-amazon@2.9.3']],
    ['nf-amazon@>=2.0.0, nf-y@>=0.2.0', ['nf-x@1.0.0 depends on nf-y (>=0.2.0), which plugins.list lacks; add it']],
  ])('%j', (deps, want) => expect(dependencyWarnings(list, x, deps)).toEqual(want))
})
