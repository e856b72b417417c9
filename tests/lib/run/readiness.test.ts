import { describe, expect, it } from 'vitest'
import { batchChecks, formatItem, frameworkCheck, type Item, pluginChecks, type PluginInputs, type ToolFacts, toolChecks, verdict } from '../../../scripts/lib/run/readiness.js'
import type { PluginRef } from '../../../scripts/lib/plugins/list.js'

const DIR = '/h/.nextflow/plugins'
const ref = (w: string, n = 1): PluginRef => { const [id, version] = w.split('@'); return { id, version, at: `plugins.list:${n}` } }
const mf = (folder: string): [string, Record<string, string>] => {
  const i = folder.search(/-\d/)   // 'nf-schema-2.1.1' → nf-schema, 2.1.1
  return [folder, { 'Plugin-Id': folder.slice(0, i), 'Plugin-Version': folder.slice(i + 1) }]
}
/** declared, amazon reason, plugins.list, complete folders, strays → the lines */
const lines = (declared: string[], amazon: string | undefined, list: string[], installed: string[], strays: string[] = [], nxfVer = '24.10.6') => {
  const p: PluginInputs = { declared, amazon, list: list.map(ref), installed: new Map(installed.map(mf)), strays, dir: DIR, nxfVer }
  return pluginChecks(p).map(formatItem)
}
const DOWN = 'run: just plugins --down'
const DEV = 'run: just plugins (Dev), then just plugins --down'
const S3 = 'params.igenomes_base = s3://ngi-igenomes/igenomes/'

describe('pluginChecks', () => {
  it.each([
    ['all there: declared, implicit nf-amazon, plugins.list, merged',
      ['nf-schema@2.1.1'], S3, ['nf-amazon@2.9.3', 'nf-schema@2.1.1'], ['nf-schema-2.1.1', 'nf-amazon-2.9.3'], [],
      ['✓ plugin nf-schema@2.1.1', '✓ plugin nf-amazon@2.9.3']],
    ['a plugins.list entry not installed',
      [], undefined, ['nf-prov@1.2.2'], [], [],
      [`✗ plugin nf-prov@1.2.2: not installed; ${DOWN}`]],
    ['declared but plugins.list lacks it',
      ['nf-schema@2.1.1'], undefined, [], [], [],
      [`✗ plugin nf-schema@2.1.1: not installed (needed by nextflow.config); ${DEV}`]],
    ['declared at another version than plugins.list pins',
      ['nf-validation@1.1.3'], undefined, ['nf-validation@1.1.2'], ['nf-validation-1.1.2'], [],
      [`✗ plugin nf-validation@1.1.3: not installed (needed by nextflow.config); ${DEV}`,
        '✓ plugin nf-validation@1.1.2']],
    ['unpinned in the config',
      ['nf-schema'], undefined, [], [], [],
      ['✗ plugin nf-schema: declared without a version; offline Nextflow refuses unpinned plugins']],
    ['implicit nf-amazon takes the version NXF_VER bundles, not the list pin',
      [], S3, ['nf-amazon@2.9.0'], ['nf-amazon-2.9.0'], [],
      [`✗ plugin nf-amazon@2.9.3: not installed (needed by ${S3}); ${DEV}`, '✓ plugin nf-amazon@2.9.0']],
    ['a declared nf-amazon pin wins over the bundled one',
      ['nf-amazon@2.9.0'], S3, ['nf-amazon@2.9.0'], ['nf-amazon-2.9.0'], [],
      ['✓ plugin nf-amazon@2.9.0']],
    ['incomplete folder (no manifest) is named once, as the plugin',
      [], undefined, ['nf-prov@1.2.2'], [], ['nf-prov-1.2.2'],
      [`✗ plugin nf-prov@1.2.2: nf-prov-1.2.2 is incomplete (no classes/META-INF/MANIFEST.MF); ${DOWN}`]],
    ['stray files and empty dirs',
      [], undefined, [], [], ['.DS_Store', 'empty', 'nf-x-1.0.0.zip'],
      ['.DS_Store', 'empty', 'nf-x-1.0.0.zip'].map((s) => `✗ stray ${DIR}/${s}: not a plugin folder; offline Nextflow fails on it ("Cannot find the manifest path"); run: rm -rf ${DIR}/${s}`)],
    ['a stray name with a space is quoted for the shell',
      [], undefined, [], [], ["it's here"],
      [`✗ stray ${DIR}/it's here: not a plugin folder; offline Nextflow fails on it ("Cannot find the manifest path"); run: rm -rf '${DIR}/it'\\''s here'`]],
    ['an extra complete plugin is fine',
      [], undefined, ['nf-prov@1.2.2'], ['nf-prov-1.2.2', 'nf-prov-1.2.1'], [],
      ['✓ plugin nf-prov@1.2.2']],
    ['not id@version in the config',
      ['nf schema'], undefined, [], [], [],
      ['✗ plugin nf schema: not id@version in nextflow.config']],
  ])('%s', (_, declared, amazon, list, installed, strays, want) => {
    expect(lines(declared, amazon, list, installed, strays)).toEqual(want)
  })

  it('nf-amazon for an unknown Nextflow falls back on the plugins.list pin, else says so', () => {
    expect(lines([], S3, ['nf-amazon@2.9.3'], ['nf-amazon-2.9.3'], [], '99.1.0')).toEqual(['✓ plugin nf-amazon@2.9.3'])
    expect(lines([], S3, [], [], [], '99.1.0')).toEqual([
      `✗ plugin nf-amazon: needed (${S3}) but its version for Nextflow 99.1.0 is unknown; pin nf-amazon@<version> in the config`])
  })

  it('a folder whose manifest names another release fails', () => {
    const p: PluginInputs = { declared: [], list: [ref('nf-prov@1.2.2')], installed: new Map([['nf-prov-1.2.2', { 'Plugin-Id': 'nf-prov', 'Plugin-Version': '1.2.1' }]]), strays: [], dir: DIR }
    expect(pluginChecks(p).map(formatItem)).toEqual([`✗ plugin nf-prov@1.2.2: nf-prov-1.2.2 holds nf-prov@1.2.1; run: rm -rf ${DIR}/nf-prov-1.2.2 && just plugins --down`])
  })
})

