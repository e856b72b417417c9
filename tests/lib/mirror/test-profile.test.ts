import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../scripts/lib/nf-config/index.js'
import { planProfile, planUrls, type ConfigView } from '../../../scripts/lib/mirror/test-profile.js'
import { schemaToolNames } from '../../../scripts/lib/mirror/default-use.js'

const T = 'conf/test.config:10'
const view = (params: Record<string, unknown>, at: Record<string, string> = {}): ConfigView =>
  ({ params, paramsAt: Object.fromEntries(Object.keys(params).map((k) => [k, at[k] ?? T])) })

describe('test profile plan', () => {
  it.each([
    ['https://h.org/s.csv', { kind: 'sheet', source: 'https://h.org/s.csv', remote: true }],
    ['s3://b/s.csv', { kind: 'sheet', source: 's3://b/s.csv', remote: true }],
    ['/p/tests/csv/3.0/fastq_single.csv', { kind: 'sheet', source: '/p/tests/csv/3.0/fastq_single.csv', remote: false }],
    ['assets/samplesheet.csv', { kind: 'sheet', source: '/p/assets/samplesheet.csv', remote: false }],
    [['https://h.org/a.bam', 'https://h.org/b.bam'], { kind: 'list', urls: ['https://h.org/a.bam', 'https://h.org/b.bam'] }],
  ])('input %j', (input, want) => expect(planProfile(view({ input }), '/p').input).toMatchObject(want))

  it('has no input when it is null, and reports one it cannot evaluate', () => {
    expect(planProfile(view({ input: null }), '/p').input).toBeUndefined()
    expect(planProfile(view({ input: { unresolved: 'foo()', at: 'conf/test.config:3' } }), '/p').unresolved).toEqual(['input: foo() (conf/test.config:3)'])
  })

  it.each([
    ['fasta', 'https://h.org/genome.fasta', true],
    ['gtf', 's3://ngi-igenomes/x/genes.gtf.gz', true],
    ['bcftools_annotations', 's3://ngi-igenomes/testdata/nf-core/modules//genomics/test2.vcf.gz', true],
    ['igenomes_base', 's3://ngi-igenomes/igenomes/', false],
    ['modules_testdata_base_path', 's3://ngi-igenomes/testdata/nf-core/modules/', false],
    ['custom_config_base', 'https://raw.githubusercontent.com/nf-core/configs/master', false],
    ['snpeff_cache', 's3://annotation-cache/snpeff_cache/', false],
    ['vep_cache', 'https://h.org/raredisease/reference/vep_cache_and_plugins.tar.gz', true],
    ['annot_filter_url', 'https://data.broadinstitute.org/Trinity/CTAT_RESOURCE_LIB/AnnotFilterRule.pm', true],
    ['genomes_base', 's3://b/rnafusion/references', true],
    ['config_profile_url', 'https://h.org/x.html', false],
    ['hook_url', 'https://hooks.slack.com/x', false],
    ['outdir', 's3://b/results', false],
    ['umitools_bc_pattern', 'NNNN', false],
    ['max_memory', '6.GB', false],
    ['fasta', null, false],
    ['fasta', 'az://igenomes/x.fa', false],
    ['sentieon_dnascope_model', 's3://ngi-igenomes/igenomes/Homo_sapiens/GATK/GRCh38/Annotation/Sentieon/SentieonDNAscopeModel1.1.model', true],
  ])('%s = %j mirrored: %s', (k, v, yes) => {
    const plan = planProfile(view({ [k]: v }), '/p')
    expect(plan.files.map((f) => f.param)).toEqual(yes ? [k] : [])
  })

  it('redirects only the known data prefixes', () => {
    const plan = planProfile(view({ igenomes_base: 's3://ngi-igenomes/testdata/nf-core/modules', modules_testdata_base_path: 's3://b/m/', custom_config_base: 'https://h/c', snpeff_cache: 's3://a/s/' }), '/p')
    expect(plan.prefixes).toEqual([{ param: 'igenomes_base', url: 's3://ngi-igenomes/testdata/nf-core/modules' }, { param: 'modules_testdata_base_path', url: 's3://b/m/' }])
  })

  it('plans a default named like a directory prefix as one skipped line, never as a file', () => {
    const plan = planProfile(view({ genomes_base: 's3://b/rnafusion/references' }, { genomes_base: 'nextflow.config:30' }), '/p')
    expect(plan.files).toEqual([])
    expect(plan.skipped).toEqual([{ what: 'genomes_base', value: 's3://b/rnafusion/references', why: 'a pipeline default named as a directory prefix; never copied' }])
  })

  it('counts a param set by any file of the test profile as the test\'s (paramsProfile), whatever the file', () => {
    const cfg = { params: { gtf: 'https://h/g.gtf' }, paramsAt: { gtf: 'conf/testdata/rnaseq.config:3' }, paramsProfile: { gtf: 'test' } }
    expect(planProfile(cfg, '/p').files.map((f) => [f.param, f.fromTest])).toEqual([['gtf', true]])
  })

  it('marks URL lists and text files as listings, test-profile values as fatal', () => {
    const plan = planProfile(view({ bbsplit_fasta_list: 'https://h.org/ref/bbsplit_fasta_list.txt', fasta: 'https://h.org/g.fa', multiqc_logo: 'https://h.org/logo.png' }, { multiqc_logo: 'nextflow.config:40' }), '/p')
    expect(plan.files.map((f) => [f.param, f.listing, f.fromTest])).toEqual([['bbsplit_fasta_list', true, true], ['fasta', false, true], ['multiqc_logo', false, false]])
  })

  it('takes the files of the genome entry, not its words or directories', () => {
    const genomes = {
      'testdata.nf-core.sarek': {
        fasta: 's3://ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta',
        dbsnp_vqsr: '--resource:dbsnp,known=false,training=true,truth=false,prior=2.0 dbsnp_146.hg38.vcf.gz',
        snpeff_db: '105',
        bwa: 's3://ngi-igenomes/igenomes/Homo_sapiens/BWAIndex/',
      },
      'GATK.GRCh38': { fasta: 's3://ngi-igenomes/igenomes/big.fasta' },
    }
    const plan = planProfile(view({ genome: 'testdata.nf-core.sarek', genomes, igenomes_ignore: false }), '/p')
    expect(plan.genome).toEqual({
      name: 'testdata.nf-core.sarek',
      files: [{ attr: 'fasta', url: genomes['testdata.nf-core.sarek'].fasta }],
      dirs: [{ attr: 'bwa', url: 's3://ngi-igenomes/igenomes/Homo_sapiens/BWAIndex/' }],
    })
    expect(plan.skipped).toEqual([])
    expect(planProfile(view({ genome: 'testdata.nf-core.sarek', genomes, igenomes_ignore: true }), '/p').genome).toBeUndefined()
    expect(planProfile(view({ genome: 'nope', genomes }), '/p').unresolved[0]).toMatch(/'nope' is not an entry/)
  })

  it.each([
    ['an empty map', {}], ['null', null], ['not set', undefined],
  ])('a genome name with genomes %s is only a label: nothing to evaluate, no line', (_n, genomes) => {
    const plan = planProfile(view(genomes === undefined ? { genome: 'GRCh38' } : { genome: 'GRCh38', genomes }), '/p')
    expect(plan.unresolved).toEqual([])
    expect(plan.genome).toBeUndefined()
  })

  it('leaves MIRROR_SKIP params alone, saying so', () => {
    const plan = planProfile(view({ fasta: 'https://h/g.fa', busco_db: 'https://h/busco/lineages' }), '/p', { skip: ['busco_db'] })
    expect(plan.files.map((f) => f.param)).toEqual(['fasta'])
    expect(plan.skipped).toEqual([{ what: 'busco_db', value: 'https://h/busco/lineages', why: 'MIRROR_SKIP' }])
  })

  it('lists each URL once', () => {
    const plan = planProfile(view({ input: ['https://h/a.bam', 'https://h/a.bam'], bam: 'https://h/a.bam', fasta: 'https://h/g.fa' }), '/p')
    expect(planUrls(plan)).toEqual(['https://h/a.bam', 'https://h/g.fa'])
  })
})

