import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkImage, checkImages, MANIFEST_ACCEPT, NOT_QUAY, parseChallenges, proxyBase, splitReference, tokenUrl, type ImageCheck,
} from '../../../scripts/lib/images/registry.js'
import { closedPort, serve, type TestServer } from '../../helpers/http-server.js'
import { ociImage, ociIndex, push, rawDigest, startRegistry, startTokenServer, type TestRegistry, type TokenServer } from '../../helpers/registry.js'

const base = { NF_OFFLINE_RETRY_MS: '20' }

describe('splitReference', () => {
  it.each([
    ['quay.io/biocontainers/fastqc:0.12.1--hdfd78af_0', 'quay.io', 'biocontainers/fastqc', '0.12.1--hdfd78af_0'],
    ['docker://quay.io/biocontainers/x:1', 'quay.io', 'biocontainers/x', '1'],
    ['quay.io/biocontainers/x', 'quay.io', 'biocontainers/x', 'latest'],
    ['quay.io/biocontainers/x@sha256:' + 'a'.repeat(64), 'quay.io', 'biocontainers/x', 'sha256:' + 'a'.repeat(64)],
    ['quay.io/biocontainers/x:1@sha256:' + 'b'.repeat(64), 'quay.io', 'biocontainers/x', 'sha256:' + 'b'.repeat(64)],
    ['ubuntu:20.04', 'docker.io', 'library/ubuntu', '20.04'],
    ['biocontainers/x:1', 'docker.io', 'biocontainers/x', '1'],
    ['localhost/x:1', 'localhost', 'x', '1'],
    ['127.0.0.1:5000/biocontainers/x:1', '127.0.0.1:5000', 'biocontainers/x', '1'],
    ['community.wave.seqera.io/library/coreutils:9.5--ae99c88a9b28c264', 'community.wave.seqera.io', 'library/coreutils', '9.5--ae99c88a9b28c264'],
    ['nvcr.io/nvidia/clara/clara-parabricks:4.3.0-1', 'nvcr.io', 'nvidia/clara/clara-parabricks', '4.3.0-1'],
  ])('%s → %s %s %s', (ref, host, repository, reference) => {
    expect(splitReference(ref)).toEqual({ host, repository, reference })
  })

  it.each(['quay.io/Biocontainers/x:1', 'quay.io/x:bad tag', 'quay.io/x@sha256:short', 'quay.io//x:1', ''])(
    'rejects %j', (ref) => expect(() => splitReference(ref)).toThrow(/not a valid image reference/))
})

describe('proxyBase', () => {
  it.each([
    ['nexus-docker-quay.ship.gov.sg', 'https://nexus-docker-quay.ship.gov.sg'],
    ['nexus.example:8443', 'https://nexus.example:8443'],
    ['http://127.0.0.1:5000/', 'http://127.0.0.1:5000'],
    ['https://nexus.example/repository/quay', 'https://nexus.example/repository/quay'],
  ])('%s → %s', (value, want) => expect(proxyBase(value)).toBe(want))
  it.each(['http://', 'ftp://nexus.example', 'nexus example', 'https://u:p@nexus.example', ''])(
    'rejects %j', (value) => expect(() => proxyBase(value)).toThrow(/REGISTRY_PROXY/))
})

describe('parseChallenges', () => {
  it.each([
    ['Bearer realm="https://quay.io/v2/auth",service="quay.io",scope="repository:biocontainers/x:pull"',
      [{ scheme: 'Bearer', params: { realm: 'https://quay.io/v2/auth', service: 'quay.io', scope: 'repository:biocontainers/x:pull' } }]],
    ['Bearer realm="https://auth.docker.io/token", service="registry.docker.io", scope="repository:a/b:pull,push"',
      [{ scheme: 'Bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:a/b:pull,push' } }]],
    ['BASIC realm="Sonatype Nexus Repository Manager"', [{ scheme: 'BASIC', params: { realm: 'Sonatype Nexus Repository Manager' } }]],
    ['Basic realm="x", Bearer realm="https://t/token",Service=s', [
      { scheme: 'Basic', params: { realm: 'x' } }, { scheme: 'Bearer', params: { realm: 'https://t/token', service: 's' } }]],
    ['Bearer realm=https://t/token,error="invalid_token"', [{ scheme: 'Bearer', params: { realm: 'https://t/token', error: 'invalid_token' } }]],
    ['Bearer realm="a \\"quoted\\" b"', [{ scheme: 'Bearer', params: { realm: 'a "quoted" b' } }]],
    ['', []],
  ])('%s', (header, want) => expect(parseChallenges(header)).toEqual(want))

  it('builds the token URL from the challenge, defaulting to pull on the repository', () => {
    expect(tokenUrl({ realm: 'https://t/token', service: 's', scope: 'repository:a/b:pull' }, 'x'))
      .toBe('https://t/token?service=s&scope=repository%3Aa%2Fb%3Apull')
    expect(tokenUrl({ realm: 'https://t/token?account=1' }, 'a/b')).toBe('https://t/token?account=1&scope=repository%3Aa%2Fb%3Apull')
    expect(() => tokenUrl({}, 'a/b')).toThrow(/without realm/)
  })

  it('asks for multi-arch indexes first, then single manifests', () => {
    expect(MANIFEST_ACCEPT[0]).toBe('application/vnd.oci.image.index.v1+json')
    expect(MANIFEST_ACCEPT).toContain('application/vnd.docker.distribution.manifest.v2+json')
  })
})