describe('frameworkCheck', () => {
  const jar = '/h/.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar'
  const env = { NXF_HOME: '/h/.nextflow', NXF_VER: '24.10.6' }
  it.each([
    [env, undefined, `✓ framework 24.10.6 ${jar}`],
    [env, 'missing', `✗ framework 24.10.6: ${jar} missing; ${DOWN}`],
    [env, 'is broken (no end-of-central-directory record (cut short?))', `✗ framework 24.10.6: ${jar} is broken (no end-of-central-directory record (cut short?)); ${DOWN}`],
    [{ NXF_HOME: '/h/.nextflow' }, undefined, '✗ framework: NXF_VER is not set; set it in env/System-ENV'],
    [{ NXF_VER: '24.10.6' }, undefined, '✗ framework: NXF_HOME is not set; set it in env/System-ENV'],
  ])('%j, jar %s → %s', (e, problem, want) => expect(formatItem(frameworkCheck(e, () => problem))).toBe(want))
})

describe('toolChecks', () => {
  const all = { java: '/j/bin/java', docker: '/b/docker', nextflow: '/t/bin/nextflow' }
  const v17 = 'openjdk version "17.0.2" 2022-01-18\nOpenJDK Runtime Environment (build 17.0.2+8-86)\n'
  const launcher2510 = '#!/bin/bash\n  version_check="^(17|18|19|20|21|22|23|24|25)"\n'
  it.each<[string, string, ToolFacts, Record<string, string>, string[]]>([
    ['all there', '24.10.6', { at: all, javaText: v17 }, {}, ['✓ java 17.0.2 /j/bin/java', '✓ docker /b/docker', '✓ nextflow /t/bin/nextflow']],
    ['java 8 for 24.10', '24.10.6', { at: all, javaText: 'java version "1.8.0_392"' }, {},
      ['✗ java: Java 1.8.0_392, but Nextflow 24.10.6 needs Java 11 or later; install one and put it first on PATH, or set JAVA_HOME', '✓ docker /b/docker', '✓ nextflow /t/bin/nextflow']],
    ['java 11 for 25.10', '25.10.0', { at: all, javaText: 'openjdk version "11.0.21"', launcherText: launcher2510 }, {},
      ['✗ java: Java 11.0.21, but Nextflow 25.10.0 needs Java 17 to 25; install one and put it first on PATH, or set JAVA_HOME', '✓ docker /b/docker', '✓ nextflow /t/bin/nextflow']],
    ['java 26 past the launcher\'s range', '25.10.0', { at: all, javaText: 'openjdk version "26"', launcherText: launcher2510 }, {},
      ['✗ java: Java 26, but Nextflow 25.10.0 needs Java 17 to 25; install one and put it first on PATH, or set JAVA_HOME', '✓ docker /b/docker', '✓ nextflow /t/bin/nextflow']],
    ['a java that does not say its version', '24.10.6', { at: all, javaText: 'Error: could not create the VM' }, {},
      ['✗ java: /j/bin/java -version did not say its version; install one and put it first on PATH, or set JAVA_HOME', '✓ docker /b/docker', '✓ nextflow /t/bin/nextflow']],
    ['nothing', '24.10.6', { at: {} }, {}, ['✗ java: not found on PATH nor in JAVA_HOME; Nextflow 24.10.6 needs Java 11 or later: install one',
      '✗ docker: not found on PATH; the test profile runs its tasks in Docker containers: install Docker',
      `✗ nextflow: not in the toolkit's bin/ nor on PATH; ${DOWN}`]],
    ['on Batch docker is not needed here', '24.10.6', { at: { java: '/j/bin/java', nextflow: '/t/bin/nextflow' }, javaText: v17 }, { NXF_EXECUTOR: 'awsbatch' },
      ['✓ java 17.0.2 /j/bin/java', '✓ nextflow /t/bin/nextflow']],
  ])('%s', (_, ver, facts, env, want) => expect(toolChecks({ NXF_VER: ver, ...env }, facts).map(formatItem)).toEqual(want))
})

