import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { applyEnvText, loadEnvFiles, parseValue } from '../../../scripts/lib/core/env.js'
import { justBin, repoRoot } from '../../helpers/project.js'

const vars = { HOME: '/home/u', A: 'x', EMPTY: '' }

describe('parseValue', () => {
  it.each([
    ['plain', 'plain'],
    ['"${HOME}/offline"', '/home/u/offline'],
    ['$HOME/x', '/home/u/x'],
    ["'lit $HOME'", 'lit $HOME'],
    ['"a b"', 'a b'],
    ['"s3://bucket/offline"', 's3://bucket/offline'],
    ['value # trailing comment', 'value'],
    ['"${MISSING}x"', 'x'],
    ['"${EMPTY:-dflt}"', 'dflt'],
    ['"\\$HOME"', '$HOME'],
    ['pre"$A"\'$A\'', 'prex$A'],
    ['', ''],
  ])('%s → %s', (raw, want) => expect(parseValue(raw, vars, 'f')).toBe(want))

  it('rejects an unterminated quote with file:line', () => {
    expect(() => applyEnvText('export A="open\n', {}, new Set(), 'System-ENV')).toThrow(/System-ENV:1: unterminated/)
  })
  it('rejects a line that is not an assignment', () => {
    expect(() => applyEnvText('echo hi\n', {}, new Set(), 'E')).toThrow(/E:1: expected 'export NAME=value'/)
  })
})

const sample = [
  '# comment',
  'export REGISTRY_PROXY=nexus-docker-quay.ship.gov.sg',
  'export HOME_DIR="${HOME}"',
  'export ROOT_DIR="${HOME_DIR}/offline"',
  "export LITERAL='$ROOT_DIR stays'",
  'S3_ROOT="s3://lifebit-user-data-nextflow/offline"',
  'export NXF_HOME=$ROOT_DIR/.nextflow   # trailing',
  'export MIXED="${ROOT_DIR}"/x\'$y\'',
  '',
].join('\n')
const names = ['REGISTRY_PROXY', 'HOME_DIR', 'ROOT_DIR', 'LITERAL', 'S3_ROOT', 'NXF_HOME', 'MIXED']

describe('env files agree with bash and just', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nfo-env-'))
  writeFileSync(join(dir, 'System-ENV'), sample)

  it('gives what bash `source` gives', () => {
    const out = execFileSync('bash', ['-c', `source ./System-ENV; for n in ${names.join(' ')}; do printf '%s\\0' "\${!n}"; done`], { cwd: dir, env: { HOME: '/home/u', PATH: process.env.PATH } })
    const fromBash = out.toString().split('\0').slice(0, -1)
    const ours = loadEnvFiles([{ path: join(dir, 'System-ENV') }], { HOME: '/home/u' })
    expect(names.map((n) => ours[n])).toEqual(fromBash)
  })

  // just's dotenv reads unbraced `$ROOT_DIR` as `$ROOT` + `_DIR` (bash does not): env files use `${VAR}`.
  it('gives what just gives, process environment winning over the file', () => {
    writeFileSync(join(dir, 'System-ENV'), sample.replace('=$ROOT_DIR/.nextflow', '=${ROOT_DIR}/.nextflow'))
    writeFileSync(join(dir, 'justfile'), `set dotenv-filename := "System-ENV"\nshow:\n  @for n in ${names.join(' ')}; do printf '%s\\0' "\${!n}"; done\n`)
    const processEnv = { HOME: '/home/u', ROOT_DIR: '/from/process', PATH: process.env.PATH }
    const out = execFileSync(justBin, ['--shell', 'bash', '--shell-arg', '-c', 'show'], { cwd: dir, env: processEnv })
    const fromJust = out.toString().split('\0').slice(0, -1)
    const ours = loadEnvFiles([{ path: join(dir, 'System-ENV') }], processEnv)
    expect(names.map((n) => ours[n])).toEqual(fromJust)
    expect(ours.NXF_HOME).toBe('/from/process/.nextflow')
  })

  it('the shipped env/System-ENV reads the same in bash, just and the scripts', () => {
    const real = join(repoRoot, 'env', 'System-ENV')
    const keys = Object.keys(loadEnvFiles([{ path: real }], {})).sort()
    const env = { HOME: '/home/u', PATH: process.env.PATH }
    const bash = execFileSync('bash', ['-c', `source "$0"; for n in ${keys.join(' ')}; do printf '%s\\0' "\${!n}"; done`, real], { env })
    writeFileSync(join(dir, 'justfile'), `set dotenv-path := "${real}"\nshow:\n  @for n in ${keys.join(' ')}; do printf '%s\\0' "\${!n}"; done\n`)
    const just = execFileSync(justBin, ['--shell', 'bash', '--shell-arg', '-c', 'show'], { cwd: dir, env })
    const ours = loadEnvFiles([{ path: real }], { HOME: '/home/u' })
    const values = keys.map((k) => ours[k])
    expect(bash.toString().split('\0').slice(0, -1)).toEqual(values)
    expect(just.toString().split('\0').slice(0, -1)).toEqual(values)
    expect(ours.ROOT_DIR).toBe('/home/u/offline')
  })

  it('skips a missing optional file and names a missing required one', () => {
    expect(loadEnvFiles([{ path: join(dir, 'nope') }], {}).PATH).toBeUndefined()
    expect(() => loadEnvFiles([{ path: join(dir, 'nope'), required: true }], {})).toThrow(/nope is missing; restore it/)
  })
})
