import { describe, expect, it } from 'vitest'
import { frameworkJar, missingMessage, passThrough, planRun, smokeConfigText, splitPipelineWords, splitVars, type Mode, type Tool } from '../../../scripts/lib/run/plan.js'

const dir = '/t/pipelines/rnaseq'
const staged = `${dir}/rnaseq`
const env = { NXF_HOME: '/h/.nextflow', NXF_WORK: '/h/work', NXF_OFFLINE: 'false', PATH: '/usr/bin' }
const plan = (mode: Mode, extra: string[] = [], smokeConfig?: string) => planRun(mode, { dir, staged, env, extra, smokeConfig })

describe('planRun', () => {
  it.each<[Mode, string]>([
    ['run', `run ${staged} -offline -profile test,docker --outdir ${dir}/results/run -resume --custom_config_base ${dir}/.nextflow-custom-config`],
    ['stub', `run ${staged} -offline -profile test,docker -stub --outdir ${dir}/results/stub -resume --custom_config_base ${dir}/.nextflow-custom-config`],
    ['test', `run ${staged} -profile test,docker --outdir ${dir}/results/test -resume`],
    ['preview', `run ${staged} -profile test,docker -preview --outdir ${dir}/results/preview`],
    ['smoke', `run ${staged} -profile test,docker -stub -c /c/smoke.config --outdir ${dir}/results/smoke -resume`],
  ])('%s: nextflow %s', (mode, line) => {
    expect(plan(mode, [], '/c/smoke.config').args.join(' ')).toBe(line)
  })

  it.each<[Mode, string | undefined]>([
    ['run', 'true'], ['stub', 'true'], ['test', undefined], ['preview', undefined], ['smoke', undefined],
  ])('%s sets NXF_OFFLINE=%s and keeps the other NXF_* vars', (mode, offline) => {
    const p = plan(mode)
    expect(p.env.NXF_OFFLINE).toBe(offline)
    expect('NXF_OFFLINE' in p.env).toBe(offline !== undefined)
    expect(p.env.NXF_HOME).toBe('/h/.nextflow')
    expect(p.env.NXF_WORK).toBe('/h/work')
    expect(p.cwd).toBe(dir)
  })

  it.each<[Mode, Tool[]]>([
    ['run', ['nextflow', 'java', 'docker']], ['stub', ['nextflow', 'java', 'docker']], ['test', ['nextflow', 'java', 'docker']],
    ['smoke', ['nextflow', 'java', 'docker']], ['preview', ['nextflow', 'java']],
  ])('%s needs %j', (mode, needs) => expect(plan(mode).needs).toEqual(needs))

  it('points the offline run at the nf-core/configs files mirror shipped, when there are some', () => {
    expect(planRun('run', { dir, staged, env, shippedConfigs: true }).args.join(' ')).toContain(`--custom_config_base ${dir}/nf-core-configs`)
    expect(planRun('test', { dir, staged, env, shippedConfigs: true }).args).not.toContain('--custom_config_base')   // online: from the web
  })

  const cc = `--custom_config_base ${dir}/.nextflow-custom-config`
  it.each<[string[], string]>([
    [['--max_cpus', '2'], `-profile test,docker --outdir ${dir}/results/run -resume ${cc} --max_cpus 2`],
    [['-profile', 'test,docker,arm'], `--outdir ${dir}/results/run -resume ${cc} -profile test,docker,arm`],
    [['--outdir', '/elsewhere'], `-profile test,docker -resume ${cc} --outdir /elsewhere`],
    [['--outdir=/x'], `-profile test,docker -resume ${cc} --outdir=/x`],
    [['-resume', 'abc-123'], `-profile test,docker --outdir ${dir}/results/run ${cc} -resume abc-123`],
    [['--input', 'a b.csv', '-with-report'], `-profile test,docker --outdir ${dir}/results/run -resume ${cc} --input a b.csv -with-report`],
    [['--custom_config_base', '/mine'], `-profile test,docker --outdir ${dir}/results/run -resume --custom_config_base /mine`],
  ])('extra words %j pass through last; ours give way', (extra, tail) => {
    const args = plan('run', extra).args
    expect(args.slice(0, 3)).toEqual(['run', staged, '-offline'])
    expect(args.slice(3).join(' ')).toBe(tail)
  })

  it.each<[Mode, Record<string, string>, string | undefined, Tool[]]>([
    ['run', { NXF_EXECUTOR: 'awsbatch', BATCH_QUEUE: 'q' }, `${dir}/batch.config`, ['nextflow', 'java']],
    ['stub', { NXF_EXECUTOR: 'awsbatch' }, `${dir}/batch.config`, ['nextflow', 'java']],   // refused at makeRunDirs: no queue
    ['test', { NXF_EXECUTOR: 'awsbatch', BATCH_QUEUE: 'q' }, undefined, ['nextflow', 'java', 'docker']],
    ['run', { NXF_EXECUTOR: 'local', BATCH_QUEUE: 'q' }, undefined, ['nextflow', 'java', 'docker']],
  ])('%s with %j: -c %s, needs %j', (mode, extraEnv, config, needs) => {
    const p = planRun(mode, { dir, staged, env: { ...env, ...extraEnv } })
    const i = p.args.indexOf('-c')
    expect(i >= 0 ? p.args[i + 1] : undefined).toBe(config)
    expect(p.needs).toEqual(needs)
  })

  it('does not mutate the context env', () => {
    plan('run')
    expect(env.NXF_OFFLINE).toBe('false')
  })
})

