// samplesheet: parse a CSV/TSV samplesheet (or a headerless URL list), keep the first N rows, rewrite URL cells.
import { isRemote } from './data-keys.js'

export interface Sheet {
  rows: string[][]
  sep: ',' | '\t'
  eol: '\n' | '\r\n'
}

/** Separator from the file name (`.tsv`) or the first line (tabs and no commas). */
export function sniffSep(name: string, text: string): ',' | '\t' {
  if (/\.tsv(\.gz)?$/i.test(name)) return '\t'
  const first = text.split(/\r?\n/, 1)[0] ?? ''
  return first.includes('\t') && !first.includes(',') ? '\t' : ','
}

/** RFC 4180 parsing: quoted fields with `""` escapes and embedded separators/newlines; blank lines dropped. */
export function parseSheet(text: string, name = 'samplesheet.csv'): Sheet {
  const sep = sniffSep(name, text)
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const rows: string[][] = []
  let row: string[] = [], cell = '', quoted = false, i = 0
  const endRow = () => { row.push(cell); cell = ''; if (row.length > 1 || row[0] !== '') rows.push(row); row = [] }
  const src = text.replace(/^\uFEFF/, '')
  while (i < src.length) {
    const c = src[i]
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') { cell += '"'; i += 2; continue }
      if (c === '"') { quoted = false; i++; continue }
      cell += c; i++; continue
    }
    if (c === '"' && cell === '') { quoted = true; i++ }
    else if (c === sep) { row.push(cell); cell = ''; i++ }
    else if (c === '\r' && src[i + 1] === '\n') { endRow(); i += 2 }
    else if (c === '\n') { endRow(); i++ }
    else { cell += c; i++ }
  }
  if (quoted) throw new Error(`${name}: unterminated quoted field`)
  if (cell !== '' || row.length) endRow()
  return { rows, sep, eol }
}

const quoteCell = (c: string, sep: string) => /["\r\n]/.test(c) || c.includes(sep) ? `"${c.replace(/"/g, '""')}"` : c

export function formatSheet(sheet: Sheet): string {
  return sheet.rows.map((r) => r.map((c) => quoteCell(c, sheet.sep)).join(sheet.sep)).join(sheet.eol) + sheet.eol
}

/**
 * Why a samplesheet cannot be one: empty, or a first line that names data (a URL or a file path) instead
 * of columns. nf-schema would only reject it at run time, on the Prod host. Undefined when it looks right.
 */
export function sheetProblem(sheet: Sheet): string | undefined {
  if (sheet.rows.length === 0) return 'is empty'
  const data = sheet.rows[0].map((c) => c.trim()).find((c: string) => c.includes('/') || isRemote(c) || /\.(gz|bz2|fastq|fq|bam|cram|vcf|bed|fa|fasta)$/i.test(c))
  if (data !== undefined) return `has no header row (its first line names ${data})`
  if (sheet.rows.length === 1) return 'has a header but no rows'
  return undefined
}

/** Header and the first `n` data rows (all when `n` is undefined). */
export function trimRows(sheet: Sheet, n: number | undefined, header = true): Sheet {
  if (n === undefined) return sheet
  return { ...sheet, rows: sheet.rows.slice(0, n + (header ? 1 : 0)) }
}

/** Every distinct remote URL named in a cell, in order of appearance (cells trimmed). */
export function remoteCells(sheet: Sheet): string[] {
  const seen = new Set<string>()
  for (const r of sheet.rows) for (const c of r) if (isRemote(c.trim())) seen.add(c.trim())
  return [...seen]
}

/** Cells whose URL `map` knows are replaced (trimmed) by its value; every other cell is kept as written. */
export function rewriteCells(sheet: Sheet, map: Map<string, string>): Sheet {
  return { ...sheet, rows: sheet.rows.map((r) => r.map((c) => map.get(c.trim()) ?? c)) }
}

/** Text formats that are not CSV (YAML, JSON samplesheets): their URLs, found by pattern. */
const URL_IN_TEXT = /(?:https?|s3):\/\/[^\s"'<>,\]}]+/gi

export function remoteUrlsInText(text: string): string[] {
  return [...new Set((text.match(URL_IN_TEXT) ?? []).filter((u) => isRemote(u)))]
}

export function rewriteUrlsInText(text: string, map: Map<string, string>): string {
  return text.replace(URL_IN_TEXT, (u) => map.get(u) ?? u)
}

/** True for names we parse as CSV/TSV; other text (yaml, json) is rewritten by pattern, never trimmed. */
export const isTabular = (name: string) => !/\.(ya?ml|json)$/i.test(name.replace(/[?#].*$/, ''))

/**
 * A small text file's URLs rewritten (samplesheet, or a URL list such as rnaseq's bbsplit_fasta_list).
 * Returns the new text and the URLs it named; `rows` trims a tabular file to header + N rows.
 */
export function rewriteListing(name: string, text: string, map: Map<string, string>, opts: { rows?: number; header?: boolean; csv?: boolean } = {}): string {
  if (!isTabular(name)) return rewriteUrlsInText(text, map)
  const sheet = rewriteCells(trimRows(parseSheet(text, name), opts.rows, opts.header ?? true), map)
  // inputs3.csv: a TSV samplesheet is written as CSV, since nf-schema picks the parser by extension
  return formatSheet(opts.csv ? { ...sheet, sep: ',' } : sheet)
}

/** The URLs a listing names (after trimming to `rows`), as rewriteListing would see them. */
export function listingUrls(name: string, text: string, opts: { rows?: number; header?: boolean } = {}): string[] {
  if (!isTabular(name)) return remoteUrlsInText(text)
  const sheet = parseSheet(text, name)
  if (opts.header ?? true) {
    const problem = sheetProblem(sheet)
    if (problem) throw new Error(problem)
  }
  return remoteCells(trimRows(sheet, opts.rows, opts.header ?? true))
}
