// lock: one mutating run per pipeline folder (and one ship/plugins at the root); the second fails in one line naming
// the holder's pid; a lock left by a dead process is taken over; reading runs (--dry-run, --plan, check, --help) take none.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serve, type TestServer } from '../helpers/http-server.js'
import { placeStaged, tmpProject, type Project, cacheConfigs } from '../helpers/project.js'

let p: Project, hang: TestServer, env: Record<string, string>
const lock = (name: string) => join(p.root, '.cache/locks', `${name}.lock`)
const deadPid = async () => {
  const c = spawn(process.execPath, ['-e', ''])
  await new Promise((r) => c.on('close', r))
  return c.pid!
}
const waitFor = async (cond: () => boolean, ms = 30_000) => {
  for (const t0 = Date.now(); !cond(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() - t0 > ms) throw new Error('timed out')
}

beforeAll(async () => {
  hang = await serve([{ path: /.*/, handler: () => { /* never answers: the first run holds its lock */ } }])
  p = tmpProject()
  cacheConfigs(p)
  placeStaged(p, 'basic')
  env = { AWS_ENDPOINT_URL: hang.url, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_REGION: 'us-east-1', S3_ROOT: 's3://bucket/x' }
})
afterAll(async () => { p.cleanup(); await hang.close() })

describe('a lock per pipeline folder', () => {
  it('a second mutating run fails in one line naming the pid of the first; released when the first stops', async () => {
    let first: ChildProcess | undefined
    try {
      first = spawn(process.execPath, [join(p.root, 'dist/scripts/up.js')], {
        cwd: join(p.root, 'pipelines/basic'), env: { ...process.env, ...env, HOME: join(p.root, 'home'), NF_OFFLINE_CACHE: join(p.root, '.cache') }, stdio: 'ignore',
      })
      await waitFor(() => existsSync(lock('basic')))
      expect(readFileSync(lock('basic'), 'utf8')).toBe(`${first.pid} up\n`)
      for (const [words, cwd] of [[['up'], 'pipelines/basic'], [['mirror', 'basic'], ''], [['images', 'basic'], ''], [['down'], 'pipelines/basic'], [['stage'], 'pipelines/basic']] as const) {
        const r = await p.just([...words], { cwd, env })
        expect(r.code, r.stderr).toBe(1)
        expect(r.stderr).toBe(`${words[0]}: another up (pid ${first.pid}) is running on pipelines/basic; wait for it, or if it is not running remove ${lock('basic')}\n`)
      }
      // reading runs take no lock
      expect((await p.just(['mirror', 'basic', '--plan'], { env })).stderr).not.toMatch(/another up/)
      expect((await p.just(['quay', 'basic'], { env })).stderr).not.toMatch(/another up/)
      first.kill('SIGTERM')
      await new Promise((r) => first!.on('close', r))
      expect(existsSync(lock('basic'))).toBe(false)
      expect((await p.just(['images', 'basic'], { env })).code).toBe(0)
    } finally { first?.kill('SIGKILL') }
  }, 120_000)

  it('takes over a lock left by a dead process (kill -9)', async () => {
    mkdirSync(join(p.root, '.cache/locks'), { recursive: true })
    writeFileSync(lock('basic'), `${await deadPid()} mirror\n`)
    const r = await p.just(['images', 'basic'], { env })
    expect(r.code, r.stderr).toBe(0)
    expect(existsSync(lock('basic'))).toBe(false)   // taken over, then released
  })

  it('ship and plugins share the root lock', async () => {
    mkdirSync(join(p.root, '.cache/locks'), { recursive: true })
    writeFileSync(lock('root'), `${process.pid} plugins\n`)   // a live process holds it
    try {
      for (const r of ['ship', 'plugins']) {
        const x = await p.just([r], { env })
        expect(x.code).toBe(1)
        expect(x.stderr).toMatch(new RegExp(`^${r}: another plugins \\(pid ${process.pid}\\) is running on this toolkit \\(ship, plugins\\); `))
      }
    } finally { writeFileSync(lock('root'), `${await deadPid()} plugins\n`) }
  })
})
