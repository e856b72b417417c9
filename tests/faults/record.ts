// record: the suite's figures (runs, kills landed, faults injected, bad inputs tried, files lost), appended
// to bench/out/faults.jsonl so the README's reliability section and the closing note quote measured numbers.
import { appendFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../helpers/project.js'

export function record(area: string, figures: Record<string, number>): void {
  const dir = join(repoRoot, 'bench', 'out')
  mkdirSync(dir, { recursive: true })
  appendFileSync(join(dir, 'faults.jsonl'), JSON.stringify({ area, ...figures, at: new Date().toISOString() }) + '\n')
}
