// release: pack a fixture pipeline as GitHub packs a release (`<name>-<rev>/` top folder, tar.gz), and serve it.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tar from 'tar'
import { fixtures } from './project.js'
import type { Route } from './http-server.js'

/** Bytes of a release tarball made from tests/fixtures/pipelines/<fixture> (or any folder). */
export async function packRelease(fixtureOrDir: string, name: string, rev: string): Promise<Buffer> {
  const src = fixtureOrDir.startsWith('/') ? fixtureOrDir : join(fixtures, 'pipelines', fixtureOrDir)
  const tmp = mkdtempSync(join(tmpdir(), 'nfo-rel-'))
  try {
    const top = `${name}-${rev}`
    cpSync(src, join(tmp, top), { recursive: true, verbatimSymlinks: true })
    const chunks: Buffer[] = []
    const stream = tar.c({ gzip: true, cwd: tmp, portable: true }, [top])
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c)
    return Buffer.concat(chunks)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

/**
 * Routes that play github.com and api.github.com for nf-core/<name>: the archive behind a redirect
 * to a codeload-like path (as GitHub does), `releases/latest`, the release list and the repo.
 */
export function githubRoutes(name: string, releases: { rev: string; archive: Buffer }[]): Route[] {
  const routes: Route[] = [
    { path: `/repos/nf-core/${name}`, json: { name, full_name: `nf-core/${name}` } },
    { path: `/repos/nf-core/${name}/releases/latest`, json: { tag_name: releases[0]?.rev } },
    { path: `/repos/nf-core/${name}/releases`, json: releases.map((r) => ({ tag_name: r.rev, draft: false, prerelease: false })) },
  ]
  for (const r of releases) {
    routes.push({ path: `/nf-core/${name}/archive/refs/tags/${r.rev}.tar.gz`, redirect: `/codeload/nf-core/${name}/tar.gz/refs/tags/${r.rev}` })
    routes.push({ path: `/codeload/nf-core/${name}/tar.gz/refs/tags/${r.rev}`, body: r.archive, headers: { 'content-type': 'application/x-gzip' } })
  }
  return routes
}

/** The basic fixture plus `files` generated module files (tagged), big enough for a kill to land mid-way. */
export function bigFixture(tag: string, files = 1000): string {
  const dir = mkdtempSync(join(tmpdir(), 'nfo-big-'))
  cpSync(join(fixtures, 'pipelines/basic'), dir, { recursive: true })
  for (let i = 0; i < files; i++) {
    const d = join(dir, 'modules/nf-core', `m${i % 150}`)
    mkdirSync(d, { recursive: true })
    writeFileSync(join(d, `f${i}.nf`), `// ${tag} ${i}\n`.repeat(40))
  }
  return dir
}
