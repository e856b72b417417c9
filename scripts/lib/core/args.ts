// args: the argument contract of every recipe: what each command declares it accepts, checked before any work (pure).
import { checkNextflowWords } from './nextflow-words.js'

/** What a command accepts; anything else is refused in one line (exit 2) before it touches anything. */
export interface CommandSpec {
  /** `just up [--delete] [--dry-run]` */
  usage: string
  /** what it does, one line (first line of --help) */
  about: string
  /** boolean flags (`--delete`); `no-x` declares `--no-x` (flags.x = false); with descriptions for --help */
  flags?: string[] | Record<string, string>
  /** options taking a value (`--key value` or `--key=value`) */
  values?: string[] | Record<string, string>
  /** other spellings: `{ dryrun: 'dry-run' }` (added for every command with `dry-run`) */
  aliases?: Record<string, string>
  /** how many plain words it takes at most (pipeline name, revision, N); default 0 */
  positionals?: number
  /** settings it reads (env, env/System-ENV, Pipeline-ENV); each may also be given as a `KEY=VALUE` word; `NXF_*`: a prefix */
  vars?: string[]
  /** later words go to nextflow: `-options` nextflow knows, `--params`, their values, and all words after `--` */
  nextflow?: boolean
  /** extra lines for --help */
  notes?: string[]
}

export interface Args {
  /** positional words, always strings (`3.10` stays `3.10`) */
  _: string[]
  /** `KEY=VALUE` words (upper-case keys), as `just stage PIPELINE=rnaseq` passes them */
  vars: Record<string, string>
  /** `--flag` / `--key value` options */
  flags: Record<string, string | boolean>
  /** words for nextflow (spec.nextflow), in the order given */
  rest: string[]
}

export type Parsed = { kind: 'ok'; args: Args } | { kind: 'help' } | { kind: 'error'; message: string }

const KEY_VALUE = /^([A-Z_][A-Z0-9_]*)=(.*)$/s
const names = (x: string[] | Record<string, string> | undefined) => (Array.isArray(x) ? x : Object.keys(x ?? {}))

/** Edit distance, for "did you mean" hints. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]
}

/** The closest of `options` to `word` (a prefix of it, or within 2 edits), if any. */
export function closeMatch(word: string, options: string[]): string | undefined {
  const w = word.toLowerCase()
  const near = (o: string) => o.startsWith(w) ? 0.5 : w.length >= 4 && o.includes(w) ? 1 : distance(w, o)
  const limit = w.length <= 3 ? 1 : w.length <= 5 ? 2 : 3
  const scored = options.map((o) => ({ o, d: near(o.toLowerCase()) })).filter((s) => s.d <= limit)
  return scored.sort((a, b) => a.d - b.d)[0]?.o
}

const hint = (m: string | undefined) => (m ? ` (did you mean ${m}?)` : '')

/** Check `argv` against `spec`: the parsed words, a request for help, or the one-line reason it is refused. */
export function parseCommandLine(argv: string[], spec: CommandSpec): Parsed {
  const flags = names(spec.flags), values = names(spec.values), vars = spec.vars ?? []
  const aliases: Record<string, string> = { ...(flags.includes('dry-run') ? { dryrun: 'dry-run' } : {}), ...spec.aliases }
  const known = [...flags, ...values, ...Object.keys(aliases), 'help']
  const dd = argv.indexOf('--')
  const words = dd >= 0 ? argv.slice(0, dd) : argv
  if (words.includes('--help') || words.includes('-h')) return { kind: 'help' }
  if (dd >= 0 && !spec.nextflow) return { kind: 'error', message: `unexpected word --` }
  const args: Args = { _: [], vars: {}, flags: {}, rest: [] }
  const err = (message: string): Parsed => ({ kind: 'error', message })
  for (let i = 0; i < words.length; i++) {
    const w = words[i]
    if (args.rest.length) { args.rest.push(w); continue }   // from the first nextflow word on, all is nextflow's
    if (w.startsWith('--') && w.length > 2) {
      const [raw, value] = w.slice(2).split(/=(.*)/s, 2)
      const name = aliases[raw] ?? raw
      if (name.startsWith('no-') && flags.includes(name)) {
        if (value !== undefined) return err(`--${raw} takes no value`)
        args.flags[name.slice(3)] = false
      } else if (flags.includes(name)) {
        if (value !== undefined) return err(`--${raw} takes no value`)
        args.flags[name] = true
      } else if (values.includes(name)) {
        const v = value ?? words[++i]
        if (v === undefined) return err(`--${raw} needs a value`)
        args.flags[name] = v
      } else if (spec.nextflow) {
        args.rest.push(w)
      } else return err(`unknown option ${w.split('=')[0]}${hint(closeMatch(raw, known)?.replace(/^/, '--'))}`)
      continue
    }
    if (/^-[^\d]/.test(w)) {
      if (spec.nextflow) { args.rest.push(w); continue }
      return err(`unknown option ${w}${hint(closeMatch(w.replace(/^-+/, ''), known)?.replace(/^/, '--'))}`)
    }
    const kv = KEY_VALUE.exec(w)
    if (kv) {
      if (!vars.some((v) => v === kv[1] || (v.endsWith('*') && kv[1].startsWith(v.slice(0, -1))))) return err(`unknown setting ${kv[1]}${hint(closeMatch(kv[1], vars))}`)
      args.vars[kv[1]] = kv[2]
      continue
    }
    const lower = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w)
    if (lower) return err(`unknown word ${w}${hint(vars.find((v) => v === lower[1].toUpperCase())?.concat('=', w.slice(lower[0].length)))}`)
    if (args._.length >= (spec.positionals ?? 0)) return err(`unexpected word '${w}'`)
    args._.push(w)
  }
  if (spec.nextflow) {
    const bad = checkNextflowWords(args.rest)
    if (bad) return err(bad)
  }
  if (dd >= 0) args.rest.push(...argv.slice(dd + 1))   // after --: nextflow's, unchecked
  return { kind: 'ok', args }
}

/** The --help text: what it does, usage, options, settings. */
export function helpText(command: string, spec: CommandSpec): string {
  const describe = (x: string[] | Record<string, string> | undefined, value: boolean) =>
    names(x).map((n) => {
      const alias = Object.entries({ ...(n === 'dry-run' ? { dryrun: 'dry-run' } : {}), ...spec.aliases }).filter(([, t]) => t === n).map(([a]) => `, --${a}`).join('')
      const left = `--${n}${alias}${value ? ' <value>' : ''}`
      return `  ${left.padEnd(26)} ${Array.isArray(x) ? '' : x?.[n] ?? ''}`.trimEnd()
    })
  const lines = [
    `${command}: ${spec.about}`,
    `usage: ${spec.usage}`,
    'options:',
    ...describe(spec.flags, false),
    ...describe(spec.values, true),
    `  ${'-h, --help'.padEnd(26)} this help (nothing else is done)`,
  ]
  if (spec.nextflow) lines.push('nextflow: -options nextflow run knows (-resume, -with-report …), --pipeline_params with their values, and every word after -- go to nextflow unchanged')
  if (spec.vars?.length) lines.push(`settings (environment, env/System-ENV, Pipeline-ENV, or a KEY=VALUE word): ${spec.vars.join(' ')}`)
  lines.push(...(spec.notes ?? []))
  return lines.join('\n') + '\n'
}
