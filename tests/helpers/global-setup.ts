// global-setup: build the entry scripts once, so command tests run what users run (dist/scripts/*.js).
import { execFileSync } from 'node:child_process'
import { repoRoot } from './project.js'

export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs'], { cwd: repoRoot, stdio: 'inherit' })
}