async function collect(it: AsyncIterable<ImageCheck>): Promise<ImageCheck[]> {
  const out: ImageCheck[] = []
  for await (const r of it) out.push(r)
  return out
}

describe('against a real registry (docker-registry + skopeo)', () => {
  let open: TestRegistry
  let tokens: TokenServer
  let guarded: TestRegistry
  let layout: string
  const pushed: Record<string, string> = {}

  beforeAll(async () => {
    layout = mkdtempSync(join(tmpdir(), 'nfo-oci-'))
    // Assigned one by one so that afterAll stops whatever did start.
    await Promise.all([
      startRegistry().then((r) => { open = r }),
      startTokenServer((auth) => auth === undefined || auth === 'Basic ' + Buffer.from('alice:s3cret-pw').toString('base64')).then((t) => { tokens = t }),
    ])
    pushed['1.0'] = ociImage(layout, '1.0')
    pushed['2.0'] = ociImage(layout, '2.0')
    pushed.multi = ociIndex(layout, 'multi')
    await Promise.all([
      ...Object.keys(pushed).map((tag) => push(layout, tag, `${open.host}/biocontainers/x:${tag}`)),
      push(layout, '1.0', `${open.host}/biocontainers/docker-v2:1.0`, 'v2s2'),
    ])
    pushed.v2s2 = await rawDigest(`${open.host}/biocontainers/docker-v2:1.0`)
    // Same storage, token auth: what quay.io and a Nexus proxy of it answer.
    guarded = await startRegistry({ storage: open.storage, auth: tokens })
  })
  afterAll(async () => {
    await Promise.allSettled([open?.stop(), guarded?.stop(), tokens?.stop()])
    if (layout) rmSync(layout, { recursive: true, force: true })
  })

  const envOf = (r: TestRegistry, extra: Record<string, string> = {}) => ({ ...base, REGISTRY_PROXY: r.url, ...extra })

  it('resolves a present tag to the digest of the pushed manifest', async () => {
    expect(await checkImage('quay.io/biocontainers/x:1.0', envOf(open))).toEqual({ image: 'quay.io/biocontainers/x:1.0', ok: true, digest: pushed['1.0'] })
  })

  it('resolves a multi-arch tag to the digest of its index', async () => {
    expect(await checkImage('quay.io/biocontainers/x:multi', envOf(open))).toMatchObject({ ok: true, digest: pushed.multi })
  })

  it('resolves a Docker schema 2 manifest to its own digest (not a schema 1 conversion)', async () => {
    expect(pushed.v2s2).not.toBe(pushed['1.0'])
    expect(await checkImage('quay.io/biocontainers/docker-v2:1.0', envOf(open))).toMatchObject({ ok: true, digest: pushed.v2s2 })
  })

  it('resolves a digest reference', async () => {
    expect(await checkImage(`quay.io/biocontainers/x@${pushed['2.0']}`, envOf(open))).toMatchObject({ ok: true, digest: pushed['2.0'] })
  })

  it.each(['quay.io/biocontainers/x:9.9', 'quay.io/biocontainers/nothing:1'])('reports %s as manifest unknown (404)', async (image) => {
    expect(await checkImage(image, envOf(open))).toEqual({ image, ok: false, reason: 'manifest unknown (404)' })
  })

  it('answers the bearer challenge with an anonymous token', async () => {
    const direct = await fetch(`${guarded.url}/v2/biocontainers/x/manifests/1.0`, { method: 'HEAD' })
    expect(direct.status).toBe(401)
    tokens.server.log.length = 0
    expect(await checkImage('quay.io/biocontainers/x:1.0', envOf(guarded))).toMatchObject({ ok: true, digest: pushed['1.0'] })
    expect(tokens.server.log).toEqual([`GET /token?service=nfo-registry&scope=${encodeURIComponent('repository:biocontainers/x:pull')}`])
    expect(tokens.server.headers[0].authorization).toBeUndefined()
  })

  it('logs in to the token realm with REGISTRY_USER/REGISTRY_PASSWORD, and never prints the password', async () => {
    const ok = await checkImage('quay.io/biocontainers/x:multi', envOf(guarded, { REGISTRY_USER: 'alice', REGISTRY_PASSWORD: 's3cret-pw' }))
    expect(ok).toMatchObject({ ok: true, digest: pushed.multi })
    const bad = await checkImage('quay.io/biocontainers/x:multi', envOf(guarded, { REGISTRY_USER: 'alice', REGISTRY_PASSWORD: 'wrong-pw' }))
    expect(bad).toEqual({ image: 'quay.io/biocontainers/x:multi', ok: false, reason: 'unauthorized (401)' })
    expect(JSON.stringify([ok, bad])).not.toMatch(/s3cret|wrong-pw/)
  })

  it('reports a missing tag behind token auth as 404', async () => {
    expect(await checkImage('quay.io/biocontainers/x:9.9', envOf(guarded))).toMatchObject({ ok: false, reason: 'manifest unknown (404)' })
  })

  it('checks a batch concurrently, yielding every image once, one token per repository', async () => {
    const images = [
      ...Array.from({ length: 12 }, (_, i) => `quay.io/biocontainers/x:${['1.0', '2.0', 'multi', 'nope'][i % 4]}`),
      'docker.io/library/ubuntu:20.04', 'quay.io/biocontainers/other:1',
    ]
    tokens.server.log.length = 0
    const t0 = Date.now()
    const got = await collect(checkImages(images, envOf(guarded), 4))
    const ms = Date.now() - t0
    expect(got.map((r) => r.image).sort()).toEqual([...images].sort())
    for (const r of got) {
      const tag = r.image.split(':').pop()!
      if (r.image.startsWith('docker.io')) expect(r.reason).toBe(NOT_QUAY)
      else if (pushed[tag] && r.image.includes('/x:')) expect(r).toMatchObject({ ok: true, digest: pushed[tag] })
      else expect(r).toMatchObject({ ok: false, reason: 'manifest unknown (404)' })
    }
    expect(tokens.server.log.filter((l) => l.includes('biocontainers%2Fx'))).toHaveLength(1)
    expect(ms).toBeLessThan(3000)
  })
})

