import { describe, expect, it } from 'vitest'
import { dataKey, dataUri, isRemote, normalizePath, prefixUri, sourceParts } from '../../../scripts/lib/mirror/data-keys.js'

const ROOT = 's3://dest/offline'

describe('data keys', () => {
  it.each([
    ['https://raw.githubusercontent.com/nf-core/test-datasets/rnaseq/reference/genome.fasta', 's3://dest/offline/rnaseq/data/raw.githubusercontent.com/nf-core/test-datasets/rnaseq/reference/genome.fasta'],
    ['s3://ngi-igenomes/testdata/nf-core/modules//genomics/homo_sapiens/genome/genome.fasta', 's3://dest/offline/rnaseq/data/ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta'],
    ['http://127.0.0.1:4321/a//b/c.fa.gz', 's3://dest/offline/rnaseq/data/127.0.0.1/a/b/c.fa.gz'],
    ['https://Zenodo.org/records/1/files/x.fa.gz?download=1', 's3://dest/offline/rnaseq/data/zenodo.org/records/1/files/x.fa.gz'],
    ['  https://h.org/x.csv ', 's3://dest/offline/rnaseq/data/h.org/x.csv'],
  ])('%s → %s', (url, uri) => expect(dataUri(ROOT, 'rnaseq', url)).toBe(uri))

  it.each([
    ['s3://ngi-igenomes/testdata/nf-core/modules', 's3://dest/offline/sarek/data/ngi-igenomes/testdata/nf-core/modules'],
    ['s3://ngi-igenomes/testdata/nf-core/modules/', 's3://dest/offline/sarek/data/ngi-igenomes/testdata/nf-core/modules/'],
    ['https://raw.githubusercontent.com/nf-core/test-datasets/', 's3://dest/offline/sarek/data/raw.githubusercontent.com/nf-core/test-datasets/'],
  ])('prefix %s → %s', (url, uri) => expect(prefixUri(ROOT, 'sarek', url)).toBe(uri))

  it('a file under a redirected prefix maps to the key of its own source URL', () => {
    const base = 's3://ngi-igenomes/testdata/nf-core/modules/'
    const file = `${base}/genomics/genome.fasta`
    expect(`${prefixUri(ROOT, 'sarek', base)}/genomics/genome.fasta`.replace(/(?<!:)\/\/+/g, '/')).toBe(dataUri(ROOT, 'sarek', file))
  })

  it.each([
    ['https://h/x.fa', true], ['s3://b/k', true], ['http://127.0.0.1:1/x', true],
    ['s3://b/dir/', false], ['https://h', false], ['/local/x.csv', false], ['az://b/x', false], [null, false], [3, false],
  ])('isRemote(%s) = %s', (v, yes) => expect(isRemote(v)).toBe(yes))

  it.each([['a//b///c/', 'a/b/c'], ['/x', 'x'], ['', '']])('normalizePath(%s) = %s', (p, n) => expect(normalizePath(p)).toBe(n))

  it('keys the bucket as host for s3 and drops credentials/port for https', () => {
    expect(sourceParts('s3://ngi-igenomes/a/b')).toEqual({ host: 'ngi-igenomes', path: 'a/b' })
    expect(sourceParts('https://u:p@h.org:8443/a')).toEqual({ host: 'h.org', path: 'a' })
    expect(dataKey('s3://dest', 'demo', 'https://h/a')).toEqual({ bucket: 'dest', key: 'demo/data/h/a' })
  })
})
