// programs: zx's $ and which, set up one way wherever the toolkit runs a program (nextflow, java, docker, git).
import { $, quote, which } from 'zx/core'
import type { Env } from './env.js'

/** `name` on the env's PATH (not this process's), or undefined. */
export const findProgram = (name: string, env: Env) => which.sync(name, { path: env.PATH ?? '', nothrow: true }) ?? undefined

let bash: string | undefined
/**
 * zx's `$` for the given env: arrays become quoted words, never a built string. zx quotes for bash,
 * which it looks up once on this process's PATH; a PATH without it (a bare Prod shell, a test's
 * doubles only) would leave zx with no quoting at all, so bash is found in the usual places too.
 */
export function sh(env: Env, opts: { cwd?: string; inherit?: boolean } = {}) {
  bash ??= which.sync('bash', { path: [process.env.PATH, '/usr/bin', '/bin', '/usr/local/bin'].filter(Boolean).join(':'), nothrow: true }) ?? 'bash'
  return $({
    shell: bash, quote, prefix: 'set -euo pipefail;', env: env as NodeJS.ProcessEnv, cwd: opts.cwd,
    // stdin never a pipe: node's pipes are sockets, and bash sources ~/.bashrc when stdin is a socket
    nothrow: true, quiet: true, stdio: opts.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  })
}
