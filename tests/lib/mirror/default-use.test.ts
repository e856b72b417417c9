import { describe, expect, it } from 'vitest'
import { defaultUse, schemaToolNames, stepOf } from '../../../scripts/lib/mirror/default-use.js'

const at = (k: string) => `conf/test.config:${k.length}`

describe('defaults only when used', () => {
  it.each([
    ['gtdb_db', 'gtdb'], ['checkm_download_url', 'checkm'], ['vep_cache', 'vep'], ['annot_filter_url', 'annot'],
  ])('%s belongs to step %s', (p, s) => expect(stepOf(p)).toBe(s))

  it.each([
    // mag 3.3.0: skip_gtdbtk = true leaves the ~100 GB GTDB-Tk package out
    ['gtdb_db', { skip_gtdbtk: true }, undefined, false, 'skip_gtdbtk = true (conf/test.config:11)'],
    ['gtdb_db', { skip_gtdbtk: false }, undefined, true, 'skip_gtdbtk = false (conf/test.config:11)'],
    // taxprofiler: run_<tool> / perform_<step>
    ['malt_db', { run_malt: false }, undefined, false, 'run_malt = false (conf/test.config:8)'],
    ['krona_taxonomy', { run_krona: true }, undefined, true, 'run_krona = true (conf/test.config:9)'],
    // raredisease 3.1.2: skip_tools = 'fastp,gens,…'
    ['gens_pon', { skip_tools: 'fastp,gens,peddy' }, undefined, false, 'skip_tools names gens (conf/test.config:10)'],
    // rnafusion 4.1.0: tools = "all" reaches every default
    ['annot_filter_url', { tools: 'all' }, ['arriba', 'starfusion'], true, 'tools = all (conf/test.config:5)'],
    // sarek: a tools list names the step, or omits one the schema knows
    ['vep_cache', { tools: 'strelka,vep' }, ['strelka', 'vep', 'snpeff'], true, 'tools names vep (conf/test.config:5)'],
    ['snpeff_cache', { tools: 'strelka' }, ['strelka', 'vep', 'snpeff'], false, 'tools omits snpeff (conf/test.config:5)'],
    // a tools list the schema does not explain says nothing about other params
    ['mature', { tools: 'strelka' }, ['strelka', 'vep'], true, 'no skip flag or tools list leaves it out'],
    // two-letter words never match (skip_qc is not about qc_db of another tool)
    ['busco_db', { skip_qc: true }, undefined, true, 'no skip flag or tools list leaves it out'],
  ])('%s with %j (tools %j) → used %s', (param, params, toolNames, used, why) => {
    expect(defaultUse(param, { params, at, toolNames })).toEqual({ used, why })
  })

  it('reads the tool names from the schema\'s tools pattern and enum', () => {
    const schema = { $defs: { x: { properties: { tools: { type: 'string', pattern: '^((ascat|snpeff|vep|merge)?,?)*(?<!,)$' } } } }, properties: { other: { enum: ['no'] } } }
    expect(schemaToolNames(schema).sort()).toEqual(['ascat', 'merge', 'snpeff', 'vep'])
    expect(schemaToolNames({ properties: { tools: { enum: ['all', 'arriba', 'fusioncatcher'] } } })).toEqual(['all', 'arriba', 'fusioncatcher'])
  })
})
