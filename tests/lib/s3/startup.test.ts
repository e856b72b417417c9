// A no-op `up`/`down` must not load the AWS SDK's S3 client: only what the bundles import statically runs at start.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../../helpers/project.js'

/** The files `script` loads before its first line runs: its static imports, transitively. */
function loadedAtStart(script: string): string[] {
  const seen = new Set<string>()
  const visit = (f: string) => {
    if (seen.has(f)) return
    seen.add(f)
    const text = readFileSync(join(repoRoot, 'dist/scripts', f), 'utf8')
    for (const m of text.matchAll(/(?:^|[;\s}])import\s*(?:[\w{},\s*]+from\s*)?"\.\/([^"]+)"/g)) visit(m[1])
  }
  visit(script)
  return [...seen]
}

describe('start-up of up and down', () => {
  it.each(['up.js', 'down.js'])('%s loads no S3 SDK client until something must move', (script) => {
    const files = loadedAtStart(script)
    const text = files.map((f) => readFileSync(join(repoRoot, 'dist/scripts', f), 'utf8')).join('\n')
    expect(text).toContain('fastS3FromEnv')   // the minifier keeps names: the fast path is there
    // the SDK's classes are defined (`var X=class …`) only in the chunks loaded on demand
    expect(text).not.toMatch(/\b(S3Client|PutObjectCommand|CreateMultipartUploadCommand)\s*=\s*class\b|class (S3Client|PutObjectCommand)\b/)
    // and the SDK is there to import when needed
    expect(readFileSync(join(repoRoot, 'dist/scripts', script), 'utf8') + text).toMatch(/import\("\.\/_[^"]+\.js"\)/)
  })
})