describe('without a real registry', () => {
  let fake: TestServer
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json' })
  beforeAll(async () => {
    fake = await serve([
      { path: '/token', json: { access_token: 'tok-123' } },
      {
        path: /^\/v2\/biocontainers\/y\/manifests\//,
        handler: (req, res) => {
          if (req.headers.authorization !== 'Bearer tok-123') {
            res.writeHead(401, { 'www-authenticate': `Bearer realm="${fake.url}/token",service="fake"` }).end()
            return
          }
          // No Docker-Content-Digest: the digest must come from the body.
          res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': Buffer.byteLength(manifest) })
          res.end(req.method === 'HEAD' ? undefined : manifest)
        },
      },
      {
        path: /^\/v2\/biocontainers\/(fast|slow)\/manifests\//,
        handler: (_req, res, url) => {
          setTimeout(() => res.writeHead(200, { 'docker-content-digest': 'sha256:' + 'd'.repeat(64) }).end(), url.pathname.includes('slow') ? 300 : 0)
        },
      },
      { path: /^\/v2\/biocontainers\/status\/manifests\//, handler: (_req, res, url) => { res.writeHead(Number(url.pathname.split('/').pop())).end() } },
      {
        path: /^\/v2\/biocontainers\/z\/manifests\//,
        handler: (req, res) => {
          const want = 'Basic ' + Buffer.from('bob:pw-42').toString('base64')
          if (req.headers.authorization !== want) { res.writeHead(401, { 'www-authenticate': 'BASIC realm="Nexus"' }).end(); return }
          res.writeHead(200, { 'docker-content-digest': 'sha256:' + 'c'.repeat(64) }).end()
        },
      },
    ])
  })
  afterAll(() => fake?.close())

  it('follows a bearer challenge and hashes the manifest when HEAD gives no digest', async () => {
    fake.log.length = 0
    const r = await checkImage('quay.io/biocontainers/y:1', { ...base, REGISTRY_PROXY: fake.url })
    expect(r).toEqual({ image: 'quay.io/biocontainers/y:1', ok: true, digest: 'sha256:' + createHash('sha256').update(manifest).digest('hex') })
    expect(fake.log).toEqual([
      'HEAD /v2/biocontainers/y/manifests/1', 'GET /token?service=fake&scope=repository%3Abiocontainers%2Fy%3Apull',
      'HEAD /v2/biocontainers/y/manifests/1', 'GET /v2/biocontainers/y/manifests/1',
    ])
    expect(fake.headers[0].accept).toBe(MANIFEST_ACCEPT.join(', '))
  })

  it('sends the credentials that worked up front for the next image of the same repository', async () => {
    fake.log.length = 0
    const got = await collect(checkImages(['quay.io/biocontainers/y:1', 'quay.io/biocontainers/y:2'], { ...base, REGISTRY_PROXY: fake.url }, 1))
    expect(got.map((r) => r.ok)).toEqual([true, true])
    expect(fake.log.filter((l) => l.includes('/y/manifests/2'))).toEqual(['HEAD /v2/biocontainers/y/manifests/2', 'GET /v2/biocontainers/y/manifests/2'])
    expect(fake.log.filter((l) => l.startsWith('GET /token'))).toHaveLength(1)
  })

  it.each([
    [403, 'unauthorized (403); set REGISTRY_USER/REGISTRY_PASSWORD if the proxy needs a login'],
    [404, 'manifest unknown (404)'],
    [500, 'HTTP 500 from 127.0.0.1'],
    [418, 'HTTP 418 from 127.0.0.1'],
  ])('reports HTTP %i as %s', async (status, reason) => {
    const r = await checkImage(`quay.io/biocontainers/status:${status}`, { ...base, REGISTRY_PROXY: fake.url })
    expect(r).toMatchObject({ ok: false })
    expect(r.reason!.replace(/:\d+$/, '')).toBe(reason)
  })

  it('yields results as they come, not in input order', async () => {
    const got = await collect(checkImages(['quay.io/biocontainers/slow:1', 'quay.io/biocontainers/fast:1'], { ...base, REGISTRY_PROXY: fake.url }))
    expect(got.map((r) => [r.image, r.ok])).toEqual([['quay.io/biocontainers/fast:1', true], ['quay.io/biocontainers/slow:1', true]])
  })

  it('starts no new request once the caller stops reading', async () => {
    fake.log.length = 0
    for await (const r of checkImages(Array.from({ length: 6 }, (_, i) => `quay.io/biocontainers/fast:${i}`), { ...base, REGISTRY_PROXY: fake.url }, 2)) {
      expect(r.ok).toBe(true)
      break
    }
    await new Promise((r) => setTimeout(r, 50))
    expect(fake.log.length).toBeLessThanOrEqual(3)
  })

  it('answers a Basic challenge with REGISTRY_USER/REGISTRY_PASSWORD, and says how to log in without them', async () => {
    expect(await checkImage('quay.io/biocontainers/z:1', { ...base, REGISTRY_PROXY: fake.url, REGISTRY_USER: 'bob', REGISTRY_PASSWORD: 'pw-42' }))
      .toMatchObject({ ok: true, digest: 'sha256:' + 'c'.repeat(64) })
    expect((await checkImage('quay.io/biocontainers/z:1', { ...base, REGISTRY_PROXY: fake.url })).reason)
      .toBe('unauthorized (401); set REGISTRY_USER/REGISTRY_PASSWORD if the proxy needs a login')
  })

  it('refuses images not on quay.io without asking anything', async () => {
    fake.log.length = 0
    const images = ['docker.io/library/ubuntu:20.04', 'community.wave.seqera.io/library/coreutils:9.5--ae99c88a9b28c264', 'biocontainers/x:1']
    const got = await collect(checkImages(images, { ...base, REGISTRY_PROXY: fake.url }))
    expect(got).toEqual(images.map((image) => ({ image, ok: false, reason: NOT_QUAY })))
    expect(fake.log).toEqual([])
  })

  it('reports an unreachable proxy as one clear reason, fast', async () => {
    const port = await closedPort()
    const images = Array.from({ length: 20 }, (_, i) => `quay.io/biocontainers/x:${i}`)
    const t0 = Date.now()
    const got = await collect(checkImages(images, { ...base, REGISTRY_PROXY: `http://127.0.0.1:${port}` }))
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(new Set(got.map((r) => r.reason))).toEqual(new Set([`cannot reach 127.0.0.1:${port} (ECONNREFUSED)`]))
    expect(got).toHaveLength(20)
  })

  it('names NODE_EXTRA_CA_CERTS when the proxy\'s certificate is not trusted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nfo-tls-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' })
    const server = createServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) => res.end())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const { port } = server.address() as AddressInfo
      const r = await checkImage('quay.io/biocontainers/x:1', { ...base, REGISTRY_PROXY: `127.0.0.1:${port}` })
      expect(r.reason).toMatch(new RegExp(`^cannot reach 127\\.0\\.0\\.1:${port} \\([A-Z_]+\\); add the proxy's CA with NODE_EXTRA_CA_CERTS`))
    } finally {
      server.closeAllConnections()
      await new Promise((r) => server.close(r))
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('needs REGISTRY_PROXY', async () => {
    await expect(checkImage('quay.io/biocontainers/x:1', base)).rejects.toThrow(/REGISTRY_PROXY is not set/)
    await expect(collect(checkImages(['quay.io/biocontainers/x:1'], base))).rejects.toThrow(/REGISTRY_PROXY is not set/)
  })
})
