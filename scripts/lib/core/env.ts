// env: read `export VAR=...` files as bash `source` would, with values already in the environment winning.
import { rememberSecrets, UserError } from './cli.js'
import { readTextIf } from './fsx.js'

export type Env = Record<string, string | undefined>

/** Expand `$VAR`, `${VAR}` and `${VAR:-default}` against `vars` (unset expands to ''). */
function expand(s: string, vars: Env): string {
  return s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced: string | undefined, dflt: string | undefined, bare: string | undefined) => {
      const v = vars[(braced ?? bare)!]
      return v === undefined || v === '' ? (dflt !== undefined ? expand(dflt, vars) : '') : v
    })
}

/** Parse the right-hand side of an assignment as bash does: quotes, escapes, comments, expansion. */
export function parseValue(raw: string, vars: Env, where: string): string {
  let out = ''
  let i = 0
  while (i < raw.length) {
    const c = raw[i]
    if (c === "'") {
      const end = raw.indexOf("'", i + 1)
      if (end < 0) throw new UserError(`${where}: unterminated ' quote`)
      out += raw.slice(i + 1, end)
      i = end + 1
    } else if (c === '"') {
      let j = i + 1
      let chunk = ''
      while (j < raw.length && raw[j] !== '"') {
        if (raw[j] === '\\' && '"\\$`'.includes(raw[j + 1] ?? '')) { chunk += raw[j] === '\\' && raw[j + 1] === '$' ? '\u0000' : raw[j + 1]; j += 2 }
        else chunk += raw[j++]
      }
      if (j >= raw.length) throw new UserError(`${where}: unterminated " quote`)
      out += expand(chunk, vars).replace(/\u0000/g, '$')
      i = j + 1
    } else if (/\s/.test(c)) {
      const tail = raw.slice(i).trimStart()
      if (tail === '' || tail.startsWith('#')) break
      throw new UserError(`${where}: unquoted space in value; quote it`)
    } else {
      let j = i
      while (j < raw.length && !/[\s'"]/.test(raw[j])) j++
      out += expand(raw.slice(i, j).replace(/\\(.)/g, '$1'), vars)
      i = j
    }
  }
  return out
}

const ASSIGN = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s

/**
 * Apply the assignments of an env file to `vars` (mutated and returned). Names in `keep` (the
 * process environment's non-empty values) are not reassigned, as just's dotenv loading does.
 */
export function applyEnvText(text: string, vars: Env, keep: Set<string>, file = 'env'): Env {
  text.split(/\r?\n/).forEach((line, n) => {
    const t = line.trim()
    if (t === '' || t.startsWith('#')) return
    const m = ASSIGN.exec(t)
    if (!m) throw new UserError(`${file}:${n + 1}: expected 'export NAME=value', got '${t.slice(0, 40)}'`)
    const value = parseValue(m[2], vars, `${file}:${n + 1}`)
    if (!keep.has(m[1])) vars[m[1]] = value
  })
  return vars
}

/** Names whose process value wins over the files (an empty value counts as unset). */
export function protectedNames(processEnv: Env): Set<string> {
  return new Set(Object.entries(processEnv).filter(([, v]) => v !== undefined && v !== '').map(([k]) => k))
}

/** Load env files in order over the process environment; missing files are skipped unless `required`. */
export function loadEnvFiles(files: { path: string; required?: boolean; label?: string }[], processEnv: Env = process.env): Env {
  const vars: Env = { ...processEnv }
  const keep = protectedNames(processEnv)
  for (const f of files) {
    let text: string | undefined
    try { text = readTextIf(f.path) } catch (e) { throw new UserError(`cannot read ${f.path}: ${(e as NodeJS.ErrnoException).code ?? e}`) }
    if (text === undefined && f.required) throw new UserError(`${f.path} is missing; restore it (git checkout ${f.label ?? f.path})`)
    if (text !== undefined) applyEnvText(text, vars, keep, f.path)
  }
  rememberSecrets(vars)   // a password in env/System-ENV or Pipeline-ENV is as secret as an exported one
  return vars
}

/** A variable that must be set: its value, or one clear error naming where to set it. */
export function need(env: Env, name: string, where = 'env/System-ENV'): string {
  const v = env[name]
  if (v === undefined || v === '') throw new UserError(`${name} is not set; add it to ${where} or export it`)
  return v
}
