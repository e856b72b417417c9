import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fixtures } from '../../helpers/project.js'
import { notThisRun, parseRunLog, profilesOf } from '../../../scripts/lib/mirror/run-log.js'
import { murmur3x64_128, scriptRevision } from '../../../scripts/lib/mirror/script-id.js'
import { applyLog } from '../../../scripts/lib/mirror/from-log.js'
import type { ProfilePlan } from '../../../scripts/lib/mirror/test-profile.js'

const RAW = 'https://raw.githubusercontent.com/nf-core/test-datasets'
const logText = readFileSync(join(fixtures, 'logs', 'test-run.nextflow.log'), 'utf8').replaceAll('@STAGED@', '/p/pipelines/mag/mag').replaceAll('@REVISION@', '0123456789')

describe('a run\'s .nextflow.log', () => {
  it('lists each file FilePorter staged once (Staging…, Copying…, Local cache found…), not continuation lines', () => {
    const log = parseRunLog(logText)
    expect(log.cli).toBe('nextflow run /p/pipelines/mag/mag -profile test,docker --outdir /p/pipelines/mag/mag/../results/test -resume')
    expect(log.launch).toEqual({ script: '/p/pipelines/mag/mag/main.nf', revision: '0123456789' })
    expect(log.staged).toEqual([
      `${RAW}/mag/test_data/A_1.fastq.gz`, `${RAW}/mag/test_data/A_2.fastq.gz`,
      'https://busco-data.ezlab.org/v5/data/lineages/bacteria_odb10.2024-01-08.tar.gz',
      'https://data.broadinstitute.org/Trinity/CTAT_RESOURCE_LIB/AnnotFilterRule.pm',
      `${RAW}/raredisease/reference/vep_cache_and_plugins.tar.gz`,
      'https://data.gtdb.ecogenomic.org/releases/release220/220.0/auxillary_files/gtdbtk_package/full_package/gtdbtk_r220_data.tar.gz',
      `${RAW}/mag/test_data/host.fasta`,
    ])
  })

  it.each([
    ['nextflow run x -profile test,docker -stub', ['test', 'docker']],
    ['nextflow run x -profile=docker', ['docker']],
    ['nextflow run x', []],
  ])('profiles of %s', (cli, want) => expect(profilesOf(cli)).toEqual(want))

  it.each([
    [{ cli: 'nextflow run x -profile test,docker', launch: { script: 'x/main.nf', revision: '0123456789' } }, undefined],
    [{ cli: 'nextflow run nf-core/mag -r 3.3.0 -profile test,docker', launch: { script: 'https://github.com/nf-core/mag', revision: '3.3.0 [049ea0a8b1]' } }, undefined],
    [{ cli: 'nextflow run x -profile docker', launch: { script: 'x/main.nf', revision: '0123456789' } }, 'not a test run (-profile docker)'],
    [{ cli: 'nextflow run x -profile test,docker', launch: { script: 'x/main.nf', revision: 'ffffffffff' } }, 'a run of revision ffffffffff, not of the staged code (3.3.0, main.nf 0123456789)'],
    [{ cli: 'nextflow run x -profile test,docker' }, 'no launch line (the run stopped before it started)'],
    [{ cli: 'nextflow info' }, 'no `nextflow run` command line in it'],
  ])('%j is refused because: %s', (log, why) => expect(notThisRun({ staged: [], ...log }, { scriptId: '0123456789', tag: '3.3.0' })).toBe(why))

  it('computes the revision a local run prints as Guava\'s murmur3_128 of main.nf (UTF-16 chars)', () => {
    expect(murmur3x64_128(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe('6c1b07bc7bbc4be347939ac4a93c437a')
    // checked against guava 32.1.3: Hashing.murmur3_128().newHasher().putUnencodedChars(text).hash()
    expect(murmur3x64_128(Buffer.from('#!/usr/bin/env nextflow\nworkflow { println "héllo" }\n', 'utf16le'))).toBe('8af64e09ec22769003b6752ddd401234')
    expect(scriptRevision('#!/usr/bin/env nextflow\nworkflow { println "héllo" }\n')).toBe('8af64e09ec')
  })
})

describe('the plan checked against the log', () => {
  const f = (param: string, url: string, fromTest: boolean) => ({ param, urls: [url], list: false, at: 'x', fromTest, listing: false })
  const plan: ProfilePlan = {
    files: [f('fasta', `${RAW}/g.fa`, true), f('cat_db', 'https://h/cat.tgz', false), f('annot', 'https://h/annot.pm', false)],
    prefixes: [{ param: 'pipelines_testdata_base_path', url: `${RAW}/` }], unresolved: [],
    skipped: [{ what: 'gtdb_db', value: 'https://h/gtdb.tgz', why: 'a pipeline default the test does not reach: skip_gtdbtk = true (x)' }],
  }
  it('keeps test files, drops defaults never staged, promotes a param the run staged, keeps unnamed files apart', () => {
    const r = applyLog(plan, { fasta: `${RAW}/g.fa`, cat_db: 'https://h/cat.tgz', annot: 'https://h/annot.pm', gtdb_db: 'https://h/gtdb.tgz' },
      ['https://h/annot.pm', 'https://h/gtdb.tgz', `${RAW}/extra.fa`])
    expect(r.plan.files.map((x) => x.param)).toEqual(['fasta', 'annot', 'gtdb_db'])
    expect(r.unused).toEqual([{ param: 'cat_db', urls: ['https://h/cat.tgz'] }])
    expect(r.promoted).toEqual([{ param: 'gtdb_db', url: 'https://h/gtdb.tgz' }])
    expect(r.unnamed).toEqual([`${RAW}/extra.fa`])
    expect(r.plan.skipped).toEqual([{ what: 'cat_db', value: 'https://h/cat.tgz', why: 'a pipeline default the logged run never staged' }])
  })
})