// every fixture with expected/mirror-plan.json: evaluated by nf-config as `-profile test,docker`, then planned
const FIXTURES = join(fileURLToPath(new URL('../../fixtures/pipelines', import.meta.url)))
const cases = readdirSync(FIXTURES).filter((f) => existsSync(join(FIXTURES, f, 'expected', 'mirror-plan.json')))

describe.each(cases)('fixture %s', (fixture) => {
  it('plans what expected/mirror-plan.json says', () => {
    const dir = join(FIXTURES, fixture)
    const cfg = loadConfig({ projectDir: dir, profiles: ['test', 'docker'], env: {}, readFile: (p) => { try { return readFileSync(p, 'utf8') } catch { return undefined } } })
    const expected = JSON.parse(readFileSync(join(dir, 'expected', 'mirror-plan.json'), 'utf8'))
    const schema = join(dir, 'nextflow_schema.json')
    const plan = planProfile(cfg, dir, { toolNames: existsSync(schema) ? schemaToolNames(JSON.parse(readFileSync(schema, 'utf8'))) : undefined })
    const got = JSON.parse(JSON.stringify({
      input: plan.input, urls: planUrls(plan), listings: plan.files.filter((x) => x.listing).map((x) => x.param),
      genome: plan.genome?.name ?? null, genomeDirs: plan.genome?.dirs ?? [], prefixes: plan.prefixes, skipped: plan.skipped, unresolved: plan.unresolved,
      // pipeline defaults planned, and why the test reaches them (only in the fixtures that list them)
      ...'defaults' in expected ? { defaults: plan.files.filter((f) => !f.fromTest).map((f) => `${f.param}: ${f.use}`) } : {},
    }).split(dir).join('<projectDir>'))
    expect(got).toEqual(expected)
  })
})
