// nf-version: Nextflow's version comparison (CustomVersionManager): CalVer via VersionNumber, semver otherwise.

/** Nextflow's CalVer test: `24.10.6`, `25.03.0-edge`, `25.10.0`. */
const CAL_VER = /2\d\.\d\d\.\S+/

/** VersionNumber: split on `.` and `-`, pad with '0', compare parts as integers when both are, else as strings. */
function compareParts(a: string, b: string): number {
  const x = a ? a.split(/[.-]/).filter(Boolean) : ['0']
  const y = b ? b.split(/[.-]/).filter(Boolean) : ['0']
  const n = Math.max(x.length, y.length)
  for (let i = 0; i < n; i++) {
    const p = x[i] ?? '0', q = y[i] ?? '0'
    const r = /^-?\d+$/.test(p) && /^-?\d+$/.test(q) ? Math.sign(Number(p) - Number(q)) : p < q ? -1 : p > q ? 1 : 0
    if (r !== 0) return r
  }
  return 0
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/

/** Semver 2.0 precedence (pf4j's jsemver): a pre-release (`2.15.0-patch1`) sorts below its release. */
function compareSemver(a: RegExpExecArray, b: RegExpExecArray): number {
  for (let i = 1; i <= 3; i++) {
    const r = Math.sign(Number(a[i]) - Number(b[i]))
    if (r !== 0) return r
  }
  if (!a[4] || !b[4]) return a[4] ? -1 : b[4] ? 1 : 0
  const x = a[4].split('.'), y = b[4].split('.')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] === undefined) return -1
    if (y[i] === undefined) return 1
    const nx = /^\d+$/.test(x[i]), ny = /^\d+$/.test(y[i])
    const r = nx && ny ? Math.sign(Number(x[i]) - Number(y[i])) : nx ? -1 : ny ? 1 : x[i] < y[i] ? -1 : x[i] > y[i] ? 1 : 0
    if (r !== 0) return r
  }
  return 0
}

/** Compare two versions as Nextflow's plugin manager does (negative, 0, positive). */
export function compareVersions(a: string, b: string): number {
  if (CAL_VER.test(a) || CAL_VER.test(b)) return compareParts(a, b)
  const x = SEMVER.exec(a), y = SEMVER.exec(b)
  return x && y ? compareSemver(x, y) : compareParts(a, b)
}

const CHECK = /^\s*([!<=>]+)?\s*([0-9A-Za-z\-_.]+)(\+)?\s*$/

/** One VersionNumber condition: `>=24.10.6`, `24.10.+`, `!=25.04.0`; throws on a malformed one. */
function matches0(version: string, condition: string): boolean {
  const m = CHECK.exec(condition)
  if (!m || (m[1] && m[3])) throw new Error(`not a version condition: ${condition}`)
  const [, op = '=', want, plus] = m
  if (plus) {
    const check = (want.endsWith('.') ? want + '0' : want).split(/[.-]/)
    const mine = version.split(/[.-]/)
    const last = check.length - 1
    for (let i = 0; i < last; i++) if ((mine[i] ?? '0') !== check[i]) return false
    return compareParts(check[last], mine[last] ?? '0') <= 0
  }
  const c = compareParts(version, want)
  switch (op) {
    case '=': case '==': return c === 0
    case '<': return c < 0
    case '<=': return c <= 0
    case '>': return c > 0
    case '>=': return c >= 0
    case '!=': case '<>': return c !== 0
    default: throw new Error(`not a version operator: ${op}`)
  }
}

const stripSuffix = (s: string) => (s.lastIndexOf('-') < 0 ? s : s.slice(0, s.lastIndexOf('-')))

/**
 * Does Nextflow `nxfVersion` satisfy a plugin's `requires` (`>=24.10.6`, `nextflow@>=25.04.0`,
 * comma = and)? An empty constraint or `*` fits anything; a malformed one fits nothing, as in Nextflow.
 */
export function satisfies(nxfVersion: string, requires: string | undefined | null): boolean {
  if (!nxfVersion || !requires || requires === '*' || nxfVersion === requires) return true
  let version = nxfVersion
  let constraint = requires.startsWith('nextflow@') ? requires.slice('nextflow@'.length) : requires
  if (version.endsWith('-SNAPSHOT')) { version = stripSuffix(version); constraint = stripSuffix(constraint) }
  try {
    return constraint.split(',').filter((t) => t.trim()).every((t) => matches0(version, t))
  } catch {
    return false
  }
}
