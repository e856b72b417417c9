import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixtures } from '../../helpers/project.js'
import { loadConfig } from '../../../scripts/lib/nf-config/index.js'
import { configsVersion, readFrom } from '../../../scripts/lib/mirror/nf-core-configs.js'
import { planProfile } from '../../../scripts/lib/mirror/test-profile.js'

const dir = join(fixtures, 'pipelines', 'configs-genome')
const tree = join(fixtures, 'nf-core-configs')
const readFile = (p: string) => { try { return readFileSync(p, 'utf8') } catch { return undefined } }

describe('nf-core/configs brought along', () => {
  it('sees that the pipeline loads nf-core/configs from the web, at custom_config_version', () => {
    const cfg = loadConfig({ projectDir: dir, profiles: ['test', 'docker'], readFile, env: {} })
    expect(configsVersion(cfg)).toBe('master')
    expect(configsVersion({ params: { custom_config_base: 'https://raw.githubusercontent.com/nf-core/configs/2.1.0' }, skipped: ['nextflow.config:3: https://raw.githubusercontent.com/nf-core/configs/2.1.0/nfcore_custom.config'] })).toBe('2.1.0')
    // a local base (already offline) or an include never attempted: nothing to bring
    expect(configsVersion({ params: { custom_config_base: '/opt/configs' }, skipped: [] })).toBeUndefined()
    expect(configsVersion({ params: { custom_config_base: 'https://raw.githubusercontent.com/nf-core/configs/master' }, skipped: [] })).toBeUndefined()
  })

  it('evaluates nfcore_custom.config and pipeline/<name>.config as an online run: the genome and its chosen primer set', () => {
    const cfg = loadConfig({ projectDir: dir, profiles: ['test', 'docker'], readFile, env: {}, params: { custom_config_base: tree } })
    expect(readFrom(cfg, dir, tree)).toEqual(['nfcore_custom.config', 'pipeline/configs-genome.config', 'conf/pipeline/configs-genome/genomes.config'])
    const plan = planProfile(cfg, dir)
    const G = 'https://github.com/nf-core/test-datasets/raw/viralrecon/genome/MN908947.3'
    const A = 'https://github.com/artic-network/artic-ncov2019/raw/master/primer_schemes/nCoV-2019/V1'
    expect(plan.genome?.files).toEqual([
      { attr: 'fasta', url: `${G}/GCA_009858895.3_ASM985889v3_genomic.200409.fna.gz` },
      { attr: 'gff', url: `${G}/GCA_009858895.3_ASM985889v3_genomic.200409.gff.gz` },
      { attr: 'nextclade_dataset', url: `${G}/nextclade_sars-cov-2_MN908947_2022-06-14T12_00_00Z.tar.gz` },
      { attr: 'primer_sets.artic.1.fasta', url: `${A}/nCoV-2019.reference.fasta` },
      { attr: 'primer_sets.artic.1.primer_bed', url: `${A}/nCoV-2019.primer.bed` },
    ])
    expect(plan.skipped).toEqual([
      { what: "genomes.'MN908947.3'.primer_sets.midnight", value: '(its files)', why: "not the one the test's params choose (artic)" },
      { what: "genomes.'MN908947.3'.primer_sets.artic.3", value: '(its files)', why: "not the one the test's params choose (1)" },
    ])
  })
})
