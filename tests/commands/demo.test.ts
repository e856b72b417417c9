import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { justBin, repoRoot, run } from '../helpers/project.js'

const env: Record<string, string | undefined> = { ...process.env, NF_OFFLINE_RETRY_MS: '20' }
for (const k of Object.keys(env)) if (/^(AWS_|NXF_|GITHUB_|S3_ROOT$|PIPELINE$|REVISION$)/.test(k)) delete env[k]

describe('just demo', () => {
  it('runs the whole Dev → Prod cycle offline in under 30 s and cleans up', async () => {
    const r = await run(justBin, ['demo'], { cwd: repoRoot, env, timeoutMs: 90_000 })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    for (const step of ['just stage minidemo 1.0.0', 'just images minidemo', 'just quay minidemo', 'just mirror minidemo',
      'just check --data', 'just check', 'just plugins', 'just up', 'just ship', 'fetch toolkit from S3', 'just down', 'just plugins --down', 'just stub']) {
      expect(r.stdout).toMatch(new RegExp(`^(dev|prod)\\s+${step.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\s+ok\\s`, 'm'))
    }
    expect(r.stdout).toMatch(/^demo complete: 13\/13 steps ok in [\d.]+ s$/m)
    expect(r.ms).toBeLessThan(30_000)
    const ws = /in (\/\S+nf-offline-demo-\S+)/.exec(r.stdout)![1]
    expect(existsSync(ws)).toBe(false)
  }, 120_000)

  it('cleans up its workspace and servers on Ctrl-C', async () => {
    const child = spawn(process.execPath, ['dist/scripts/demo.js'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    // interrupt once the demo is under way (its third step)
    await new Promise<void>((r) => { const t = setInterval(() => { if (/just quay/.test(out)) { clearInterval(t); r() } }, 20) })
    child.kill('SIGINT')
    const code = await new Promise<number | null>((r) => child.on('close', r))
    expect(code).toBe(130)
    const ws = /in (\/\S+nf-offline-demo-\S+)/.exec(out)![1]
    expect(existsSync(ws)).toBe(false)
  }, 60_000)
})
