// The kill campaign's own rules, with a stand-in run (no process): the floor, the replay, the seeded draw.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { killCampaign } from './kill.js'

/** a run that reports mid-work exactly for kill points inside [from, to) ms */
const window = (from: number, to: number, seen: number[] = []) => async (_: number, ms: number) => {
  seen.push(ms)
  return { killed: ms < 1000, midWork: ms >= from && ms < to }
}
const quiet = () => vi.spyOn(console, 'log').mockImplementation(() => undefined)

describe('killCampaign', () => {
  afterEach(() => { vi.unstubAllEnvs(); vi.restoreAllMocks() })

  it('draws the same kill points for the same seed, over 5–115% of the span', async () => {
    quiet()
    const a: number[] = [], b: number[] = []
    await killCampaign({ name: 't', seed: 42, spanMs: 1000, minRuns: 10, maxRuns: 10, minMidWork: 0, run: window(0, 0, a) })
    await killCampaign({ name: 't', seed: 42, spanMs: 1000, minRuns: 10, maxRuns: 10, minMidWork: 0, run: window(0, 0, b) })
    expect(a).toEqual(b)
    expect(Math.min(...a)).toBeGreaterThanOrEqual(50)
  })

  it('tries beyond minRuns until the mid-work floor is reached', async () => {
    quiet()
    const c = await killCampaign({ name: 't', seed: 7, spanMs: 1000, minRuns: 5, maxRuns: 500, minMidWork: 6, run: window(300, 400) })
    expect(c.midWork).toBe(6)
    expect(c.runs).toBeGreaterThan(5)
  })

  it('fails, naming the seed, when the floor is not reached within maxRuns', async () => {
    quiet()
    await expect(killCampaign({ name: 'mirror', seed: 9, spanMs: 1000, minRuns: 5, maxRuns: 8, minMidWork: 4, run: window(0, 0) }))
      .rejects.toThrow('mirror: 0 of 8 kills landed mid-work, fewer than the floor of 4: the kill points miss the work; replay: FAULT_SEED=9')
  })

  it('FAULT_KILL_MS replays just the given kills, without the floor (the hint a failure prints works)', async () => {
    quiet()
    vi.stubEnv('FAULT_KILL_MS', '367,1200')
    const seen: number[] = []
    const c = await killCampaign({ name: 't', seed: 1, spanMs: 1000, minMidWork: 4, run: window(0, 0, seen) })
    expect(seen).toEqual([367, 1200])
    expect(c).toMatchObject({ runs: 2, landed: 1, midWork: 0, replay: true })
  })

  it('a failing run names the seed and the kill time to replay', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined)
    await expect(killCampaign({ name: 'up', seed: 5, spanMs: 1000, minMidWork: 0, run: async () => { throw new Error('damage') } }))
      .rejects.toThrow(/^up: kill run 0 at \d+ ms \(clean run ~1000 ms\); replay: FAULT_SEED=5 or FAULT_KILL_MS=\d+\ndamage/)
  })
})
