// java: which Java the Nextflow of NXF_VER needs (pure), and which one this host has (`java -version` through zx).
import { accessSync, constants } from 'node:fs'
import { join } from 'node:path'
import type { Env } from '../core/env.js'
import { findProgram, sh } from '../core/programs.js'

export interface JavaRange { min: number; /** from the launcher's own check, when we have the launcher */ max?: number }

/**
 * What the launcher of `nxfVer` accepts. The minimum is the jar's bytecode level (11 up to 24.10,
 * 17 from 25.x); the maximum is the launcher's `version_check="^(17|…|25)"` when its text is at hand.
 */
export function javaRange(nxfVer: string, launcherText?: string): JavaRange {
  const year = Number(/^(\d+)\./.exec(nxfVer)?.[1] ?? 0)
  const checks = [...(launcherText ?? '').matchAll(/version_check="\^\(([^)]*)\)"/g)]
  const last = checks.at(-1)?.[1].split('|').map(Number).filter((n) => Number.isInteger(n))
  return { min: year >= 25 ? 17 : 11, ...(last?.length ? { max: Math.max(...last) } : {}) }
}

/** `openjdk version "17.0.9" 2023-10-17` → { version: '17.0.9', major: 17 }; `"1.8.0_392"` → major 8. */
export function parseJavaVersion(text: string): { version: string; major: number } | undefined {
  const m = /version "([^"]+)"/.exec(text)
  if (!m) return undefined
  const parts = m[1].split(/[.+_-]/).map(Number)
  const major = parts[0] === 1 ? parts[1] : parts[0]
  return Number.isInteger(major) ? { version: m[1], major } : undefined
}

export const rangeText = (r: JavaRange) => r.max ? `Java ${r.min} to ${r.max}` : `Java ${r.min} or later`

/** Why this Java will not do for Nextflow `nxfVer`, or undefined when it will. */
export function javaProblem(found: { major: number; version: string }, nxfVer: string, range: JavaRange): string | undefined {
  if (found.major >= range.min && (!range.max || found.major <= range.max)) return undefined
  return `Java ${found.version}, but Nextflow ${nxfVer} needs ${rangeText(range)}`
}

// ---- I/O ----

const isExec = (p: string) => { try { accessSync(p, constants.X_OK); return true } catch { return false } }

/** The java the launcher will pick: NXF_JAVA_HOME, then JAVA_HOME, then `java` on PATH. */
export function findJava(env: Env): string | undefined {
  for (const home of [env.NXF_JAVA_HOME, env.JAVA_HOME]) if (home && isExec(join(home, 'bin', 'java'))) return join(home, 'bin', 'java')
  return findProgram('java', env)
}

/** `java -version` of the java the launcher would use: where it is and what it printed (stderr, as Java does). */
export async function probeJava(env: Env): Promise<{ path?: string; text: string; ok: boolean }> {
  const path = findJava(env)
  if (!path) return { text: '', ok: false }
  const r = await sh(env)`${path} ${['-version']}`
  return { path, text: `${r.stderr}${r.stdout}`, ok: r.exitCode === 0 }
}
