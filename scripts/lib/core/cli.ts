// cli: the shape every entry script shares: argument words, one-line errors, secrets kept out of output.
import minimist from 'minimist'
import { basename, dirname } from 'node:path'
import { type Args, type CommandSpec, helpText, parseCommandLine } from './args.js'

export type { Args, CommandSpec } from './args.js'

/** An expected failure: printed as one line `<command>: <message>`, never with a stack. */
export class UserError extends Error {}

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

/** Secret values read from env files (env/System-ENV, Pipeline-ENV): the process env is not the only source. */
const fileSecrets = new Set<string>()

/** Remember the secret values of a loaded environment, so that output never carries them either. */
export function rememberSecrets(env: Record<string, string | undefined>): void {
  for (const n of SECRET_NAMES) { const v = env[n]; if (v && v.length >= 4) fileSecrets.add(v) }
}

function secretValues(): string[] {
  return [...SECRET_NAMES.map((n) => process.env[n] ?? ''), ...fileSecrets].filter((v) => v.length >= 4)
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

const TEMP = /^\.(.+)\.tmp-\d+-[a-z0-9]+$/

/** A write refused by the file system, naming what to fix: the folder when the file was one of our temp names. */
function permissionMessage(e: NodeJS.ErrnoException): string {
  const why = e.code === 'EROFS' ? 'read-only file system' : 'permission denied'
  if (!e.path) return `${why}; check the permissions of the folders the command writes`
  const temp = TEMP.exec(basename(e.path))
  if (temp || e.syscall === 'mkdir' || e.syscall === 'rename') {
    return `cannot write ${temp ? temp[1] : basename(e.path)} in ${dirname(e.path)} (${why}); make that folder writable for this user, or run as its owner`
  }
  return `cannot ${e.syscall === 'open' || e.syscall === 'unlink' ? 'write' : 'use'} ${e.path} (${why}); make it (and its folder) writable for this user, or run as its owner`
}

/** Describe an unexpected error in one line (stack only with DEBUG=1). */
export function describeError(err: unknown): string {
  if (err instanceof UserError) return err.message
  const e = err as NodeJS.ErrnoException
  if (e?.code === 'ENOSPC') return `disk full writing ${e.path ?? 'a file'}; free some space and re-run`
  if (e?.code === 'EACCES' || e?.code === 'EPERM' || e?.code === 'EROFS') return permissionMessage(e)
  if (e?.code === 'ENOENT' && e.path) return `no such file: ${e.path}`
  return (e?.message ?? String(err)).split('\n')[0]
}

/**
 * Run an entry script: check its words against `spec` (anything undeclared: one line with the usage, exit 2,
 * nothing done; -h/--help: the help, exit 0, nothing done), then run `fn`, printing an expected failure as
 * one line and setting the exit code. `argv` defaults to the process's words.
 */
export async function main(command: string, spec: CommandSpec & { argv?: string[] }, fn: (args: Args) => Promise<void | number>): Promise<void> {
  guardOutput()
  const parsed = parseCommandLine(spec.argv ?? process.argv.slice(2), spec)
  if (parsed.kind === 'help') { process.stdout.write(helpText(command, spec)); return }
  if (parsed.kind === 'error') {
    process.stderr.write(`${command}: ${parsed.message}; usage: ${spec.usage}\n`)
    process.exitCode = 2
    return
  }
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\n${command}: interrupted (${sig}); re-run to finish\n`)
    process.exit(sig === 'SIGINT' ? 130 : 143)
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const code = await fn(parsed.args)
    if (typeof code === 'number') process.exitCode = code
  } catch (err) {
    if (process.env.DEBUG === '1' && !(err instanceof UserError)) console.error(err)
    process.stderr.write(`${command}: ${describeError(err)}\n`)
    process.exitCode = 1
  }
}
