import { describe, expect, it } from 'vitest'
import { formatItem, frameworkCheck, type Item, pluginChecks, type PluginInputs, toolChecks, verdict } from '../../../scripts/lib/run/readiness.js'
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
      [`✗ plugin nf-schema@2.1.1: not installed; plugins.list lacks it: add nf-schema@2.1.1 on Dev, run just plugins, then ${DOWN}`]],
    ['declared at another version than plugins.list pins',
      ['nf-validation@1.1.3'], undefined, ['nf-validation@1.1.2'], ['nf-validation-1.1.2'], [],
      ['✗ plugin nf-validation@1.1.3: not installed; plugins.list pins nf-validation@1.1.2: pin nf-validation@1.1.3 on Dev (needed by nextflow.config)',
        '✓ plugin nf-validation@1.1.2']],
    ['unpinned in the config',
      ['nf-schema'], undefined, [], [], [],
      ['✗ plugin nf-schema: declared without a version; offline Nextflow refuses unpinned plugins']],
    ['implicit nf-amazon takes the version NXF_VER bundles, not the list pin',
      [], S3, ['nf-amazon@2.9.0'], ['nf-amazon-2.9.0'], [],
      [`✗ plugin nf-amazon@2.9.3: not installed; plugins.list pins nf-amazon@2.9.0: pin nf-amazon@2.9.3 on Dev (needed by ${S3})`, '✓ plugin nf-amazon@2.9.0']],
    ['a declared nf-amazon pin wins over the bundled one',
      ['nf-amazon@2.9.0'], S3, ['nf-amazon@2.9.0'], ['nf-amazon-2.9.0'], [],
      ['✓ plugin nf-amazon@2.9.0']],
    ['incomplete folder (no manifest) is named once, as the plugin',
      [], undefined, ['nf-prov@1.2.2'], [], ['nf-prov-1.2.2'],
      [`✗ plugin nf-prov@1.2.2: nf-prov-1.2.2 is incomplete (no classes/META-INF/MANIFEST.MF); ${DOWN}`]],
    ['stray files and empty dirs',
      [], undefined, [], [], ['.DS_Store', 'empty', 'nf-x-1.0.0.zip'],
      ['.DS_Store', 'empty', 'nf-x-1.0.0.zip'].map((s) => `✗ stray ${DIR}/${s}: not a plugin folder; offline Nextflow fails on it ("Cannot find the manifest path"): remove it`)],
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
    expect(pluginChecks(p).map(formatItem)).toEqual([`✗ plugin nf-prov@1.2.2: nf-prov-1.2.2 holds nf-prov@1.2.1; ${DOWN}`])
  })
})

describe('frameworkCheck', () => {
  const jar = '/h/.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar'
  it.each([
    [{ NXF_HOME: '/h/.nextflow', NXF_VER: '24.10.6' }, 123, `✓ framework 24.10.6 ${jar}`],
    [{ NXF_HOME: '/h/.nextflow', NXF_VER: '24.10.6' }, undefined, `✗ framework 24.10.6: ${jar} missing; ${DOWN}`],
    [{ NXF_HOME: '/h/.nextflow', NXF_VER: '24.10.6' }, 0, `✗ framework 24.10.6: ${jar} is empty; ${DOWN}`],
    [{ NXF_HOME: '/h/.nextflow' }, 1, '✗ framework: NXF_VER is not set; set it in env/System-ENV'],
    [{ NXF_VER: '24.10.6' }, 1, '✗ framework: NXF_HOME is not set; set it in env/System-ENV'],
  ])('%j, jar size %s → %s', (env, size, want) => expect(formatItem(frameworkCheck(env, () => size))).toBe(want))
})

describe('toolChecks', () => {
  it.each([
    ['/a:/b', ['/a/java', '/b/java', '/b/docker', '/b/nextflow'], ['✓ java /a/java', '✓ docker /b/docker', '✓ nextflow /b/nextflow']],
    ['/a', ['/a/java'], ['✓ java /a/java', '✗ docker: not found on PATH; the test profile runs its tasks in Docker containers',
      '✗ nextflow: not found on PATH; install Nextflow (the launcher script) and put it on PATH']],
    ['', [], ['✗ java: not found on PATH; Nextflow needs Java 17 or later on PATH',
      '✗ docker: not found on PATH; the test profile runs its tasks in Docker containers',
      '✗ nextflow: not found on PATH; install Nextflow (the launcher script) and put it on PATH']],
  ])('PATH=%s with %j', (path, execs, want) => expect(toolChecks(path, (p) => execs.includes(p)).map(formatItem)).toEqual(want))
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
