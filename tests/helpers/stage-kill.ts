// stage-kill: the kill campaign both stage kill tests run: switch revisions under kill -9, compare content after each kill.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { killCampaign, killRun, type CampaignResult } from './kill.js'
import type { Project } from './project.js'
import { treeSnapshot } from './snapshot.js'

/** the stamp (holds the archive hash: the same in both runs) and our temp/old names, which the kill may leave */
const SKIP = /^\.staged$|(^|\/)\.[^/]*\.(tmp|old)-\d+/
const LEFTOVER = /^\.[^/]*\.(tmp|old)-\d+/
const snap = (dir: string) => existsSync(dir) ? treeSnapshot(dir, SKIP) : {}
const codeOf = (t: Record<string, string>) => JSON.stringify(Object.entries(t).filter(([k]) => k.startsWith('big/')))

export interface StageKillResult extends CampaignResult { corrupted: number; lost: number }

/**
 * Kill `stage big <rev>` at seeded points while switching between 1.0.0 and 2.0.0 (`clean`: the folder a clean
 * stage of each leaves). After each kill the staged code is wholly the previous revision or wholly the new
 * one, and every other file is one of the two revisions' versions; the re-run ends as a clean stage.
 * Mid-work: the kill left our temp/old names, or a tree that is neither revision's (code swapped, env not yet).
 */
export async function stageKills(p: Project, env: Record<string, string>, clean: Record<string, Record<string, string>>, o: { spanMs: number; minRuns: number; maxRuns: number; minMidWork: number }): Promise<StageKillResult> {
  const dir = join(p.root, 'pipelines/big')
  let corrupted = 0, lost = 0
  const c = await killCampaign({
    name: 'stage', ...o,
    run: async (run, ms) => {
      const [prev, rev] = run % 2 ? ['2.0.0', '1.0.0'] : ['1.0.0', '2.0.0']
      const k = await killRun(p, 'stage', ['big', rev], ms, { env })
      const got = snap(dir)
      const bad = Object.entries(got).filter(([f, v]) => v !== clean[prev][f] && v !== clean[rev][f]).map(([f]) => f)
      const mixed = ![codeOf(clean[prev]), codeOf(clean[rev])].includes(codeOf(got))
      corrupted += bad.length + (mixed ? 1 : 0)
      expect(bad, `after kill ${run} (${ms} ms): files of neither revision`).toEqual([])
      expect(mixed, `after kill ${run} (${ms} ms): the staged code is neither ${prev} nor ${rev} whole`).toBe(false)
      const leftovers = existsSync(dir) && readdirSync(dir).some((f) => LEFTOVER.test(f))
      const between = JSON.stringify(got) !== JSON.stringify(clean[prev]) && JSON.stringify(got) !== JSON.stringify(clean[rev])
      const r = await p.just(['stage', 'big', rev], { env })
      expect(r.code, r.stderr).toBe(0)
      expect(r.stderr).toBe('')
      const after = snap(dir)
      lost += Object.keys(clean[rev]).filter((f) => !(f in after)).length
      corrupted += Object.entries(after).filter(([f, v]) => clean[rev][f] !== v).length
      expect(after, `after the re-run of kill ${run}`).toEqual(clean[rev])
      expect(readdirSync(dir).filter((f) => LEFTOVER.test(f)), 'temp or old trees left').toEqual([])
      return { killed: k.killed, midWork: k.killed && (leftovers || between), ranMs: k.ms }
    },
  })
  return { ...c, corrupted, lost }
}

/** The folder a clean `just stage big <rev>` leaves, for each revision (run in `p`, which ends staged at 1.0.0). */
export async function cleanStages(p: Project, env: Record<string, string>): Promise<{ clean: Record<string, Record<string, string>>; ms: number }> {
  const clean: Record<string, Record<string, string>> = {}
  let ms = 0
  for (const rev of ['2.0.0', '1.0.0']) {
    const r = await p.just(['stage', 'big', rev], { env })
    expect(r.code, r.stderr).toBe(0)
    clean[rev] = snap(join(p.root, 'pipelines/big'))
    ms = Math.max(ms, r.ms)
  }
  return { clean, ms }
}
