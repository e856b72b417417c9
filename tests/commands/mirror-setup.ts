// mirror-setup: shared scaffolding for the mirror/check command tests: a staged fixture, a data host, a source bucket.
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3'
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { linkStaged } from '../../scripts/lib/stage/staged-links.js'
import { flaky, serve, type Route, type TestServer } from '../helpers/http-server.js'
import { fixtures, type Project } from '../helpers/project.js'
import type { TestS3 } from '../helpers/s3.js'

export const RAW = 'https://raw.githubusercontent.com/nf-core/test-datasets'
/** Deterministic content for any path of the fake data host. */
export const contentOf = (path: string) => Buffer.from(`>${path}\n${'ACGT'.repeat(64)}\n`.repeat(8))

/** Stage a fixture pipeline as `just stage` leaves it: code under pipelines/<name>/<name>, conf links made. */
export function stageFixture(p: Project, fixture: string, subst: Record<string, string> = {}): string {
  const dir = join(p.root, 'pipelines', fixture)
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'Pipeline-ENV'), `export PIPELINE=${fixture}\nexport REVISION=1.0.0\n`)
  cpSync(join(fixtures, 'pipelines', fixture), join(dir, fixture), { recursive: true })
  const tc = join(dir, fixture, 'conf', 'test.config')
  let text = readFileSync(tc, 'utf8')
  for (const [k, v] of Object.entries(subst)) text = text.split(k).join(v)
  writeFileSync(tc, text)
  linkStaged(dir, fixture)
  return dir
}

export const SHEET = [
  'sample,fastq_1,fastq_2,strandedness',
  `WT_REP1,${RAW}/626c8fab/testdata/GSE110004/SRR6357070_1.fastq.gz,${RAW}/626c8fab/testdata/GSE110004/SRR6357070_2.fastq.gz,auto`,
  `WT_REP1,${RAW}/626c8fab/testdata/GSE110004/SRR6357071_1.fastq.gz,${RAW}/626c8fab/testdata/GSE110004/SRR6357071_2.fastq.gz,auto`,
  `RAP1_IAA_30M_REP1,s3://ngi-igenomes/testdata/reads/SRR6357076_1.fastq.gz,,reverse`,
  `WT_REP2,${RAW}/626c8fab/testdata/GSE110004/SRR6357070_1.fastq.gz,,auto`,
].join('\n') + '\n'

/** The fake raw.githubusercontent.com (behind SOURCE_REWRITE), with the texts the fixtures name. */
export async function dataHost(extra: Route[] = []): Promise<TestServer> {
  return serve([
    { path: /^\/raw\//, handler: (req, res, url) => { const b = contentOf(url.pathname); res.writeHead(200, { 'content-length': b.length }).end(req.method === 'HEAD' ? undefined : b) } },
    { path: '/raw/626c8fab/samplesheet/v3.10/samplesheet_test.csv', body: SHEET },
    { path: '/raw/7f1614baeb0ddf66e60be78c3d9fa55440465ac8/viralrecon/samplesheet/samplesheet_test_illumina_amplicon.csv', body: `sample,fastq_1,fastq_2\nSAMPLE1_PE,${RAW}/viralrecon/illumina/amplicon/sample1_R1.fastq.gz,${RAW}/viralrecon/illumina/amplicon/sample1_R2.fastq.gz\n` },
    { path: '/raw/626c8fab/reference/bbsplit_fasta_list.txt', body: `sarscov2,${RAW}/626c8fab/reference/sarscov2.fa\nhuman,${RAW}/626c8fab/reference/human.fa\n` },
    { path: '/raw/626c8fab/reference/genome.fasta', handler: flaky(1, (req, res, url) => { const b = contentOf(url.pathname); res.writeHead(200, { 'content-length': b.length }).end(req.method === 'HEAD' ? undefined : b) }) },
    ...extra,
  ])
}

/** Objects of the public source bucket the fixtures name. */
export async function seedSourceBucket(s3: TestS3): Promise<void> {
  const keys = [
    'testdata/reads/SRR6357076_1.fastq.gz',
    ...['vcf/dbsnp_146.hg38.vcf.gz', 'vcf/dbsnp_146.hg38.vcf.gz.tbi', 'genome.fasta', 'genome.fasta.fai'].map((k) => `testdata/nf-core/modules/genomics/homo_sapiens/genome/${k}`),
    'testdata/nf-core/modules/genomics/sarscov2/illumina/vcf/test2.vcf.gz',
    'testdata/nf-core/modules/genomics/sarscov2/illumina/vcf/test2.vcf.gz.tbi',
    'testdata/nf-core/modules/genomics/homo_sapiens/genome/bwa/genome.amb',
    'testdata/nf-core/modules/genomics/homo_sapiens/genome/bwa/genome.bwt',
  ]
  for (const k of keys) await s3.client.send(new PutObjectCommand({ Bucket: 'ngi-igenomes', Key: k, Body: contentOf(k) }))
}

export async function keysUnder(s3: TestS3, prefix: string, bucket = 'dest'): Promise<Map<string, number>> {
  const r = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))
  return new Map((r.Contents ?? []).map((o) => [o.Key!, o.Size!]))
}

export async function readObject(s3: TestS3, key: string, bucket = 'dest'): Promise<string> {
  const r = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
  return r.Body!.transformToString()
}
