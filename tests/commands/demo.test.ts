// demo: `just demo` end to end: its table and closing line, a failing step, the shipped toolkit (no demo pipeline), Ctrl-C.
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundleLayout, scanToolkit } from '../../scripts/lib/ship/bundle.js'
import { fakeTools } from '../helpers/fake-nextflow.js'
import { justBin, repoRoot, run } from '../helpers/project.js'

let tmp: string
/** A PATH of node, sh and bash only: no nextflow, java or docker, whatever this machine has. */
let bare: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'nfo-demo-'))
  bare = join(tmp, 'bin')
  mkdirSync(bare)
  symlinkSync(process.execPath, join(bare, 'node'))
  for (const p of ['sh', 'bash']) symlinkSync(realpathSync(`/bin/${p}`), join(bare, p))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
const row = (host: string, step: string, outcome: string) => new RegExp(`^${host}\\s+${esc(step)}\\s+${outcome}\\b`, 'm')
const workspaceOf = (out: string) => /in (\/\S+nf-offline-demo-\S+)/.exec(out)![1]
const PROVEN = [['dev', 'just stage minidemo 1.0.0'], ['dev', 'just images minidemo'], ['dev', 'just quay minidemo'], ['dev', 'just mirror minidemo'],
  ['dev', 'just check --data'], ['dev', 'just plugins'], ['dev', 'just up'], ['dev', 'just ship'], ['prod', 'fetch toolkit from S3'],
  ['prod', 'just down'], ['prod', 'just plugins --down']]

describe('just demo', () => {
  it('proves each step it can, and names the ones it cannot with what they need (no nextflow, java, docker here)', async () => {
    const r = await run(justBin, ['demo'], { cwd: repoRoot, env: { PATH: bare }, timeoutMs: 90_000 })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)   // skipped steps do not fail the demo; the closing line names them
    for (const [host, step] of PROVEN) expect(r.stdout).toMatch(row(host, step, 'proven'))
    expect(r.stdout).toMatch(/^prod\s+just check: data, plugins, framework\s+proven\s+[\d.]+\s+11 checks passed$/m)
    // (nextflow may be there: once `plugins --down` installs the launcher as bin/nextflow, check finds the demo's stand-in)
    expect(r.stdout).toMatch(/^prod\s+just check: tools\s+skipped\s+(nextflow, )?java, docker not on PATH here$/m)
    expect(r.stdout).toMatch(/^prod\s+just stub\s+skipped\s+[\d.]+\s+command printed, not run: the demo's Nextflow and plugins are stand-ins, and nextflow, java, docker are not on PATH here$/m)
    expect(r.stdout).toMatch(/^demo: 12 steps proven here in [\d.]+ s; not proven: just check: tools \(needs (nextflow, )?java, docker\), just stub \(needs nextflow, java, docker\)$/m)
    expect(r.stdout).toMatch(/^never proven by the demo .*: Nextflow parsing test\.config, plugins loading, image pulls through the proxy;/m)
    expect(r.stdout).not.toMatch(/\bok\b|\d+\/\d+ steps/)
    expect(r.ms).toBeLessThan(60_000)
    expect(existsSync(workspaceOf(r.stdout))).toBe(false)
  }, 120_000)

  it('with nextflow, java and docker on PATH: Prod check proven whole; stub still only printed (stand-in jars), nextflow never started', async () => {
    const fake = fakeTools()
    try {
      const r = await run(justBin, ['demo'], { cwd: repoRoot, env: { PATH: fake.path([bare]) }, timeoutMs: 90_000 })
      expect(r.stderr).toBe('')
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/^prod\s+just check\s+proven\s+[\d.]+$/m)
      expect(r.stdout).toMatch(/^prod\s+just stub\s+skipped\s+[\d.]+\s+command printed, not run: the demo's Nextflow and plugins are stand-ins$/m)
      expect(r.stdout).toMatch(/^demo: 12 steps proven here in [\d.]+ s; not proven: just stub \(command printed, not run: the demo's Nextflow and plugins are stand-ins\)$/m)
      expect(fake.calls()).toEqual([])
    } finally { fake.cleanup() }
  }, 120_000)

  it('a failing step fails the demo: exit 1, named in the closing line, the rest not run, servers closed', async () => {
    // a toolkit copy whose demo pipeline has a docker.io image: `just quay` refuses it
    const kit = join(tmp, 'kit')
    for (const f of ['justfile', 'env', 'dist', 'pipelines/pipeline.just', 'scripts/demo']) cpSync(join(repoRoot, f), join(kit, f), { recursive: true })
    symlinkSync(join(repoRoot, 'node_modules'), join(kit, 'node_modules'))
    const fastqc = join(kit, 'scripts/demo/minidemo/modules/nf-core/fastqc/main.nf')
    writeFileSync(fastqc, readFileSync(fastqc, 'utf8').replace(`'biocontainers/fastqc:0.12.1--hdfd78af_0'`, `'docker.io/library/ubuntu:22.04'`))
    const r = await run(justBin, ['demo'], { cwd: kit, env: { PATH: bare }, timeoutMs: 90_000 })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(row('dev', 'just images minidemo', 'proven'))
    expect(r.stdout).toMatch(/^dev\s+just quay minidemo\s+failed\s+[\d.]+\s+exit 1$/m)
    for (const step of ['just mirror minidemo', 'just up', 'just stub']) expect(r.stdout).toMatch(new RegExp(`${esc(step)}\\s+skipped\\s+not run: an earlier step failed$`, 'm'))
    expect(r.stdout).toMatch(/^demo failed: dev just quay minidemo failed \(see its output above\); 2 steps proven, 10 steps not proven, in [\d.]+ s$/m)
    // the run ended by itself (run() would have killed it at its timeout, code null): nothing of it is still listening
    expect(existsSync(workspaceOf(r.stdout))).toBe(false)
  }, 120_000)

  it('in the shipped toolkit (no demo pipeline, no node_modules): one line, exit 1, at once', async () => {
    // the toolkit as `just ship` bundles it, copied into a folder with no node_modules above it
    const shipped = join(tmp, 'shipped')
    for (const f of bundleLayout(scanToolkit(repoRoot), realpathSync(justBin))) {
      const dest = join(shipped, f.rel)
      mkdirSync(dirname(dest), { recursive: true })
      if (f.text !== undefined) writeFileSync(dest, f.text)
      else cpSync(isAbsolute(f.src!) ? f.src! : join(repoRoot, f.src!), dest, { dereference: true })
    }
    expect(existsSync(join(shipped, 'scripts'))).toBe(false)
    const r = await run(join(shipped, 'bin/just'), ['demo'], { cwd: shipped, env: { PATH: bare }, timeoutMs: 30_000 })
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^demo: the demo pipeline is not in this toolkit \(\S+\/scripts\/demo\/minidemo; the shipped toolkit leaves it out\); run it in a clone of the toolkit: npm ci && npx just demo\n$/)
    expect(r.code).toBe(1)
  }, 60_000)

  it('cleans up its workspace and servers on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['dist/scripts/demo.js'], { cwd: repoRoot, env: { ...process.env, PATH: bare }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    // interrupt once the demo is under way (its third step has printed its command line)
    await new Promise<void>((r) => child.stdout.on('data', (d) => { out += d; if (/just quay/.test(out)) r() }))
    child.kill('SIGINT')
    const code = await new Promise<number | null>((r) => child.on('close', r))
    expect(code).toBe(130)
    expect(existsSync(workspaceOf(out))).toBe(false)
  }, 60_000)
})
