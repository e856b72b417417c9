// kill: start a built entry script and SIGKILL it after `ms`, as a power cut or `kill -9` would; and the
// campaign the kill tests share: seeded kill points over the whole run, a floor of mid-work kills, replayable.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { seeded } from './fault-proxy.js'
import type { Project } from './project.js'

export interface Killed { killed: boolean; ms: number }

/** Resolves when the process is gone; true if the kill landed before it finished by itself. */
export const killAfter = (p: Project, script: string, args: string[], ms: number, opts: { cwd?: string; env?: Record<string, string> } = {}) =>
  killRun(p, script, args, ms, opts).then((r) => r.killed)

/** Resolves when the process is gone: whether the kill landed before it finished, and how long it ran. */
export function killRun(p: Project, script: string, args: string[], ms: number, opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<Killed> {
  return new Promise((done) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [join(p.root, 'dist/scripts', `${script}.js`), ...args], {
      cwd: join(p.root, opts.cwd ?? ''),
      env: { PATH: process.env.PATH, HOME: join(p.root, 'home'), NF_OFFLINE_CACHE: join(p.root, '.cache'), NF_OFFLINE_RETRY_MS: '20', ...opts.env },
      stdio: 'ignore',
    })
    let killed = false
    const t = setTimeout(() => { killed = child.kill('SIGKILL') }, ms)
    child.on('close', () => { clearTimeout(t); done({ killed, ms: Math.round(performance.now() - t0) }) })
  })
}

export interface CampaignOptions {
  name: string
  /** the seed when FAULT_SEED is not set (each run of the suite then explores new kill points: set FAULT_SEED to replay) */
  seed?: number
  /** a clean run's duration (ms), measured by the caller; refined by every run the kill did not reach */
  spanMs: number
  /** kill runs at least, and at most (tries beyond `minRuns` only until the mid-work floor is reached) */
  minRuns?: number
  maxRuns?: number
  /** no extra tries once this long has passed (ms, default 150 s): a slow machine ends the search, not the test */
  budgetMs?: number
  /**
   * kills that must land in the middle of the work (something written, not everything); the campaign fails
   * when fewer did, except when FAULT_KILL_MS replays given kills
   */
  minMidWork: number
  /**
   * One kill run: kill at `ms`, check what the kill left, re-run, check the result. Returns whether the kill
   * landed and whether it landed mid-work. Throws (an assertion) on any damage.
   */
  run: (i: number, ms: number) => Promise<{ killed: boolean; midWork: boolean; ranMs?: number }>
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

export interface CampaignResult { seed: number; runs: number; landed: number; midWork: number; spanMs: number; /** FAULT_KILL_MS: given kills, no floor */ replay: boolean }

/**
 * Kill points drawn from the seed, uniformly over 5–115% of a clean run (start-up, every step, the very end);
 * runs go on past `minRuns` until `minMidWork` kills landed mid-work, up to `maxRuns` (and `budgetMs`). A failing run's error
 * names the seed and the kill time: FAULT_SEED=<seed> replays the same draw, FAULT_KILL_MS=<ms>[,<ms>…] just those
 * kills (the mid-work floor then does not apply: a replay of one kill is not a search).
 */
export async function killCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const seed = Number(process.env.FAULT_SEED) || o.seed || Math.floor(Math.random() * 2 ** 31)
  const fixed = (process.env.FAULT_KILL_MS ?? '').split(',').filter(Boolean).map(Number)
  const next = seeded(seed)
  const minRuns = fixed.length || (o.minRuns ?? 20), maxRuns = fixed.length || (o.maxRuns ?? 60)
  const done: number[] = []   // durations of runs that finished before their kill: what a clean run takes now
  let span = o.spanMs, runs = 0, landed = 0, midWork = 0
  const t0 = Date.now(), budget = o.budgetMs ?? 150_000
  while (runs < minRuns || (midWork < o.minMidWork && runs < maxRuns && Date.now() - t0 < budget)) {
    const ms = fixed[runs] ?? Math.max(1, Math.round(span * (0.05 + 1.1 * next())))
    let r: { killed: boolean; midWork: boolean; ranMs?: number }
    try { r = await o.run(runs, ms) } catch (e) {
      const where = `${o.name}: kill run ${runs} at ${ms} ms (clean run ~${span} ms); replay: FAULT_SEED=${seed} or FAULT_KILL_MS=${ms}`
      console.error(where)
      throw Object.assign(e as Error, { message: `${where}\n${(e as Error).message}` })
    }
    runs++
    if (r.killed) landed++
    if (r.midWork) midWork++
    if (!r.killed) { done.push(r.ranMs ?? ms); span = Math.max(50, median(done.slice(-5))) }
  }
  const replay = fixed.length > 0
  console.log(`${o.name}: ${replay ? `replayed FAULT_KILL_MS=${fixed.join(',')}` : `seed ${seed}`}, ${runs} kill runs, ${landed} landed, ${midWork} mid-work (clean run ~${span} ms)`)
  if (!replay && midWork < o.minMidWork) {
    throw new Error(`${o.name}: ${midWork} of ${runs} kills landed mid-work, fewer than the floor of ${o.minMidWork}: the kill points miss the work; replay: FAULT_SEED=${seed}`)
  }
  return { seed, runs, landed, midWork, spanMs: span, replay }
}
