// registry: a real Docker registry (CNCF distribution, Debian's docker-registry) on 127.0.0.1, fed by skopeo
// from OCI image layouts built here, plus a token server for the bearer-challenge path.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, createPrivateKey, sign } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { gzipSync } from 'node:zlib'
import { closedPort, serve, type TestServer } from './http-server.js'

const run = promisify(execFile)
export const REGISTRY_BIN = '/usr/bin/docker-registry'

// A test worker that dies mid-file must not leave registries listening.
const children = new Set<ChildProcess>()
process.once('exit', () => { for (const c of children) c.kill('SIGKILL') })

export interface TokenAuth { realm: string; service: string; issuer: string; certPath: string }

export interface TestRegistry {
  /** http://127.0.0.1:<port> */
  url: string
  /** 127.0.0.1:<port>, for skopeo's docker:// references */
  host: string
  storage: string
  stop(): Promise<void>
}

async function waitReady(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 250; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited (${child.exitCode}): ${stderr()}`)
    // Any HTTP answer (200, or 401 with token auth) means it listens.
    if (await fetch(`${url}/v2/`).then(() => true, () => false)) return
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error(`docker-registry did not answer at ${url}: ${stderr()}`)
}

/** Start docker-registry on a free port; `storage` may be shared with another instance (read side). */
export async function startRegistry(opts: { storage?: string; auth?: TokenAuth } = {}): Promise<TestRegistry> {
  for (const bin of [REGISTRY_BIN, 'skopeo']) {
    if (spawnSync(bin, ['--version'], { stdio: 'ignore' }).error) {
      throw new Error(`${bin} not found: the registry tests need Debian's docker-registry and skopeo (apt-get install docker-registry skopeo; .ci/run does it)`)
    }
  }
  // The free port can be taken between probe and bind: try a few.
  for (let attempt = 1; ; attempt++) {
    try { return await startOnce(opts) } catch (e) { if (attempt >= 3) throw e }
  }
}

async function startOnce(opts: { storage?: string; auth?: TokenAuth }): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'nfo-registry-'))
  const storage = opts.storage ?? join(dir, 'data')
  const port = await closedPort()
  const auth = opts.auth
    ? `auth:\n  token:\n    realm: ${opts.auth.realm}\n    service: ${opts.auth.service}\n    issuer: ${opts.auth.issuer}\n    rootcertbundle: ${opts.auth.certPath}\n`
    : ''
  writeFileSync(join(dir, 'config.yml'), `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storage}
http:
  addr: 127.0.0.1:${port}
${auth}`)
  const child = spawn(REGISTRY_BIN, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] })
  children.add(child)
  child.once('exit', () => children.delete(child))
  let err = ''
  child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try { await waitReady(url, child, () => err) } catch (e) { await stop(); throw e }
  return { url, host: `127.0.0.1:${port}`, storage, stop }
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

export interface Descriptor { mediaType: string; digest: string; size: number; platform?: { architecture: string; os: string } }

function putBlob(layout: string, data: Buffer | string, mediaType: string): Descriptor {
  const hex = sha256(data)
  mkdirSync(join(layout, 'blobs', 'sha256'), { recursive: true })
  writeFileSync(join(layout, 'blobs', 'sha256', hex), data)
  return { mediaType, digest: `sha256:${hex}`, size: Buffer.byteLength(data) }
}

/** A one-file ustar archive (enough for a layer). */
function tarOne(name: string, content: string): Buffer {
  const body = Buffer.from(content)
  const h = Buffer.alloc(512)
  const put = (s: string, off: number) => h.write(s, off, 'ascii')
  put(name, 0); put('0000644\0', 100); put('0000000\0', 108); put('0000000\0', 116)
  put(body.length.toString(8).padStart(11, '0') + '\0', 124); put('00000000000\0', 136)
  put('        ', 148); put('0', 156); put('ustar\0' + '00', 257)
  let sum = 0
  for (const b of h) sum += b
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512)
  return Buffer.concat([h, body, pad, Buffer.alloc(1024)])
}

function ensureLayout(layout: string): { manifests: (Descriptor & { annotations?: Record<string, string> })[] } {
  mkdirSync(layout, { recursive: true })
  writeFileSync(join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}')
  try { return JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) } catch { return { manifests: [] } }
}

function tagInLayout(layout: string, tag: string, desc: Descriptor): void {
  const index = ensureLayout(layout)
  index.manifests = index.manifests.filter((m) => m.annotations?.['org.opencontainers.image.ref.name'] !== tag)
  index.manifests.push({ ...desc, annotations: { 'org.opencontainers.image.ref.name': tag } })
  writeFileSync(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, ...index }))
}

