import { describe, expect, it } from 'vitest'
import { formatSheet, listingUrls, parseSheet, remoteCells, rewriteCells, rewriteListing, sheetProblem, trimRows } from '../../../scripts/lib/mirror/samplesheet.js'

const SHEET = [
  'sample,fastq_1,fastq_2,strandedness',
  'WT_REP1,https://h.org/a_1.fastq.gz,https://h.org/a_2.fastq.gz,auto',
  'WT_REP1,https://h.org/b_1.fastq.gz,https://h.org/b_2.fastq.gz,auto',
  'RAP1,https://h.org/c_1.fastq.gz,,reverse',
  '',
].join('\n')

describe('samplesheet', () => {
  it.each([
    ['a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['a,b\r\n1,2', [['a', 'b'], ['1', '2']]],
    ['a,"b,c","d ""q"""\n', [['a', 'b,c', 'd "q"']]],
    ['a,,\n\n\n1,2,3\n', [['a', '', ''], ['1', '2', '3']]],
    ['\uFEFFx\ty\n1\t2\n', [['x', 'y'], ['1', '2']]],
    ['"multi\nline",z\n', [['multi\nline', 'z']]],
  ])('parses %j', (text, rows) => expect(parseSheet(text).rows).toEqual(rows))

  it('round-trips a plain sheet byte for byte', () => expect(formatSheet(parseSheet(SHEET))).toBe(SHEET.replace(/\n$/, '') + '\n'))
  it('keeps CRLF line ends', () => expect(formatSheet(parseSheet('a,b\r\n1,2\r\n'))).toBe('a,b\r\n1,2\r\n'))

  it.each([
    [undefined, 4], [0, 1], [1, 2], [2, 3], [10, 4],
  ])('ROWS=%s keeps %s lines (header included)', (n, lines) => expect(trimRows(parseSheet(SHEET), n).rows).toHaveLength(lines))

  it('lists each remote cell once, skipping empty cells and words', () => {
    expect(remoteCells(parseSheet(SHEET))).toEqual(['https://h.org/a_1.fastq.gz', 'https://h.org/a_2.fastq.gz', 'https://h.org/b_1.fastq.gz', 'https://h.org/b_2.fastq.gz', 'https://h.org/c_1.fastq.gz'])
    expect(remoteCells(trimRows(parseSheet(SHEET), 1))).toHaveLength(2)
  })

  it('rewrites known URL cells (trimmed) and keeps the rest as written', () => {
    const s = parseSheet('s,f\nx, https://h.org/a.bam \ny,local.bam\n')
    const out = formatSheet(rewriteCells(s, new Map([['https://h.org/a.bam', 's3://d/a.bam']])))
    expect(out).toBe('s,f\nx,s3://d/a.bam\ny,local.bam\n')
  })

  it('rewrites a headerless name,url list (bbsplit_fasta_list) without trimming it', () => {
    const text = 'sarscov2,https://h.org/sarscov2.fa\nhuman,https://h.org/human.fa\n'
    const map = new Map([['https://h.org/sarscov2.fa', 's3://d/s.fa'], ['https://h.org/human.fa', 's3://d/h.fa']])
    expect(listingUrls('list.txt', text, { header: false })).toHaveLength(2)
    expect(rewriteListing('list.txt', text, map, { header: false })).toBe('sarscov2,s3://d/s.fa\nhuman,s3://d/h.fa\n')
  })

  it('rewrites URLs in a YAML samplesheet by pattern', () => {
    const text = '- sample: a\n  fastq_1: "https://h.org/a.fq.gz"\n  fastq_2: s3://b/a2.fq.gz\n'
    expect(listingUrls('s.yaml', text)).toEqual(['https://h.org/a.fq.gz', 's3://b/a2.fq.gz'])
    expect(rewriteListing('s.yaml', text, new Map([['s3://b/a2.fq.gz', 's3://d/x']]))).toContain('fastq_2: s3://d/x\n')
  })

  it('writes a TSV samplesheet as CSV for inputs3.csv', () => {
    expect(rewriteListing('s.tsv', 'a\tb\n1\thttps://h/x.fq\n', new Map([['https://h/x.fq', 's3://d/x.fq']]), { csv: true })).toBe('a,b\n1,s3://d/x.fq\n')
  })

  it('refuses an unterminated quoted field', () => expect(() => parseSheet('a,"b\n', 'in.csv')).toThrow(/in.csv: unterminated/))
})

describe('sheetProblem', () => {
  it.each([
    ['sample,fastq_1\nA,https://h/a.fq.gz\n', undefined],
    ['', 'is empty'],
    ['\n\n', 'is empty'],
    ['sample,fastq_1\n', 'has a header but no rows'],
    ['A,https://h/a.fq.gz\nB,https://h/b.fq.gz\n', 'has no header row (its first line names https://h/a.fq.gz)'],
    ['A,data/a_1.fastq.gz\n', 'has no header row (its first line names data/a_1.fastq.gz)'],
  ])('%j → %s', (text, want) => expect(sheetProblem(parseSheet(text))).toBe(want))
})
