import { describe, expect, it } from 'vitest'
import { groovyLiteral, MARKER, originalPart, writeTestConfig } from '../../../scripts/lib/mirror/test-config.js'

const ORIG = `process {
    withName: 'RSEM_PREPAREREFERENCE_GENOME' { ext.args2 = "--genomeSAindexNbases 7" }
}
params {
    input = 'https://h.org/samplesheet.csv' // comment
    fasta = 'https://h.org/genome.fasta'
}`

describe('test-config writer', () => {
  const out = writeTestConfig(ORIG, {
    input: 's3://d/rnaseq/data/inputs3.csv',
    files: { fasta: 's3://d/rnaseq/data/h.org/genome.fasta', reads: ['s3://d/a.bam', 's3://d/b.bam'] },
    prefixes: { igenomes_base: 's3://d/rnaseq/data/ngi-igenomes/testdata' },
    registry: 'nexus.local',
  })

  it('keeps the original text verbatim at the top', () => expect(out.startsWith(ORIG + '\n')).toBe(true))
  it('re-assigns input, files and prefixes after it', () => {
    const tail = out.slice(out.indexOf(MARKER))
    expect(tail).toContain("    input              = 's3://d/rnaseq/data/inputs3.csv'")
    expect(tail).toContain("    fasta              = 's3://d/rnaseq/data/h.org/genome.fasta'")
    expect(tail).toContain("    reads              = ['s3://d/a.bam', 's3://d/b.bam']")
    expect(tail).toContain("    igenomes_base      = 's3://d/rnaseq/data/ngi-igenomes/testdata'")
    expect(tail).toContain('    custom_config_base = null')
    expect(tail).toMatch(/docker.enabled {2}= true\ndocker.registry = 'nexus.local'\n$/)
  })
  it('is idempotent: fed its own output it writes the same bytes', () => {
    const again = writeTestConfig(out, { input: 's3://d/rnaseq/data/inputs3.csv', files: { reads: ['s3://d/a.bam', 's3://d/b.bam'], fasta: 's3://d/rnaseq/data/h.org/genome.fasta' }, prefixes: { igenomes_base: 's3://d/rnaseq/data/ngi-igenomes/testdata' }, registry: 'nexus.local' })
    expect(again).toBe(out)
    expect(originalPart(out)).toBe(ORIG + '\n')
  })
  it.each([
    ["it's", "'it\\'s'"], ['a\\b', "'a\\\\b'"], [null, 'null'], [['x', 'y'], "['x', 'y']"], ['${x}', "'${x}'"],
  ])('literal %j → %s', (v, lit) => expect(groovyLiteral(v as never)).toBe(lit))
  it('quotes a param name that is not an identifier', () => {
    expect(writeTestConfig('', { files: { 'odd-name': 's3://d/x' }, prefixes: {} })).toContain("'odd-name'")
  })
})