describe('batchChecks', () => {
  const ok = { NXF_EXECUTOR: 'awsbatch', BATCH_QUEUE: 'q', AWS_REGION: 'eu-west-2', NXF_WORK: 's3://b/work', BATCH_CLI_PATH: '/home/ec2-user/miniconda/bin/aws' }
  it.each<[string, Record<string, string | undefined>, string[]]>([
    ['all set', ok, ['✓ batch queue q', '✓ batch region eu-west-2', '✓ batch workDir s3://b/work', '✓ batch aws cli /home/ec2-user/miniconda/bin/aws']],
    ['a local work dir, no queue, region from AWS_DEFAULT_REGION, a relative cli', { ...ok, BATCH_QUEUE: undefined, AWS_REGION: undefined, AWS_DEFAULT_REGION: 'us-east-1', NXF_WORK: '/h/work', BATCH_CLI_PATH: 'aws' }, [
      '✗ batch queue: BATCH_QUEUE is not set; add `export BATCH_QUEUE=<job queue name>` to env/System-ENV',
      '✓ batch region us-east-1',
      '✗ batch workDir: NXF_WORK=/h/work is not an s3:// path; Batch tasks share the work dir through S3: add `export NXF_WORK=s3://<bucket>/work` to env/System-ENV',
      "✗ batch aws cli: BATCH_CLI_PATH=aws is not the absolute path of the AWS CLI on the compute environment's AMI; add `export BATCH_CLI_PATH=/home/ec2-user/miniconda/bin/aws` to env/System-ENV"]],
    ['no region at all', { ...ok, AWS_REGION: undefined }, ['✓ batch queue q', '✗ batch region: AWS_REGION is not set; add `export AWS_REGION=<region of the queue>` to env/System-ENV',
      '✓ batch workDir s3://b/work', '✓ batch aws cli /home/ec2-user/miniconda/bin/aws']],
  ])('%s', (_, env, want) => expect(batchChecks(env).map(formatItem)).toEqual(want))
})

describe('verdict', () => {
  const ok: Item = { group: 'tools', ok: true, label: 'java' }
  const bad: Item = { group: 'framework', ok: false, label: 'framework', reason: 'x' }
  it.each([
    [[ok, ok, ok], 'ready: all 3 checks passed'],
    [[ok, bad, ok, bad], 'not ready: 2 of 4 checks failed'],
    [[], 'ready: all 0 checks passed'],
  ])('%#: %s', (items, want) => expect(verdict(items)).toBe(want))
})