/** Write one small single-layer image manifest into an OCI layout's blobs; returns its descriptor. */
export function writeImage(layout: string, content: string, arch = 'amd64'): Descriptor {
  ensureLayout(layout)
  const tar = tarOne('hello.txt', content)
  const layer = putBlob(layout, gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip')
  const config = putBlob(layout, JSON.stringify({
    architecture: arch, os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [`sha256:${sha256(tar)}`] },
  }), 'application/vnd.oci.image.config.v1+json')
  const manifest = putBlob(layout, JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config, layers: [layer],
  }), 'application/vnd.oci.image.manifest.v1+json')
  return { ...manifest, platform: { architecture: arch, os: 'linux' } }
}

/** An image tagged `tag` in the layout; returns the manifest digest the registry will report. */
export function ociImage(layout: string, tag: string, content = tag): string {
  const d = writeImage(layout, content)
  tagInLayout(layout, tag, { mediaType: d.mediaType, digest: d.digest, size: d.size })
  return d.digest
}

/** A multi-arch image index (amd64 + arm64) tagged `tag`; returns the index digest. */
export function ociIndex(layout: string, tag: string): string {
  const manifests = ['amd64', 'arm64'].map((arch) => writeImage(layout, `${tag} on ${arch}`, arch))
  const index = putBlob(layout, JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests,
  }), 'application/vnd.oci.image.index.v1+json')
  tagInLayout(layout, tag, index)
  return index.digest
}

/**
 * skopeo copy a tag of the layout to `<registry host>/<repo>:<tag>`, digests preserved (multi-arch with
 * --all); `v2s2` converts to a Docker schema 2 manifest instead (new digest: see `rawDigest`).
 */
export async function push(layout: string, tag: string, dest: string, format?: 'v2s2'): Promise<void> {
  await run('skopeo', ['--insecure-policy', 'copy', '--quiet', '--dest-tls-verify=false',
    ...(format ? ['--format', format] : ['--all', '--preserve-digests']), `oci:${layout}:${tag}`, `docker://${dest}`])
}

/** The digest of a manifest as the registry stores it (sha256 of `skopeo inspect --raw`). */
export async function rawDigest(ref: string): Promise<string> {
  const { stdout } = await run('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${ref}`], { encoding: 'buffer' })
  return `sha256:${sha256(stdout)}`
}

export interface TokenServer extends TokenAuth { server: TestServer; stop(): Promise<void> }

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url')

/**
 * A token server as distribution's `auth: token` expects: ES256 JWTs whose x5c is a self-signed cert
 * that the registry trusts through rootcertbundle. `check(authorization)` decides who gets a token.
 */
export async function startTokenServer(check: (authorization: string | undefined) => boolean = () => true): Promise<TokenServer> {
  const dir = mkdtempSync(join(tmpdir(), 'nfo-token-'))
  const keyPath = join(dir, 'key.pem')
  const certPath = join(dir, 'cert.pem')
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyPath, '-out', certPath, '-subj', '/CN=nfo-token', '-days', '2'])
  const key = createPrivateKey(readFileSync(keyPath))
  const der = readFileSync(certPath, 'utf8').replace(/-----[^-]+-----|\s/g, '')
  const service = 'nfo-registry'
  const issuer = 'nfo-token-issuer'
  const server = await serve([{
    path: '/token',
    handler: (req, res, url) => {
      if (!check(req.headers.authorization)) { res.writeHead(401).end('{"errors":[{"code":"UNAUTHORIZED"}]}'); return }
      const access = url.searchParams.getAll('scope').map((s) => {
        const [type, ...rest] = s.split(':')
        const actions = rest.pop()!.split(',')
        return { type, name: rest.join(':'), actions }
      })
      const now = Math.floor(Date.now() / 1000)
      const head = b64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', x5c: [der] }))
      const claims = b64url(JSON.stringify({
        iss: issuer, sub: 'test', aud: url.searchParams.get('service'), exp: now + 300, nbf: now - 10, iat: now, jti: `${now}-${Math.random()}`, access,
      }))
      const sig = sign('sha256', Buffer.from(`${head}.${claims}`), { key, dsaEncoding: 'ieee-p1363' })
      const token = `${head}.${claims}.${b64url(sig)}`
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }))
    },
  }])
  return {
    realm: `${server.url}/token`, service, issuer, certPath, server,
    stop: async () => { await server.close(); rmSync(dir, { recursive: true, force: true }) },
  }
}
