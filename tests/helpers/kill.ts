// kill: start a built entry script and SIGKILL it after `ms`, as a power cut or `kill -9` would.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import type { Project } from './project.js'

/** Resolves when the process is gone; true if the kill landed before it finished by itself. */
export function killAfter(p: Project, script: string, args: string[], ms: number, opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<boolean> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(p.root, 'dist/scripts', `${script}.js`), ...args], {
      cwd: join(p.root, opts.cwd ?? ''),
      env: { PATH: process.env.PATH, HOME: join(p.root, 'home'), NF_OFFLINE_CACHE: join(p.root, '.cache'), NF_OFFLINE_RETRY_MS: '20', ...opts.env },
      stdio: 'ignore',
    })
    let killed = false
    const t = setTimeout(() => { killed = child.kill('SIGKILL') }, ms)
    child.on('close', () => { clearTimeout(t); done(killed) })
  })
}
