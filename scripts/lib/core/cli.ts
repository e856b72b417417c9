// cli: the shape every entry script shares: argument words, one-line errors, secrets kept out of output.
import minimist from 'minimist'

/** An expected failure: printed as one line `<command>: <message>`, never with a stack. */
export class UserError extends Error {}

export interface Args {
  /** positional words, always strings (`3.10` stays `3.10`) */
  _: string[]
  /** `KEY=VALUE` words (upper-case keys), as `just stage PIPELINE=rnaseq` passes them */
  vars: Record<string, string>
  /** `--flag` / `--key value` options */
  flags: Record<string, string | boolean>
  /** words after `--`, passed through untouched (e.g. to nextflow) */
  rest: string[]
}

const KEY_VALUE = /^([A-Z_][A-Z0-9_]*)=(.*)$/s

/** Split argv into positionals, KEY=VALUE words and flags; `boolean` names never take a value. */
export function parseArgs(argv: string[], boolean: string[] = []): Args {
  const dd = argv.indexOf('--')
  const words = dd >= 0 ? argv.slice(0, dd) : argv
  const rest = dd >= 0 ? argv.slice(dd + 1) : []
  const m = minimist(words, { string: ['_'], boolean, stopEarly: false })
  const _: string[] = []
  const vars: Record<string, string> = {}
  for (const w of m._.map(String)) {
    const kv = KEY_VALUE.exec(w)
    if (kv) vars[kv[1]] = kv[2]
    else _.push(w)
  }
  const flags: Record<string, string | boolean> = {}
  for (const [k, v] of Object.entries(m)) if (k !== '_') flags[k] = typeof v === 'boolean' ? v : String(v)
  return { _, vars, flags, rest }
}

const SECRET_NAMES = ['AWS_SECRET_ACCESS_KEY', 'AWS_ACCESS_KEY_ID', 'AWS_SESSION_TOKEN', 'GITHUB_TOKEN', 'GITLAB_TOKEN', 'GH_TOKEN', 'REGISTRY_PASSWORD']

/** Replace every known secret value in `text` with `***`. */
export function redact(text: string, secrets: string[]): string {
  let out = text
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('***')
  return out
}

function secretValues(): string[] {
  return SECRET_NAMES.map((n) => process.env[n] ?? '').filter((v) => v.length >= 4)
}

/** Wrap stdout/stderr so that no output of ours, errors included, can carry a secret. */
function guardOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...a: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const secrets = secretValues()
      if (secrets.length && (typeof chunk === 'string' || chunk instanceof Uint8Array)) {
        chunk = redact(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'), secrets)
      }
      return write(chunk, ...rest)
    }) as typeof stream.write
  }
}

/** Describe an unexpected error in one line (stack only with DEBUG=1). */
export function describeError(err: unknown): string {
  if (err instanceof UserError) return err.message
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOSPC') return `disk full writing ${e.path ?? 'a file'}; free some space and re-run`
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `permission denied on ${e.path ?? 'a file'}`
  if (e?.code === 'ENOENT' && e.path) return `no such file: ${e.path}`
  return (e?.message ?? String(err)).split('\n')[0]
}

/** Run an entry script: parse args, print an expected failure as one line, set the exit code. */
export async function main(command: string, fn: (args: Args) => Promise<void | number>, boolean: string[] = []): Promise<void> {
  guardOutput()
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\n${command}: interrupted (${sig}); re-run to finish\n`)
    process.exit(sig === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const code = await fn(parseArgs(process.argv.slice(2), boolean))
    if (typeof code === 'number') process.exitCode = code
  } catch (err) {
    if (process.env.DEBUG === '1' && !(err instanceof UserError)) console.error(err)
    process.stderr.write(`${command}: ${describeError(err)}\n`)
    process.exitCode = 1
  }
}
