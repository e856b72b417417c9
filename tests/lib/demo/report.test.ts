import { describe, expect, it } from 'vitest'
import { checkItems, closingLine, formatTable, judgeCheck, judgeExit, type StepResult } from '../../../scripts/lib/demo/report.js'

const check = (...tools: string[]) => [
  '[data]', '✓    557 B  s3://b/offline/minidemo/data/inputs3.csv', 'data: 1 objects, 557 B',
  '[plugins in /h/.nextflow/plugins]', '✓ plugin nf-schema@2.1.1',
  '[framework]', '✓ framework 24.10.6 /h/.nextflow/framework/24.10.6/nextflow-24.10.6-one.jar',
  '[tools]', ...['java', 'docker', 'nextflow'].map((t) => tools.includes(t) ? `✗ ${t}: not found on PATH; install it` : `✓ ${t} /usr/bin/${t}`),
  tools.length ? `not ready: ${tools.length} of 6 checks failed` : 'ready: all 6 checks passed',
].join('\n')

describe('checkItems', () => {
  it('reads each item with its group', () => {
    expect(checkItems(check('nextflow')).map((i) => `${i.group}:${i.ok ? '✓' : '✗'}${i.label}`)).toEqual(
      ['data:✓557', 'plugins:✓plugin', 'framework:✓framework', 'tools:✓java', 'tools:✓docker', 'tools:✗nextflow'])
  })
})

describe('judgeCheck', () => {
  const j = (code: number, out: string, missing: ('nextflow' | 'java' | 'docker')[]) =>
    judgeCheck('prod', 'just check', code, out, missing, 0.3).map((r) => `${r.step}|${r.outcome}|${r.why ?? ''}|${r.needs?.join(',') ?? ''}`)
  it.each([
    ['ready', 0, check(), [], ['just check|proven||']],
    ['only tools this machine lacks', 1, check('nextflow'), ['nextflow'],
      ['just check: data, plugins, framework|proven|3 checks passed|', 'just check: tools|skipped|nextflow not on PATH here|nextflow']],
    ['all three tools missing', 1, check('java', 'docker', 'nextflow'), ['nextflow', 'java', 'docker'],
      ['just check: data, plugins, framework|proven|3 checks passed|', 'just check: tools|skipped|nextflow, java, docker not on PATH here|nextflow,java,docker']],
    ['a tool that is on PATH here but failed', 1, check('java'), ['nextflow'], ['just check|failed|not ready: 1 of 6 checks failed|']],
    ['a plugin missing besides tools', 1, check('nextflow').replace('✓ plugin nf-schema@2.1.1', '✗ plugin nf-schema@2.1.1: not installed').replace('1 of 6', '2 of 6'),
      ['nextflow'], ['just check|failed|not ready: 2 of 6 checks failed|']],
    ['a usage error, no items', 2, 'check: unknown option --x', ['nextflow'], ['just check|failed|check: unknown option --x|']],
  ] as const)('%s', (_, code, out, missing, rows) => expect(j(code, out, [...missing])).toEqual(rows))
})

describe('judgeExit', () => {
  it.each([[0, 'proven', undefined], [1, 'failed', 'exit 1'], [null, 'failed', 'killed']] as const)('exit %s is %s', (code, outcome, why) => {
    expect(judgeExit('dev', 'just up', code, 1)).toEqual({ host: 'dev', step: 'just up', outcome, seconds: 1, ...(why ? { why } : {}) })
  })
})

const row = (step: string, outcome: StepResult['outcome'], extra: Partial<StepResult> = {}): StepResult => ({ host: 'dev', step, outcome, seconds: 0.2, ...extra })

describe('closingLine', () => {
  it.each([
    ['all proven', [row('just stage', 'proven'), row('just up', 'proven')], 'demo: 2 steps proven here in 3.5 s'],
    ['skipped steps are named with what they need, never counted as done',
      [row('just up', 'proven'), row('just check: tools', 'skipped', { needs: ['nextflow'] }), row('just stub', 'skipped', { needs: ['nextflow', 'java', 'docker'] })],
      'demo: 1 step proven here in 3.5 s; not proven: just check: tools (needs nextflow), just stub (needs nextflow, java, docker)'],
    ['skipped for another reason', [row('just stub', 'skipped', { why: 'command printed, not run: stand-ins' })],
      'demo: 0 steps proven here in 3.5 s; not proven: just stub (command printed, not run: stand-ins)'],
    ['a failure names the step and counts the rest as not proven',
      [row('just stage', 'proven'), row('just quay minidemo', 'failed', { why: 'exit 1' }), row('just mirror', 'skipped', { why: 'not run: an earlier step failed' })],
      'demo failed: dev just quay minidemo failed (see its output above); 1 step proven, 1 step not proven, in 3.5 s'],
  ])('%s', (_, rows, line) => expect(closingLine(rows, 3.5)).toBe(line))
})

describe('formatTable', () => {
  it('one row a step: host, step, result, seconds, why', () => {
    expect(formatTable([row('just up', 'proven'), { host: 'prod', step: 'just check: tools', outcome: 'skipped', why: 'nextflow not on PATH here' }]).split('\n')).toEqual([
      'host  step              result   seconds',
      'dev   just up           proven       0.2',
      'prod  just check: tools skipped            nextflow not on PATH here',
    ])
  })
})
