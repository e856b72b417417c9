import { DeleteObjectCommand } from '@aws-sdk/client-s3'
import { existsSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { githubRoutes, packRelease } from '../helpers/release.js'
import { fixtures, tmpProject, type Project, cacheConfigs } from '../helpers/project.js'
import { startS3, type TestS3 } from '../helpers/s3.js'
import { MARKER } from '../../scripts/lib/mirror/test-config.js'
import { scriptRevision } from '../../scripts/lib/mirror/script-id.js'
import { contentOf, dataHost, keysUnder, RAW, readObject, seedSourceBucket, SHEET, stageFixture } from './mirror-setup.js'

let p: Project, s3: TestS3, http: TestServer, env: Record<string, string>
const D = 'offline'   // S3_ROOT = s3://dest/offline
/** stderr without the per-file progress lines printed when not on a TTY */
const errs = (s: string) => s.split('\n').filter((l) => !l.startsWith('mirror: ✓ ')).join('\n')
const key = (pipe: string, url: string) => `${D}/${pipe}/data/${url.replace(/^https:\/\/|^s3:\/\//, '').replace(/\/\/+/g, '/')}`

beforeAll(async () => {
  p = tmpProject()
  cacheConfigs(p)
  s3 = await startS3(['dest', 'ngi-igenomes'])
  await seedSourceBucket(s3)
  http = await dataHost()
  env = { ...s3.env, S3_ROOT: `s3://dest/${D}`, OFFLINE_DIR: join(p.root, 'offline'), SOURCE_REWRITE: `https://raw.githubusercontent.com/nf-core/test-datasets=>${http.url}/raw` }
})
afterAll(async () => { await http.close(); await s3.stop(); p.cleanup() })

describe('just mirror', () => {
  it('mirrors a remote samplesheet and its cells, rewrites inputs3.csv and test.config; a re-run skips all', async () => {
    const name = 'samplesheet-nested-urls'
    const dir = stageFixture(p, name)
    const r = await p.script('mirror', [name], { env })
    expect(errs(r.stderr)).toBe('')
    expect(r.code).toBe(0)
    // 5 distinct cells (one duplicate, one empty, one s3) + fasta + gtf; the flaky fasta was retried
    // a record line per file copied (no TTY here), then the summary
    const records = r.stdout.split('\n').filter((l) => l.startsWith('copy: '))
    expect(records).toHaveLength(8)
    expect(records.every((l) => / to s3:\/\/dest\/offline\/samplesheet-nested-urls\/data\/.* \([\d.]+ k?B\)$/.test(l))).toBe(true)
    expect(r.stdout.split('\n').filter((l) => !l.startsWith('copy: ')).join('\n')).toMatch(/^mirror: 8 files, 8 copied \([\d.]+ kB\), 0 skipped, [\d.]+ s → s3:\/\/dest\/offline\/samplesheet-nested-urls\/data\/\n$/)
    // the size HEAD (for the bar's byte total) meets the flaky answer and is retried; then one GET copies it
    expect(http.log.filter((l) => l.endsWith(' /raw/626c8fab/reference/genome.fasta'))).toEqual(['HEAD', 'HEAD', 'GET'].map((m) => `${m} /raw/626c8fab/reference/genome.fasta`))
    const keys = await keysUnder(s3, `${D}/${name}/data/`)
    expect(keys.get(key(name, `${RAW}/626c8fab/reference/genome.fasta`))).toBe(contentOf('/raw/626c8fab/reference/genome.fasta').length)
    expect(keys.has(key(name, 's3://ngi-igenomes/testdata/reads/SRR6357076_1.fastq.gz'))).toBe(true)

    const inputs3 = readFileSync(join(dir, 'inputs3.csv'), 'utf8')
    expect(inputs3).toBe(SHEET.split(`${RAW}/`).join(`s3://dest/${D}/${name}/data/raw.githubusercontent.com/nf-core/test-datasets/`)
      .replace('s3://ngi-igenomes/', `s3://dest/${D}/${name}/data/ngi-igenomes/`))
    expect(readFileSync(join(p.root, 'offline', name, 'inputs3.csv'), 'utf8')).toBe(inputs3)
    expect(await readObject(s3, `${D}/${name}/data/inputs3.csv`)).toBe(inputs3)
    expect(readlinkSync(join(dir, name, 'inputs3.csv'))).toBe('../inputs3.csv')

    const orig = readFileSync(join(fixtures, 'pipelines', name, 'conf/test.config'), 'utf8')
    const tc = readFileSync(join(dir, name, 'conf', 'test.config'), 'utf8')   // through the link
    expect(tc.startsWith(orig)).toBe(true)
    const block = tc.slice(tc.indexOf(MARKER))
    expect(block).toContain(`input                        = 's3://dest/${D}/${name}/data/inputs3.csv'`)
    expect(block).toContain(`fasta                        = 's3://dest/${D}/${name}/data/raw.githubusercontent.com/nf-core/test-datasets/626c8fab/reference/genome.fasta'`)
    expect(block).toContain("docker.registry = 'nexus-docker-quay.ship.gov.sg'")
    expect(block).not.toContain('igenomes_base')   // no genome in this profile

    const again = await p.just(['mirror'], { cwd: `pipelines/${name}`, env })
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/mirror: 8 files, 0 copied \(0 B\), 8 skipped, ([\d.]+) s/)
    console.log(`re-run (all skipped): ${/([\d.]+) s →/.exec(again.stdout)![1]} s inside, ${again.ms} ms with node start`)
    expect(readFileSync(join(dir, 'test.config'), 'utf8')).toBe(tc)
  })

  it('ROWS=1 keeps the header and one row, and mirrors only its files', async () => {
    const name = 'bbsplit-list'
    const dir = stageFixture(p, name)
    const r = await p.script('mirror', [name, 'ROWS=1'], { env })
    expect(errs(r.stderr)).toBe('')
    expect(readFileSync(join(dir, 'inputs3.csv'), 'utf8').trim().split('\n')).toHaveLength(2)
    // 2 cells + fasta + 2 files in the list, then the rewritten list and inputs3.csv
    expect(r.stdout).toMatch(/mirror: 7 files, 7 copied/)
    const list = await readObject(s3, key(name, `${RAW}/626c8fab/reference/bbsplit_fasta_list.txt`))
    expect(list).toBe(`sarscov2,s3://dest/${D}/${name}/data/raw.githubusercontent.com/nf-core/test-datasets/626c8fab/reference/sarscov2.fa\nhuman,s3://dest/${D}/${name}/data/raw.githubusercontent.com/nf-core/test-datasets/626c8fab/reference/human.fa\n`)
    expect(readFileSync(join(dir, 'test.config'), 'utf8')).toContain(`bbsplit_fasta_list           = 's3://dest/${D}/${name}/data/raw.githubusercontent.com/nf-core/test-datasets/626c8fab/reference/bbsplit_fasta_list.txt'`)
  })

  it('mirrors a sarek-like profile: local samplesheet, genome entry files, igenomes_base redirected', async () => {
    const name = 'igenomes-genome'
    const dir = stageFixture(p, name)
    const r = await p.script('mirror', [name, '--with-checksums', '--emit-manifest'], { env })
    expect(errs(r.stderr)).toBe('')
    expect(r.code).toBe(0)
    const keys = await keysUnder(s3, `${D}/${name}/data/`)
    for (const f of ['genome.fasta', 'genome.fasta.fai', 'vcf/dbsnp_146.hg38.vcf.gz', 'vcf/dbsnp_146.hg38.vcf.gz.tbi']) {
      expect(keys.has(`${D}/${name}/data/ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/${f}`)).toBe(true)
    }
    expect(keys.has(`${D}/${name}/data/ngi-igenomes/testdata/nf-core/modules/genomics/sarscov2/illumina/vcf/test2.vcf.gz`)).toBe(true)
    for (const f of ['genome.amb', 'genome.bwt']) expect(keys.has(`${D}/${name}/data/ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/bwa/${f}`)).toBe(true)
    const tc = readFileSync(join(dir, 'test.config'), 'utf8')
    expect(tc).toContain(`igenomes_base              = 's3://dest/${D}/${name}/data/ngi-igenomes/testdata/nf-core/modules'`)
    expect(tc).toContain(`bcftools_annotations       = 's3://dest/${D}/${name}/data/ngi-igenomes/testdata/nf-core/modules/genomics/sarscov2/illumina/vcf/test2.vcf.gz'`)
    expect(tc).not.toMatch(/snpeff_cache\s+=\s+'s3/)
    const sums = await readObject(s3, `${D}/${name}/data/SHA256SUMS`)
    expect(sums).toMatch(/^[0-9a-f]{64} {2}ngi-igenomes\/testdata\/nf-core\/modules\/genomics\/homo_sapiens\/genome\/genome.fasta$/m)
    const manifest = JSON.parse(await readObject(s3, `${D}/${name}/data/data.manifest.json`))
    expect(manifest.files.find((f: { source: string }) => f.source?.endsWith('genome.fasta'))).toMatchObject({ size: contentOf('testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta').length })
  })

  it('mirrors an input given as a list of files (http), trimmed by ROWS', async () => {
    const name = 'input-url-list'
    const port = new URL(http.url).port
    const dir = stageFixture(p, name, { '@PORT@': port })
    const r = await p.script('mirror', [name, 'ROWS=2'], { env })
    expect(errs(r.stderr)).toBe('')
    const tc = readFileSync(join(dir, 'test.config'), 'utf8')
    expect(tc).toMatch(/^ {4}input +=/m)
    expect(tc).toContain(`= ['s3://dest/${D}/${name}/data/127.0.0.1/raw/bam/test1.bam', 's3://dest/${D}/${name}/data/127.0.0.1/raw/bam/test2.bam'] // the first ROWS files of the input list`)
    expect((await keysUnder(s3, `${D}/${name}/data/127.0.0.1/`)).size).toBe(2)
  })

  it('follows params built from nextflow.config defaults (concatenation, interpolation)', async () => {
    const name = 'params-from-nextflow-config'
    const dir = stageFixture(p, name)
    const r = await p.script('mirror', [name], { env })
    expect(errs(r.stderr)).toBe('')
    expect(r.stdout).toMatch(/mirror: 4 files, 4 copied/)
    expect(readFileSync(join(dir, 'inputs3.csv'), 'utf8')).toContain(`s3://dest/${D}/${name}/data/raw.githubusercontent.com/nf-core/test-datasets/viralrecon/illumina/amplicon/sample1_R1.fastq.gz`)
    expect(readFileSync(join(dir, 'test.config'), 'utf8')).toContain(`fasta                        = 's3://dest/${D}/${name}/data/raw.githubusercontent.com/nf-core/test-datasets/7f1614baeb0ddf66e60be78c3d9fa55440465ac8/viralrecon/genome/MN908947.3/GCA_011545545.1_ASM1154554v1_genomic.fna.gz'`)
  })

  it('fails with one line per missing source and leaves test.config as it was', async () => {
    const name = 'samplesheet-nested-urls'
    const before = readFileSync(join(p.root, 'pipelines', name, 'test.config'), 'utf8')
    await s3.client.send(new DeleteObjectCommand({ Bucket: 'dest', Key: key(name, `${RAW}/626c8fab/reference/genes.gtf.gz`) }))
    const bad = { ...env, SOURCE_REWRITE: `${env.SOURCE_REWRITE};https://raw.githubusercontent.com/nf-core=>${http.url}/nowhere` }
    http.add({ path: '/raw/626c8fab/reference/genes.gtf.gz', status: 404, body: 'no' })
    const r = await p.script('mirror', [name], { env: bad })
    http.add({ path: '/raw/626c8fab/reference/genes.gtf.gz', handler: (_q, res, url) => { res.end(contentOf(url.pathname)) } })
    expect(r.code).toBe(1)
    expect(errs(r.stderr)).toMatch(/^✗ https:\/\/raw.githubusercontent.com\/nf-core\/test-datasets\/626c8fab\/reference\/genes.gtf.gz \(gtf\): .*HTTP 404\nmirror: 1 of 7 files failed; .*MIRROR_SKIP=<param>.*\n$/)
    expect(readFileSync(join(p.root, 'pipelines', name, 'test.config'), 'utf8')).toBe(before)
  })

  it('names the samplesheet and where it is set when it cannot be read', async () => {
    const name = 'samplesheet-nested-urls'
    http.add({ path: '/raw/626c8fab/samplesheet/v3.10/samplesheet_test.csv', status: 404, body: 'no' })
    const r = await p.script('mirror', [name], { env })
    http.add({ path: '/raw/626c8fab/samplesheet/v3.10/samplesheet_test.csv', body: SHEET })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mirror: samplesheet \(params.input, conf\/test.config:\d+\): http:\/\/127.0.0.1:\d+\/raw\/626c8fab\/samplesheet\/v3.10\/samplesheet_test.csv: HTTP 404\n$/)
  })

  it('names a malformed S3_ROOT in one line', async () => {
    const r = await p.script('mirror', ['params-from-nextflow-config'], { env: { ...env, S3_ROOT: 'dest/offline' } })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe("mirror: S3_ROOT 'dest/offline' is not an s3://bucket/prefix URI\n")
  })

  it('reports a syntax error in the original test.config with file:line', async () => {
    const name = 'params-from-nextflow-config'
    const dir = stageFixture(p, name)
    writeFileSync(join(dir, name, 'conf', 'test.config.orig'), "params {\n    input = 'https://h.org/x.csv\n}\n")
    const r = await p.script('mirror', [name], { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^mirror: conf\/test\.config\.orig:2: .+\n$/)
  })

  it('--plan prints each file and its S3 URI without touching S3 or the network', async () => {
    const name = 'igenomes-genome'
    stageFixture(p, name)
    const r = await p.script('mirror', [name, '--plan'], { env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', SOURCE_REWRITE: '' } })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`  genome 'testdata.nf-core.sarek'.fasta: s3://ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta\n      → s3://dest/${D}/${name}/data/ngi-igenomes/testdata/nf-core/modules/genomics/homo_sapiens/genome/genome.fasta`)
    expect(r.stdout).toContain(`  cell: ${RAW}/modules/data/genomics/homo_sapiens/illumina/fastq/test_1.fastq.gz`)
    expect(r.stdout).toContain(`igenomes_base              = 's3://dest/${D}/${name}/data/ngi-igenomes/testdata/nf-core/modules'`)
  })

  it('plans a default only when the test reaches it, shows its size, and caps a large one unless MIRROR_INCLUDE names it', async () => {
    const name = 'defaults-by-use'
    const dir = stageFixture(p, name)
    // every other host behind the fake data host; the lineage package says 100 GB on HEAD (its body is never asked for)
    const hosts = ['busco-data.ezlab.org', 'tbb.bio.uu.nl', 'data.example.org', 'data.broadinstitute.org', 'data.gtdb.ecogenomic.org']
    const rw = { ...env, SOURCE_REWRITE: [env.SOURCE_REWRITE, ...hosts.map((h) => `https://${h}=>${http.url}/raw/${h}`)].join(';') }
    http.add({ path: '/raw/data.example.org/lineages/full_lineages.tar.gz', handler: (req, res) => {
      if (req.method !== 'HEAD') { res.writeHead(500).end('the body of a capped default was asked for'); return }
      res.writeHead(200, { 'content-length': String(100e9) }).end()
    } })
    http.add({ path: '/raw/mag/samplesheets/samplesheet.multirun.csv', body: `sample,group,short_reads_1,short_reads_2\nA,0,${RAW}/mag/test_data/A_1.fastq.gz,${RAW}/mag/test_data/A_2.fastq.gz\n` })
    const plan = await p.script('mirror', [name, '--plan'], { env: rw })
    expect(plan.stderr).toBe('')
    const out = plan.stdout
    expect(out).toMatch(/ {2}cat_db \[pipeline default, [\d.]+ kB; used: skip_cat = false \(nextflow.config:12\)\]: https:\/\/tbb.bio.uu.nl\//)
    expect(out).toMatch(/ {2}annot_filter_url \[pipeline default, [\d.]+ kB; used: tools = all \(conf\/test.config:11\)\]: https:\/\/data.broadinstitute.org\//)
    expect(out).toContain('  vep_cache: https://raw.githubusercontent.com/nf-core/test-datasets/raredisease/reference/vep_cache_and_plugins.tar.gz\n')
    expect(out).toContain('  not mirrored: gtdb_db = https://data.gtdb.ecogenomic.org/releases/release220/220.0/auxillary_files/gtdbtk_package/full_package/gtdbtk_r220_data.tar.gz (a pipeline default the test does not reach: skip_gtdbtk = true (conf/test.config:10))\n')
    expect(out).toContain('  not mirrored: lineage_db = https://data.example.org/lineages/full_lineages.tar.gz (a pipeline default of 100 GB, over MIRROR_MAX_DEFAULT_GB=1; copy it with MIRROR_INCLUDE=lineage_db)\n')
    expect(out).toContain('  not mirrored: genomes_base = s3://nf-core-awsmegatests/defaults-by-use/references (a pipeline default named as a directory prefix; never copied)\n')
    expect(http.log).not.toContain('GET /raw/data.gtdb.ecogenomic.org/releases/release220/220.0/auxillary_files/gtdbtk_package/full_package/gtdbtk_r220_data.tar.gz')

    const included = await p.script('mirror', [name, '--plan'], { env: { ...rw, MIRROR_INCLUDE: 'lineage_db' } })
    expect(included.stdout).toMatch(/ {2}lineage_db \[pipeline default, 100.00 GB; used: tools = all/)

    const r = await p.script('mirror', [name], { env: rw })
    expect(r.code).toBe(0)
    expect(errs(r.stderr)).toContain('mirror: warning: not mirrored: lineage_db = https://data.example.org/lineages/full_lineages.tar.gz (a pipeline default of 100 GB')
    // 2 cells + busco, vep_cache, cat_db, annot_filter_url + inputs3.csv
    expect(r.stdout).toMatch(/mirror: 7 files, 7 copied/)
    const tc = readFileSync(join(dir, 'test.config'), 'utf8')
    expect(tc).toMatch(/vep_cache += 's3:\/\/dest\/offline\/defaults-by-use\/data\/raw.githubusercontent.com\/nf-core\/test-datasets\/raredisease\/reference\/vep_cache_and_plugins.tar.gz'/)
    expect(tc).not.toMatch(/lineage_db +=/)
  })

  it('--from-log mirrors what the newest test run of this revision staged, and reports both differences', async () => {
    const name = 'defaults-by-use'
    const dir = stageFixture(p, name)
    const staged = join(dir, name)
    const hosts = ['busco-data.ezlab.org', 'tbb.bio.uu.nl', 'data.example.org', 'data.broadinstitute.org', 'data.gtdb.ecogenomic.org']
    const rw = { ...env, SOURCE_REWRITE: [env.SOURCE_REWRITE, ...hosts.map((h) => `https://${h}=>${http.url}/raw/${h}`)].join(';') }
    http.add({ path: '/raw/mag/samplesheets/samplesheet.multirun.csv', body: `sample,group,short_reads_1,short_reads_2\nA,0,${RAW}/mag/test_data/A_1.fastq.gz,${RAW}/mag/test_data/A_2.fastq.gz\n` })
    const template = readFileSync(join(fixtures, 'logs', 'test-run.nextflow.log'), 'utf8').replaceAll('@STAGED@', staged)
    // newest: a run with another profile; then the test run of this revision; oldest: a test run of another revision
    writeFileSync(join(dir, '.nextflow.log'), template.replace('-profile test,docker', '-profile docker').replaceAll('@REVISION@', scriptRevision(readFileSync(join(staged, 'main.nf'), 'utf8'))))
    writeFileSync(join(dir, '.nextflow.log.1'), template.replaceAll('@REVISION@', scriptRevision(readFileSync(join(staged, 'main.nf'), 'utf8'))))
    writeFileSync(join(dir, '.nextflow.log.2'), template.replaceAll('@REVISION@', 'abcdef0123'))
    utimesSync(join(dir, '.nextflow.log'), new Date(3e12), new Date(3e12))
    utimesSync(join(dir, '.nextflow.log.1'), new Date(2e12), new Date(2e12))
    utimesSync(join(dir, '.nextflow.log.2'), new Date(1e12), new Date(1e12))

    const plan = await p.script('mirror', [name, '--plan', '--from-log'], { env: rw })
    expect(plan.stderr).toBe('')
    expect(plan.stdout).toContain(`  from ${join(dir, '.nextflow.log.1')}: the run staged 7 remote files\n`)
    expect(plan.stdout).toContain('  staged by the run, missed by the static plan: https://data.gtdb.ecogenomic.org/releases/release220/220.0/auxillary_files/gtdbtk_package/full_package/gtdbtk_r220_data.tar.gz (gtdb_db); mirrored\n')
    expect(plan.stdout).toContain(`  staged by the run, missed by the static plan: ${RAW}/mag/test_data/host.fasta (redirected through pipelines_testdata_base_path); mirrored\n`)
    expect(plan.stdout).toContain('  planned default never used by the run: cat_db = https://tbb.bio.uu.nl/bastiaan/CAT_prepare/CAT_prepare_20210107.tar.gz; not mirrored\n')
    expect(plan.stdout).toContain('  planned default never used by the run: lineage_db = https://data.example.org/lineages/full_lineages.tar.gz; not mirrored\n')
    expect(plan.stdout).not.toContain('A_1.fastq.gz (')   // the samplesheet's cells are not "missed"

    const r = await p.script('mirror', [name, '--from-log', '.nextflow.log.1'], { env: rw })
    expect(r.code).toBe(0)
    // 2 cells + busco, vep_cache, annot_filter_url, gtdb_db, host.fasta + inputs3.csv; cat_db and lineage_db left out
    expect(r.stdout).toMatch(/mirror: 8 files, \d+ copied/)
    const keys = await keysUnder(s3, `${D}/${name}/data/`)
    expect(keys.has(key(name, `${RAW}/mag/test_data/host.fasta`))).toBe(true)
    const tc = readFileSync(join(dir, 'test.config'), 'utf8')
    expect(tc).toMatch(/gtdb_db += 's3:/)
    expect(tc).not.toMatch(/cat_db +=/)

    const other = await p.script('mirror', [name, '--from-log', '.nextflow.log.2'], { env: rw })
    expect(other.code).toBe(1)
    expect(other.stderr).toMatch(/^mirror: --from-log .nextflow.log.2: a run of revision abcdef0123, not of the staged code \(1.0.0, main.nf [0-9a-f]{10}\); give the log of a test run of this revision .*\n$/)
  })

  it('brings nf-core/configs along: fetched from GITHUB_URL at the pinned version, its genome mirrored, its files shipped with S3 URIs', async () => {
    const name = 'configs-genome'
    const dir = stageFixture(p, name)
    const gh = await serve(githubRoutes('configs', []).concat([
      { path: '/nf-core/configs/archive/master.tar.gz', body: await packRelease(join(fixtures, 'nf-core-configs'), 'configs', 'master') },
    ]))
    try {
      http.add({ path: '/raw/viralrecon/samplesheet/samplesheet_test_amplicon_illumina.csv', body: `sample,fastq_1,fastq_2\nS1,${RAW}/viralrecon/illumina/amplicon/sample1_R1.fastq.gz,\n` })
      const cache = join(p.root, 'cache-configs')
      const e = { ...env, GITHUB_URL: gh.url, NF_OFFLINE_CACHE: cache, SOURCE_REWRITE: `${env.SOURCE_REWRITE};https://github.com=>${http.url}/raw/github.com` }
      const plan = await p.script('mirror', [name, '--plan'], { env: e })
      expect(plan.stderr).toBe('')
      expect(plan.stdout).toContain("  genome 'MN908947.3'.primer_sets.artic.1.primer_bed: https://github.com/artic-network/artic-ncov2019/raw/master/primer_schemes/nCoV-2019/V1/nCoV-2019.primer.bed\n")
      expect(plan.stdout).toContain("  not mirrored: genomes.'MN908947.3'.primer_sets.artic.3 = (its files) (not the one the test's params choose (1))\n")
      expect(plan.stdout).toContain(`  nf-core/configs@master: nfcore_custom.config, pipeline/configs-genome.config, conf/pipeline/configs-genome/genomes.config (evaluated; shipped with mirrored URLs in pipelines/${name}/nf-core-configs)`)
      expect(plan.stdout).not.toContain('warning:')   // the genome's URLs are rewritten in the shipped copy, not left to the source

      const r = await p.script('mirror', [name], { env: e })
      expect(errs(r.stderr).split('\n').filter((l) => l && !l.startsWith("mirror: warning: not mirrored: genomes.'MN908947.3'.primer_sets."))).toEqual([])
      expect(r.code).toBe(0)
      // 1 cell + kraken2_db + fasta, gff, nextclade_dataset, artic 1 fasta and bed + inputs3.csv
      expect(r.stdout).toMatch(/mirror: 8 files, 8 copied/)
      const shipped = readFileSync(join(dir, 'nf-core-configs', 'conf/pipeline/configs-genome/genomes.config'), 'utf8')
      expect(shipped).toContain(`primer_bed = 's3://dest/${D}/${name}/data/github.com/artic-network/artic-ncov2019/raw/master/primer_schemes/nCoV-2019/V1/nCoV-2019.primer.bed'`)
      expect(shipped).toContain("primer_bed = 'https://github.com/artic-network/artic-ncov2019/raw/master/primer_schemes/nCoV-2019/V3/nCoV-2019.primer.bed'")   // not the test's
      expect(existsSync(join(dir, 'nf-core-configs', 'nfcore_custom.config'))).toBe(true)
      expect(existsSync(join(dir, 'nf-core-configs', 'conf/big_cluster.config'))).toBe(false)   // an inactive profile's file is not read
      expect(readFileSync(join(dir, 'test.config'), 'utf8')).not.toContain('custom_config_base')
      // cached like release archives: a second run does not ask GitHub again
      const asked = gh.log.length
      expect((await p.script('mirror', [name], { env: e })).code).toBe(0)
      expect(gh.log.length).toBe(asked)
    } finally { await gh.close() }
  })

  it('counts params set in files the test profile includes as the test\'s: their failure is fatal', async () => {
    const name = 'testdata-includes'
    stageFixture(p, name)
    http.add({ path: '/raw/modules/data/genomics/mus_musculus/rnaseq_expression/SRP254919.samplesheet.csv', body: 'sample,condition\nSRX8042381,control\n' })
    const r = await p.script('mirror', [name], { env: { ...env, SOURCE_REWRITE: `${env.SOURCE_REWRITE};https://ftp.ensembl.org=>${http.url}/nowhere;https://github.com=>${http.url}/raw/github` } })
    expect(r.code).toBe(1)
    expect(errs(r.stderr)).toMatch(/✗ https:\/\/ftp.ensembl.org\/pub\/release-81\/gtf\/mus_musculus\/Mus_musculus.GRCm38.81.gtf.gz \(gtf\): .*HTTP 404/)
  })

  it('says so when the pipeline is not staged', async () => {
    const r = await p.script('mirror', ['rnaseq'], { env })
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('mirror: pipelines/rnaseq/rnaseq is not staged; run: just stage rnaseq (Dev) or just down rnaseq (Prod)\n')
    expect(existsSync(join(p.root, 'offline', 'rnaseq'))).toBe(false)
  })
})
