// nextflow-release: a stand-in for NXF_BASE (`v<ver>/nextflow`, `nextflow.sha256`, `nextflow-<ver>-one.jar`) on a 127.0.0.1 test server.
import { createHash } from 'node:crypto'
import { strToU8, zipSync } from 'fflate'
import type { TestServer } from './http-server.js'

export interface NextflowRelease { ver: string; launcher: string; jar: Buffer; sha256: string }

/**
 * A launcher stand-in written for these tests (not Nextflow's script): the same variables and jar
 * lookup as the real one (NXF_HOME/framework/<ver>/nextflow-<ver>-one.jar), its offline error when
 * the jar is missing, and no download at all; then `java -jar <jar> <args>` as the real one ends.
 */
export function launcherStandIn(ver: string): string {
  return `#!/usr/bin/env bash
# nf-offline test stand-in for the Nextflow launcher ${ver}
NXF_VER=\${NXF_VER:-'${ver}'}
NXF_HOME=\${NXF_HOME:-$HOME/.nextflow}
NXF_BASE=\${NXF_BASE:-https://www.nextflow.io/releases}
NXF_DIST=\${NXF_DIST:-$NXF_HOME/framework}
NXF_JAR=\${NXF_JAR:-nextflow-$NXF_VER-one.jar}
NXF_BIN=\${NXF_BIN:-$NXF_DIST/$NXF_VER/$NXF_JAR}
if [ ! -f "$NXF_BIN" ]; then
  echo "ERROR: Cannot download nextflow required file -- make sure you can connect to the internet" >&2
  echo "Alternatively you can try to download this file: $NXF_BASE/v$NXF_VER/$NXF_JAR and save it as: $NXF_BIN" >&2
  exit 1
fi
if [ -n "$JAVA_HOME" ]; then JAVA_CMD="$JAVA_HOME/bin/java"; else JAVA_CMD=java; fi
exec "$JAVA_CMD" -Dfile.encoding=UTF-8 -jar "$NXF_BIN" "$@"
`
}

/** A small jar: a whole zip with META-INF/MANIFEST.MF (deflated) and a class-shaped entry. */
export function jarStandIn(ver: string, entries = 3): Buffer {
  const tree: Record<string, Uint8Array> = {
    'META-INF/MANIFEST.MF': strToU8(`Manifest-Version: 1.0\r\nMain-Class: nextflow.cli.Launcher\r\nImplementation-Version: ${ver}\r\n\r\n`),
  }
  for (let i = 1; i < entries; i++) tree[`nextflow/cli/C${i}.class`] = strToU8(`class bytes ${ver} ${i} `.repeat(50))
  return Buffer.from(zipSync(tree, { mtime: new Date('2025-01-01T00:00:00Z') }))
}

export function makeRelease(ver: string): NextflowRelease {
  const launcher = launcherStandIn(ver)
  return { ver, launcher, jar: jarStandIn(ver), sha256: createHash('sha256').update(launcher).digest('hex') }
}

/**
 * Serve `rel` under `<server>/releases/v<ver>/` as NXF_BASE expects; `sum: false` publishes no
 * checksum, `sum: 'bad'` a wrong one, `jar` replaces the jar's bytes. Returns the NXF_BASE to use.
 */
export function serveRelease(server: TestServer, rel: NextflowRelease, opts: { sum?: false | 'bad'; jar?: Buffer } = {}): string {
  const at = `/releases/v${rel.ver}`
  server.add({ path: `${at}/nextflow`, body: rel.launcher })
  if (opts.sum === false) server.add({ path: `${at}/nextflow.sha256`, handler: (_q, res) => { res.writeHead(404).end('not found') } })
  else server.add({ path: `${at}/nextflow.sha256`, body: `${opts.sum === 'bad' ? 'f'.repeat(64) : rel.sha256}  nextflow\n` })
  server.add({ path: `${at}/nextflow-${rel.ver}-one.jar`, body: opts.jar ?? rel.jar, headers: { 'content-type': 'application/java-archive' } })
  return `${server.url}/releases`
}