describe('passThrough', () => {
  it.each([
    [[], []], [['--', '-x'], ['-x']], [['-x', '--'], ['-x']], [['-x', '--', '--help'], ['-x', '--help']], [['--max_cpus', '2'], ['--max_cpus', '2']],
  ])('%j → %j', (words, out) => expect(passThrough(words)).toEqual(out))
})

describe('splitVars', () => {
  it.each<[string[], Record<string, string>, string[]]>([
    [[], {}, []],
    [['NXF_VER=24.10.6', '-resume'], { NXF_VER: '24.10.6' }, ['-resume']],
    [['--max_cpus', '2', 'NXF_VER=1'], {}, ['--max_cpus', '2', 'NXF_VER=1']],
    [['A=1', 'B=x y', 'x'], { A: '1', B: 'x y' }, ['x']],
  ])('%j → vars %j, nextflow %j', (words, vars, rest) => {
    const r = splitVars(words)
    expect(r.args.vars).toEqual(vars)
    expect(r.rest).toEqual(rest)
  })
})

describe('splitPipelineWords', () => {
  it.each<[string[], string[], Record<string, string>, string[]]>([
    [['rnaseq'], ['rnaseq'], {}, []],
    [['rnaseq', '--max_cpus', '2', '-resume'], ['rnaseq'], {}, ['--max_cpus', '2', '-resume']],
    [['PIPELINE=rnaseq', '--max_cpus', '2'], [], { PIPELINE: 'rnaseq' }, ['--max_cpus', '2']],
    [['PIPELINE=rnaseq', 'extra'], [], { PIPELINE: 'rnaseq' }, ['extra']],
    [['S3_ROOT=s3://b/x', 'rnaseq', '--', '-x'], ['rnaseq'], { S3_ROOT: 's3://b/x' }, ['-x']],
    [['-resume'], [], {}, ['-resume']],
    [['rnaseq', 'FOO=bar'], ['rnaseq'], {}, ['FOO=bar']],
  ])('%j → pipeline %j, vars %j, nextflow %j', (words, positional, vars, extra) => {
    const r = splitPipelineWords(words)
    expect(r.args._).toEqual(positional)
    expect(r.args.vars).toEqual(vars)
    expect(r.extra).toEqual(extra)
  })
})

describe('missingMessage', () => {
  it.each<[Tool[], RegExp]>([
    [['nextflow'], /^nextflow not found on PATH; the toolkit has no bin\/nextflow; run: just plugins --down/],
    [['java'], /^java not found on PATH; Nextflow needs Java \(11\+ for 24.10, 17\+ from 25.04\)/],
    [['docker'], /^docker not found on PATH; the test profile runs its tasks in Docker/],
    [['java', 'docker'], /^java, docker not found on PATH; .*Java.*; .*Docker/],
  ])('%j → one line %s', (missing, msg) => {
    expect(missingMessage(missing)).toMatch(msg)
    expect(missingMessage(missing)).not.toContain('\n')
  })
})

describe('smokeConfigText / frameworkJar', () => {
  it.each([
    ['nexus.example.org', "docker.registry = 'nexus.example.org'"],
    ["evil'reg", "docker.registry = 'evilreg'"],
  ])('%s → %s', (reg, line) => expect(smokeConfigText(reg)).toContain(line))

  it.each([
    [{ NXF_HOME: '/h', NXF_VER: '24.10.6' }, '/h/framework/24.10.6/nextflow-24.10.6-one.jar'],
    [{ NXF_HOME: '/h' }, undefined],
    [{ NXF_VER: '24.10.6' }, undefined],
  ])('%j → %s', (e, jar) => expect(frameworkJar(e)).toBe(jar))
})
