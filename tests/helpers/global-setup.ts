// global-setup: build the entry scripts once, so command tests run what users run (dist/scripts/*.js).
import { spawnSync } from 'node:child_process'
import { repoRoot } from './project.js'

export default function setup(): void {
  // A script that fails to build shows up as failing tests of that command, not as a dead suite.
  const r = spawnSync(process.execPath, ['build.mjs'], { cwd: repoRoot, stdio: 'inherit' })
  if (r.status !== 0) console.error('global-setup: some scripts failed to build (see above)')
}
