import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'
import { afterAll, describe, expect, it } from 'vitest'
import { demoPaths, demoPrerequisites, startStandIns } from '../../../scripts/lib/demo/standins.js'
import { repoRoot } from '../../helpers/project.js'

const tmp = mkdtempSync(join(tmpdir(), 'nfo-standins-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
/** Listening servers of this process (what would keep `just demo` from exiting). */
const servers = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length
/** A closed server's handle goes in libuv's close phase, a loop turn or two after close(): wait for it, turn by turn. */
async function settlesAt(n: number): Promise<number> {
  for (let i = 0; i < 100 && servers() !== n; i++) await new Promise((r) => setImmediate(r))
  return servers()
}

describe('startStandIns', () => {
  it('closes the HTTP stand-in when the pipeline to pack is not there', async () => {
    const before = servers()
    await expect(startStandIns(join(tmp, 'no-such-pipeline'), join(tmp, 's3a'), S3rver)).rejects.toThrow()
    expect(await settlesAt(before)).toBe(before)
  })

  it('closes the HTTP stand-in when S3 cannot start', async () => {
    const before = servers()
    writeFileSync(join(tmp, 'a-file'), 'not a folder')
    await expect(startStandIns(demoPaths(repoRoot).pipelineSrc, join(tmp, 'a-file', 's3'), S3rver)).rejects.toThrow()
    expect(await settlesAt(before)).toBe(before)
  })

  it('starts both stand-ins and closes both', async () => {
    const before = servers()
    const s = await startStandIns(demoPaths(repoRoot).pipelineSrc, join(tmp, 's3ok'), S3rver)
    expect(servers()).toBe(before + 2)
    expect((await fetch(`${s.http}/repos/nf-core/minidemo/releases/latest`)).status).toBe(200)
    await s.close()
    expect(await settlesAt(before)).toBe(before)
  })
})

describe('demoPrerequisites', () => {
  it('refuses, in one line, a toolkit without the demo pipeline', async () => {
    await expect(demoPrerequisites(tmp)).rejects.toThrow(/^the demo pipeline is not in this toolkit \(.*scripts\/demo\/minidemo; the shipped toolkit leaves it out\); run it in a clone of the toolkit: npm ci && npx just demo$/)
  })
})
