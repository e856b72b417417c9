import { describe, expect, it } from 'vitest'
import { closeMatch, type CommandSpec, helpText, parseCommandLine } from '../../../scripts/lib/core/args.js'
import { checkNextflowWords } from '../../../scripts/lib/core/nextflow-words.js'

const up: CommandSpec = { usage: 'just up [--delete] [--dry-run]', about: 'push', flags: ['delete', 'dry-run'], vars: ['S3_ROOT', 'AWS_*'] }
const mirror: CommandSpec = { usage: 'just mirror', about: 'm', flags: ['plan'], positionals: 1, vars: ['ROWS', 'PIPELINE'] }
const plugins: CommandSpec = { usage: 'just plugins', about: 'p', flags: ['no-sync', 'down'] }
const run: CommandSpec = { usage: 'just run', about: 'r', nextflow: true, vars: ['NXF_*'] }

const error = (argv: string[], spec: CommandSpec) => { const p = parseCommandLine(argv, spec); return p.kind === 'error' ? p.message : p.kind }

describe('parseCommandLine refuses what a command does not declare', () => {
  it.each([
    [['--delet'], up, 'unknown option --delet (did you mean --delete?)'],
    [['--dryrun', '--delete', 'rnaseq'], up, "unexpected word 'rnaseq'"],
    [['-n'], up, 'unknown option -n'],
    [['--delete=yes'], up, '--delete takes no value'],
    [['FOO=1'], up, 'unknown setting FOO'],
    [['S3_ROOTT=1'], up, 'unknown setting S3_ROOTT (did you mean S3_ROOT?)'],
    [['rnaseq', 'rows=2'], mirror, 'unknown word rows=2 (did you mean ROWS=2?)'],
    [['rnaseq', 'sarek'], mirror, "unexpected word 'sarek'"],
    [['--', 'x'], mirror, 'unexpected word --'],
    [['--sync'], plugins, 'unknown option --sync (did you mean --no-sync?)'],
    [['-resum'], run, expect.stringMatching(/^unknown option -resum \(did you mean -resume\?/)],
    [['foo'], run, expect.stringMatching(/^unexpected word 'foo'/)],
    [['-bg', 'foo'], run, expect.stringMatching(/^unexpected word 'foo'/)],
  ])('%j', (argv, spec, message) => expect(error(argv, spec as CommandSpec)).toEqual(message))
})

describe('parseCommandLine accepts what is declared', () => {
  it('reads --dryrun as --dry-run (aws-cli spelling)', () =>
    expect(parseCommandLine(['--dryrun', '--delete'], up)).toEqual({ kind: 'ok', args: { _: [], vars: {}, flags: { 'dry-run': true, delete: true }, rest: [] } }))
  it('reads a prefixed setting and positionals as written', () =>
    expect(parseCommandLine(['3.10', 'ROWS=2'], mirror)).toMatchObject({ args: { _: ['3.10'], vars: { ROWS: '2' } } }))
  it('reads --no-x as x = false', () => expect(parseCommandLine(['--no-sync'], plugins)).toMatchObject({ args: { flags: { sync: false } } }))
  it('takes AWS_* settings', () => expect(parseCommandLine(['AWS_REGION=x'], up)).toMatchObject({ kind: 'ok' }))
  it.each([[['--help']], [['--delet', '-h']], [['--delete', '--help', 'x']]])('%j is a request for help', (argv) =>
    expect(parseCommandLine(argv, up)).toEqual({ kind: 'help' }))
  it('passes nextflow words on, and everything after -- unchecked', () =>
    expect(parseCommandLine(['NXF_VER=24.10.6', '-resume', '--max_cpus', '2', '-with-report', 'r.html', '--', 'X=1', '--help'], run))
      .toEqual({ kind: 'ok', args: { _: [], vars: { NXF_VER: '24.10.6' }, flags: {}, rest: ['-resume', '--max_cpus', '2', '-with-report', 'r.html', 'X=1', '--help'] } }))
})

describe('checkNextflowWords', () => {
  it.each([
    [['-resume'], undefined], [['-resume', 'abc'], undefined], [['--input', 'x.csv', '--outdir=o'], undefined],
    [['-process.cpus=2', '-e.FOO=bar'], undefined], [['-profile', 'test,docker', '-bg'], undefined],
    [['--outdir=o', 'x'], expect.stringMatching(/^unexpected word 'x'/)],
  ])('%j', (words, out) => expect(checkNextflowWords(words)).toEqual(out))
})

describe('closeMatch', () => {
  it.each([['delet', 'delete'], ['dryrn', 'dry-run'], ['xyz', undefined], ['d', 'delete']])('%s → %s', (w, m) =>
    expect(closeMatch(w, ['delete', 'dry-run'])).toBe(m))
})

describe('helpText', () => {
  it('says what it does, the usage, each flag with its alias and the settings', () => {
    const t = helpText('up', { ...up, flags: { delete: 'also remove', 'dry-run': 'change nothing' } })
    expect(t).toMatch(/^up: push\nusage: just up \[--delete\] \[--dry-run\]\noptions:\n  --delete +also remove\n  --dry-run, --dryrun +change nothing\n  -h, --help/)
    expect(t).toMatch(/settings .*: S3_ROOT AWS_\*\n$/)
  })
})
