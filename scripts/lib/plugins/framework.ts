// framework: Nextflow itself for NXF_VER. Dev fetches the launcher and -one.jar from NXF_BASE and checks them; Prod installs the launcher as bin/nextflow.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'
import { UserError } from '../core/cli.js'
import { type Env, need } from '../core/env.js'
import { tmpName } from '../core/fsx.js'
import { toolkitLauncher } from '../core/paths.js'
import { downloadFile, httpGet } from '../core/http.js'
import { checkJarFile } from './jar.js'
import { sweepDeadTemps } from './install.js'

/** Nextflow's own default for NXF_BASE (its launcher reads the same variable). */
export const DEFAULT_NXF_BASE = 'https://www.nextflow.io/releases'

export interface Dist {
  ver: string
  /** $NXF_HOME/framework/<ver>: where the launcher looks for its jar; the launcher copy sits beside it */
  dir: string
  jar: string
  launcher: string
  jarUrl: string
  launcherUrl: string
  /** the release's published checksum of the launcher (there is none for the jar) */
  sumUrl: string
}

/** PURE: the launcher's layout: `$NXF_BASE/v<ver>/nextflow-<ver>-one.jar` into `$NXF_HOME/framework/<ver>/`. */
export function distOf(env: Env): Dist {
  const ver = need(env, 'NXF_VER')
  const dir = join(need(env, 'NXF_HOME'), 'framework', ver)
  const base = `${(env.NXF_BASE || DEFAULT_NXF_BASE).replace(/\/+$/, '')}/v${ver}`
  return {
    ver, dir, jar: join(dir, `nextflow-${ver}-one.jar`), launcher: join(dir, 'nextflow'),
    jarUrl: `${base}/nextflow-${ver}-one.jar`, launcherUrl: `${base}/nextflow`, sumUrl: `${base}/nextflow.sha256`,
  }
}

/** PURE: why `text` is not the launcher of `ver` (a bash script whose default NXF_VER, when it names one, is `ver`). */
export function launcherProblem(text: string, ver: string): string | undefined {
  if (!text.startsWith('#!')) return 'not a script (no #! line)'
  if (!text.includes('NXF_VER')) return 'not the Nextflow launcher (no NXF_VER in it)'
  const baked = /^NXF_VER=\$\{NXF_VER:-'?([^'}]+)'?\}/m.exec(text)?.[1]
  if (baked && baked !== ver) return `the launcher of ${baked}, not ${ver}`
  return undefined
}

/** PURE: the hex digest at the start of a `.sha256` file (`<hex>` or `<hex>  nextflow`). */
export const parseSha256 = (text: string) => /^([0-9a-f]{64})\b/i.exec(text.trim())?.[1].toLowerCase()

const fileProblem = (path: string, check: (p: string) => string | undefined) => {
  try { return existsSync(path) ? check(path) : 'missing' } catch (e) { return (e as Error).message }
}
const jarProblem = (p: string) => { checkJarFile(p); return undefined }

/** Download `url` beside `target`, check it, and only then rename it into place. */
async function fetchChecked(url: string, target: string, env: Env, check: (tmp: string) => Promise<string | undefined>): Promise<void> {
  const tmp = tmpName(target)
  try {
    await downloadFile(url, tmp, { env })
    const problem = await check(tmp).catch((e: Error) => e.message)
    if (problem) throw new UserError(`${url}: ${problem}`)
    await rename(tmp, target)
  } finally { await rm(tmp, { force: true }) }
}

/**
 * Dev: the launcher and jar of NXF_VER into $NXF_HOME/framework/<ver>/ when missing or broken, one
 * line each. The launcher is checked against the release's nextflow.sha256 when it publishes one.
 */
export async function fetchNextflow(env: Env, line: (text: string) => void): Promise<boolean> {
  let d: Dist
  try { d = distOf(env) } catch (e) { line(`✗ nextflow: ${(e as Error).message}`); return false }
  sweepDeadTemps(d.dir)
  let ok = true
  const launcherCheck = (p: string) => launcherProblem(readFileSync(p, 'utf8'), d.ver)
  try {
    if (!fileProblem(d.launcher, launcherCheck)) line(`· nextflow ${d.ver} launcher already installed`)
    else {
      let how = 'no published checksum; checked it is the launcher script'
      await fetchChecked(d.launcherUrl, d.launcher, env, async (tmp) => {
        const sums = await httpGet(d.sumUrl, { env, allow: [403, 404] })
        const want = sums.ok ? parseSha256(await sums.text()) : (await sums.body?.cancel(), undefined)
        if (want) {
          const got = createHash('sha256').update(readFileSync(tmp)).digest('hex')
          if (got !== want) return `sha256 ${got} does not match ${d.sumUrl} (${want})`
          how = 'sha256 matches nextflow.sha256'
        }
        chmodSync(tmp, 0o755)
        return launcherCheck(tmp)
      })
      line(`✓ nextflow ${d.ver} launcher installed (${how}) → ${d.launcher}`)
    }
  } catch (e) { ok = false; line(`✗ nextflow ${d.ver} launcher: ${(e as Error).message}`) }
  try {
    if (!fileProblem(d.jar, jarProblem)) line(`· nextflow-${d.ver}-one.jar already installed`)
    else {
      let entries = 0
      await fetchChecked(d.jarUrl, d.jar, env, async (tmp) => { entries = checkJarFile(tmp).entries; return undefined })
      line(`✓ nextflow-${d.ver}-one.jar installed (no published checksum; a whole zip, ${entries} entries, with its manifest) → ${d.jar}`)
    }
  } catch (e) { ok = false; line(`✗ nextflow-${d.ver}-one.jar: ${(e as Error).message}`) }
  return ok
}

/**
 * Prod: after framework/<ver>/ came down, check its jar whole and install its launcher as the
 * toolkit's bin/nextflow (temp name + rename). Returns the line to print.
 */
export function installLauncher(root: string, env: Env): string {
  const d = distOf(env)
  const again = `re-run \`just plugins\` on Dev, then \`just plugins --down\``
  const jarBad = fileProblem(d.jar, jarProblem)
  if (jarBad) throw new UserError(`${d.jar}: ${jarBad}; ${again}`)
  const bad = fileProblem(d.launcher, (p) => launcherProblem(readFileSync(p, 'utf8'), d.ver))
  if (bad) throw new UserError(`${d.launcher}: ${bad}; ${again}`)
  const dest = toolkitLauncher(root)
  const same = existsSync(dest) && readFileSync(dest).equals(readFileSync(d.launcher)) && (statSync(dest).mode & 0o111) !== 0
  if (same) return `· bin/nextflow is the nextflow ${d.ver} launcher`
  mkdirSync(dirname(dest), { recursive: true })
  const tmp = tmpName(dest)
  try {
    copyFileSync(d.launcher, tmp)
    chmodSync(tmp, 0o755)
    renameSync(tmp, dest)
  } finally { rmSync(tmp, { force: true }) }
  return `✓ bin/nextflow ← nextflow ${d.ver} launcher (jar ${d.jar})`
}
