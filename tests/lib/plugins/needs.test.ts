import { describe, expect, it } from 'vitest'
import { amazonReason, dependencyWarnings, type PipelineNeeds, pluginUnion } from '../../../scripts/lib/plugins/needs.js'
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

describe('pluginUnion: plugins.list plus what staged pipelines pin', () => {
  const list = parsePluginsList('nf-amazon@2.9.3,nf-validation@1.1.3,nf-prov@1.2.2')
  const noAmazon = parsePluginsList('nf-validation@1.1.3')
  const cfg = 'pipelines/rnaseq/rnaseq/nextflow.config'
  const S3 = { igenomes_base: 's3://ngi-igenomes/igenomes/' }
  it.each<[string, typeof list, PipelineNeeds[], string | undefined, string[], string[], string[]]>([
    ['all pinned alike', list, [pipe({ plugins: ['nf-validation@1.1.3'] })], undefined, [], [], []],
    ['a declared plugin the list lacks is added', list, [pipe({ plugins: ['nf-schema@2.1.1'] })], undefined,
      ['nf-schema@2.1.1'], [`+ nf-schema@2.1.1: declared in ${cfg}`], []],
    ['a different pin keeps both, and says why', list, [pipe({ plugins: ['nf-validation@1.1.2'] })], undefined,
      ['nf-validation@1.1.2'], [`+ nf-validation@1.1.2: declared in ${cfg}; plugins.list pins nf-validation@1.1.3: both kept, as offline Nextflow loads nf-validation@1.1.2 for this pipeline`], []],
    ['two pipelines pinning the same plugin add it once', noAmazon, [pipe({ plugins: ['nf-schema@2.1.1'] }), pipe({ name: 'sarek', config: 'pipelines/sarek/sarek/nextflow.config', plugins: ['nf-schema@2.1.1'] })], undefined,
      ['nf-schema@2.1.1'], [`+ nf-schema@2.1.1: declared in ${cfg}`], []],
    ['an unpinned declaration is a warning, nothing added', list, [pipe({ plugins: ['nf-prov'] })], undefined,
      [], [], [`${cfg} declares nf-prov without a version; offline Nextflow refuses unpinned plugins (plugins.list has nf-prov@1.2.2): pin one in the config`]],
    ['s3 inputs add the nf-amazon NXF_VER bundles', noAmazon, [pipe({ params: S3 })], undefined,
      ['nf-amazon@2.9.3'], ['+ nf-amazon@2.9.3: rnaseq needs it (params.igenomes_base = s3://ngi-igenomes/igenomes/); the default of Nextflow 24.10.6'], []],
    ['s3 inputs with the same nf-amazon listed add nothing', list, [pipe({ params: { input: 's3://b/x.csv' } })], undefined, [], [], []],
    ['a list pin of another nf-amazon keeps both', parsePluginsList('nf-amazon@2.9.0'), [pipe({ params: S3 })], undefined,
      ['nf-amazon@2.9.3'], ['+ nf-amazon@2.9.3: rnaseq needs it (params.igenomes_base = s3://ngi-igenomes/igenomes/); the default of Nextflow 24.10.6; plugins.list pins nf-amazon@2.9.0: both kept, as offline Nextflow loads nf-amazon@2.9.3 for this pipeline'], []],
    ['a declared nf-amazon pin wins over the bundled one', noAmazon, [pipe({ plugins: ['nf-amazon@2.9.0'], params: S3 })], undefined,
      ['nf-amazon@2.9.0'], [`+ nf-amazon@2.9.0: declared in ${cfg}`], []],
    ['Batch needs nf-amazon too', noAmazon, [pipe({})], 'executor awsbatch',
      ['nf-amazon@2.9.3'], ['+ nf-amazon@2.9.3: rnaseq needs it (executor awsbatch); the default of Nextflow 24.10.6'], []],
  ])('%s', (_what, l, pipes, batch, extra, added, warnings) => {
    const u = pluginUnion(l, pipes, '24.10.6', batch)
    expect(u.refs.slice(l.length).map((r) => `${r.id}@${r.version}`)).toEqual(extra)
    expect(u.refs.slice(0, l.length)).toEqual(l)
    expect(u.added).toEqual(added)
    expect(u.warnings).toEqual(warnings)
  })

  it('asks for a pin when it does not know the nf-amazon of NXF_VER', () =>
    expect(pluginUnion(noAmazon, [pipe({ params: { input: 's3://b/x.csv' } })], '23.04.1').warnings).toEqual([
      'rnaseq needs nf-amazon (params.input = s3://b/x.csv) but its default for Nextflow 23.04.1 is not known here; add nf-amazon@<version> to plugins.list']))
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
