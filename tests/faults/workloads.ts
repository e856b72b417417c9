// workloads: the data the reliability suite moves (big enough for kills to land mid-work, small enough to run
// 20 times), a pipeline staged as `just stage` leaves it, and the checks every kill is followed by.
import { DeleteObjectsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3'
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { existsSync, lstatSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { linkStaged } from '../../scripts/lib/stage/staged-links.js'
import { serve, type TestServer } from '../helpers/http-server.js'
import type { Project } from '../helpers/project.js'

export const RAW = 'https://raw.githubusercontent.com/nf-core/test-datasets'

/** Deterministic bytes for a path of the fake test-data host, 6–38 KiB. */
export function bytesOf(path: string): Buffer {
  let h = 0
  for (const c of path) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return Buffer.from(`>${path}\n${'ACGT'.repeat(64)}\n`.repeat(24 + (h % 128)))
}

/** The samplesheet of a `rows`-row test profile: two reads per row on the data host, one s3:// cell every 5 rows. */
export function sheetOf(rows: number): string {
  const lines = ['sample,fastq_1,fastq_2,strandedness']
  for (let i = 0; i < rows; i++) {
    const r2 = i % 5 === 4 ? `s3://src-data/reads/S${i}_2.fastq.gz` : `${RAW}/faults/reads/S${i}_2.fastq.gz`
    lines.push(`S${i},${RAW}/faults/reads/S${i}_1.fastq.gz,${r2},auto`)
  }
  return lines.join('\n') + '\n'
}
export const s3Sources = (rows: number) => Array.from({ length: rows }, (_, i) => i).filter((i) => i % 5 === 4).map((i) => `reads/S${i}_2.fastq.gz`)

/** The test-data host: the samplesheet and every read under /raw/faults/, each answer after `delayMs()`. */
export async function dataHost(rows: number, delayMs: () => number = () => 0): Promise<TestServer> {
  return serve([
    { path: /^\/raw\/faults\//, handler: async (req, res, url) => {
      const body = url.pathname.endsWith('samplesheet.csv') ? Buffer.from(sheetOf(rows)) : bytesOf(url.pathname)
      // only downloads are slowed: mirror HEADs every source first (progress totals), and a slow HEAD phase would
      // leave the kill campaign a narrow mid-work window (objects written, not all), so its floor would be luck
      const d = req.method === 'HEAD' ? 0 : delayMs()
      if (d) await new Promise((r) => setTimeout(r, d))
      res.writeHead(200, { 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body)
    } },
  ])
}

/** A pipeline `name` staged as `just stage` leaves it, whose test profile names the sheet, a fasta and a gtf. */
export function stageFaultsPipeline(p: Project, name: string, testConfig?: string): string {
  const dir = join(p.root, 'pipelines', name)
  const code = join(dir, name)
  mkdirSync(join(code, 'conf'), { recursive: true })
  writeFileSync(join(dir, 'Pipeline-ENV'), `export PIPELINE=${name}\nexport REVISION=1.0.0\n`)
  writeFileSync(join(code, 'nextflow.config'), "params {\n    input = null\n    fasta = null\n    gtf = null\n}\nprofiles {\n    test { includeConfig 'conf/test.config' }\n}\n")
  writeFileSync(join(code, 'main.nf'), 'workflow { }\n')
  writeFileSync(join(code, 'conf', 'test.config'), testConfig ?? [
    'params {',
    `    input = '${RAW}/faults/samplesheet.csv'`,
    `    fasta = '${RAW}/faults/reference/genome.fasta'`,
    `    gtf   = '${RAW}/faults/reference/genes.gtf'`,
    '}', ''].join('\n'))
  linkStaged(dir, name)
  return dir
}

/** Remove every object under `prefix` (between kill runs, so the next kill lands in real work again). */
export async function emptyPrefix(client: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))
    const keys = (r.Contents ?? []).map((o) => ({ Key: o.Key! }))
    if (!keys.length) return
    await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys } }))
  }
}

/** What a cut run may leave: a subset of the clean run's entries, each one whole (the same hash). */
export function expectSubsetOf(got: Record<string, string>, want: Record<string, string>, what: string): void {
  for (const [k, v] of Object.entries(got)) {
    expect(want[k], `${what}: ${k} is not in the clean run`).toBeDefined()
    expect(v, `${what}: ${k} is partial or corrupt`).toBe(want[k])
  }
}

/**
 * Lost and corrupted files, counted from the comparisons every kill run makes (the suite's records quote
 * these counts, not constants): after a kill, an entry under a final name that is not the clean run's is
 * corrupted; after the re-run, a missing entry is lost and a differing or extra one corrupted. Each check
 * counts first, then asserts, so a failure names the file.
 */
export class Tally {
  lost = 0
  corrupted = 0
  afterKill(got: Record<string, string>, want: Record<string, string>, what: string): void {
    this.corrupted += Object.entries(got).filter(([k, v]) => want[k] !== v).length
    expectSubsetOf(got, want, what)
  }
  afterRerun(got: Record<string, string>, want: Record<string, string>, what: string): void {
    this.lost += Object.keys(want).filter((k) => !(k in got)).length
    this.corrupted += Object.entries(got).filter(([k, v]) => want[k] !== v).length
    expect(got, what).toEqual(want)
  }
}

/** Every path under `dir` whose name is one of our temp names (`.x.tmp-<pid>-…`). */
export function tempsUnder(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    if (!existsSync(d)) return
    for (const e of readdirSync(d)) {
      const p = join(d, e)
      if (/\.tmp-\d+-/.test(e)) out.push(p)
      else if (lstatSync(p).isDirectory()) walk(p)
    }
  }
  walk(dir)
  return out
}

/**
 * A stand-in S3 endpoint that answers 403 AccessDenied (or 404 NoSuchKey) as a bucket policy or a vanished
 * object would: to every request, or, with `upstream`, only to `method` requests whose path matches `match`
 * (the rest are forwarded).
 */
export async function refusingS3(opts: { upstream?: string; match?: RegExp; method?: string; status?: 403 | 404 } = {}): Promise<{ url: string; refused: number; close(): Promise<void> }> {
  const status = opts.status ?? 403
  const code = status === 403 ? 'AccessDenied' : 'NoSuchKey'
  const up = opts.upstream ? new URL(opts.upstream) : undefined
  let refused = 0
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const hit = !up || ((!opts.method || req.method === opts.method) && (opts.match?.test(decodeURIComponent(req.url ?? '')) ?? true))
    if (!hit) {
      const fw = request({ host: up!.hostname, port: up!.port, method: req.method, path: req.url, headers: req.headers }, (r) => { res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res) })
      fw.on('error', () => res.destroy())
      req.pipe(fw)
      return
    }
    refused++
    req.resume()
    res.writeHead(status, { 'content-type': 'application/xml' })
    res.end(req.method === 'HEAD' ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>refused</Message><RequestId>1</RequestId></Error>`)
  })
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refused() { return refused },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()) }),
  })))
}
export const deniedS3 = () => refusingS3()

export const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0)
