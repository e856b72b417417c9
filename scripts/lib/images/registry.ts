// registry: ask the registry Prod pulls through (REGISTRY_PROXY, a proxy of quay.io) whether each image resolves.
import { createHash } from 'node:crypto'
import { UserError } from '../core/cli.js'
import { need, type Env } from '../core/env.js'
import { HttpError, httpGet } from '../core/http.js'
import { cleanRef, DOCKER_HUB, hasHost } from './image-ref.js'

export interface ImageCheck { image: string; ok: boolean; digest?: string; reason?: string }

/** Manifest types asked for, multi-arch first, so a tag resolves to what `docker pull` would see. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
]

export const NOT_QUAY = 'not on quay.io: Prod cannot pull it through REGISTRY_PROXY'

export interface ImageRef { host: string; repository: string; /** tag, or `sha256:...` digest */ reference: string }

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/

/** Split a Docker reference as Docker does: host only if the first part has `.`/`:` or is localhost. */
export function splitReference(ref: string): ImageRef {
  let rest = cleanRef(ref)
  let reference = 'latest'
  const at = rest.indexOf('@')
  if (at >= 0) { reference = rest.slice(at + 1); rest = rest.slice(0, at) }
  const slash = rest.lastIndexOf('/')
  const colon = rest.lastIndexOf(':')
  if (colon > slash) {
    if (at < 0) reference = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  const parts = rest.split('/')
  const host = hasHost(rest) ? parts.shift()! : DOCKER_HUB
  if (host === DOCKER_HUB && parts.length === 1) parts.unshift('library')
  const repository = parts.join('/')
  const okRef = at >= 0 ? DIGEST.test(reference) : TAG.test(reference)
  if (!parts.every((p) => COMPONENT.test(p)) || !okRef) throw new UserError(`'${ref}' is not a valid image reference`)
  return { host, repository, reference }
}

/** REGISTRY_PROXY as a base URL: `host[:port]` means https; a full http(s) URL is kept. */
export function proxyBase(value: string): string {
  const v = value.trim()
  const bad = () => new UserError(`REGISTRY_PROXY '${value}' is not host[:port] or an http(s) URL`)
  if (v.includes('://') && !/^https?:\/\//i.test(v)) throw bad()
  let url: URL
  try { url = new URL(/^https?:\/\//i.test(v) ? v : `https://${v}`) } catch { throw bad() }
  if (!url.hostname || url.search || url.hash || url.username) throw bad()
  return url.origin + url.pathname.replace(/\/+$/, '')
}

export interface Challenge { scheme: string; params: Record<string, string> }

/** Parse a WWW-Authenticate header (RFC 7235): schemes with `key=value` / `key="quoted, value"` params. */
export function parseChallenges(header: string): Challenge[] {
  const out: Challenge[] = []
  const re = /\s*([A-Za-z][\w.-]*)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*)))?\s*(,?)/gy
  let m: RegExpExecArray | null
  let current: Challenge | undefined
  while (re.lastIndex < header.length && (m = re.exec(header))) {
    if (m[0] === '') break
    const [, word, quoted, bare] = m
    if (quoted === undefined && bare === undefined) { current = { scheme: word, params: {} }; out.push(current) }
    else if (current) current.params[word.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare!
  }
  return out
}

/** The token URL for a Bearer challenge (scope from the challenge, else pull on `repository`). */
export function tokenUrl(params: Record<string, string>, repository: string): string {
  if (!params.realm) throw new UserError('registry sent a Bearer challenge without realm')
  const url = new URL(params.realm)
  if (params.service) url.searchParams.set('service', params.service)
  url.searchParams.set('scope', params.scope || `repository:${repository}:pull`)
  return url.toString()
}

/** Per-run state: tokens shared between images, hosts found unreachable (asked once, not once per image). */
interface Session { env: Env; base: string; tokens: Map<string, Promise<string>>; auth: Map<string, string>; down: Map<string, string> }
const session = (env: Env): Session =>
  ({ env, base: proxyBase(need(env, 'REGISTRY_PROXY')), tokens: new Map(), auth: new Map(), down: new Map() })

function basicAuth(env: Env): string | undefined {
  if (!env.REGISTRY_USER) return undefined
  return 'Basic ' + Buffer.from(`${env.REGISTRY_USER}:${env.REGISTRY_PASSWORD ?? ''}`).toString('base64')
}

/** GET a bearer token for a challenge (anonymous, or with REGISTRY_USER/REGISTRY_PASSWORD). */
async function bearerToken(s: Session, params: Record<string, string>, repository: string, stale: boolean): Promise<string> {
  const url = tokenUrl(params, repository)
  if (stale) s.tokens.delete(url)
  let p = s.tokens.get(url)
  if (!p) {
    p = (async () => {
      const basic = basicAuth(s.env)
      const res = await httpGet(url, { env: s.env, headers: { accept: 'application/json', ...(basic ? { authorization: basic } : {}) } })
      const body = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string }
      const token = body.token || body.access_token
      if (!token) throw new UserError(`token endpoint ${new URL(url).origin} gave no token`)
      return token
    })()
    s.tokens.set(url, p)
    p.catch(() => s.tokens.delete(url))
  }
  return p
}

/**
 * HEAD (or GET) the manifest, answering one auth challenge; the credentials that worked for a
 * repository are sent up front next time (one request per image, not two).
 */
async function manifest(s: Session, ref: ImageRef, method: 'HEAD' | 'GET') {
  const url = `${s.base}/v2/${ref.repository}/manifests/${ref.reference}`
  const known = s.auth.get(ref.repository)
  const headers: Record<string, string> = { accept: MANIFEST_ACCEPT.join(', '), ...(known ? { authorization: known } : {}) }
  // 3 attempts, not 5: a check should answer in seconds, and an unreachable host is cached per run.
  const ask = () => httpGet(url, { env: s.env, method, headers, allow: [401, 403, 404], attempts: 3 })
  const res = await ask()
  if (res.status !== 401) return res
  const challenges = parseChallenges(res.headers.get('www-authenticate') ?? '')
  const bearer = challenges.find((c) => c.scheme.toLowerCase() === 'bearer')
  const basic = basicAuth(s.env)
  if (bearer) headers.authorization = `Bearer ${await bearerToken(s, bearer.params, ref.repository, known !== undefined)}`
  else if (basic && challenges.some((c) => c.scheme.toLowerCase() === 'basic')) headers.authorization = basic
  else return res
  await res.body?.cancel().catch(() => {})
  const again = await ask()
  if (again.status !== 401 && again.status !== 403) s.auth.set(ref.repository, headers.authorization)
  return again
}

const hostOf = (url: string) => new URL(url).host

/** One line for a failure: HTTP reasons by status, network errors naming the host. */
function reasonFor(err: unknown, s: Session): string {
  if (err instanceof HttpError) {
    if (err.status === 401 || err.status === 403) return statusReason(err.status, s)
    return `HTTP ${err.status} from ${hostOf(err.url)}`
  }
  if (err instanceof UserError && err.message.startsWith('cannot reach ')) {
    const cause = (err.cause as { cause?: NodeJS.ErrnoException } | undefined)?.cause
    const origin = /^cannot reach (\S+)/.exec(err.message)![1]
    // A private CA in front of Nexus is the usual TLS failure; Node reads extra CAs from this variable.
    const tls = /CERT|SSL|TLS/.test(cause?.code ?? '') ? '; add the proxy\'s CA with NODE_EXTRA_CA_CERTS=<ca.pem>' : ''
    const reason = `cannot reach ${hostOf(origin)}${cause?.code ? ` (${cause.code})` : ''}${tls}`
    s.down.set(hostOf(origin), reason)
    return reason
  }
  return err instanceof Error ? err.message : String(err)
}

function statusReason(status: number, s: Session): string {
  if (status === 404) return 'manifest unknown (404)'
  const hint = s.env.REGISTRY_USER ? '' : '; set REGISTRY_USER/REGISTRY_PASSWORD if the proxy needs a login'
  return `unauthorized (${status})${hint}`
}

async function checkOne(image: string, s: Session): Promise<ImageCheck> {
  let ref: ImageRef
  try { ref = splitReference(image) } catch (e) { return { image, ok: false, reason: (e as Error).message } }
  if (ref.host !== 'quay.io') return { image, ok: false, reason: NOT_QUAY }
  const down = s.down.get(hostOf(s.base))
  if (down) return { image, ok: false, reason: down }
  try {
    let res = await manifest(s, ref, 'HEAD')
    if (!res.ok) return { image, ok: false, reason: statusReason(res.status, s) }
    let digest = res.headers.get('docker-content-digest') ?? undefined
    if (!digest) {
      res = await manifest(s, ref, 'GET')
      if (!res.ok) {
        await res.body?.cancel().catch(() => {})
        return { image, ok: false, reason: statusReason(res.status, s) }
      }
      digest = 'sha256:' + createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')
    }
    return { image, ok: true, digest }
  } catch (err) {
    return { image, ok: false, reason: reasonFor(err, s) }
  }
}

/** Check one image against REGISTRY_PROXY. */
export async function checkImage(ref: string, env: Env): Promise<ImageCheck> {
  return checkOne(ref, session(env))
}

/** Check images `concurrency` at a time, yielding each result as it comes (not in input order). */
export async function* checkImages(refs: string[], env: Env, concurrency = 8): AsyncGenerator<ImageCheck> {
  const s = session(env)
  const done: ImageCheck[] = []
  let wake: (() => void) | undefined
  let next = 0
  let running = 0
  let stopped = false
  const start = () => {
    while (!stopped && running < concurrency && next < refs.length) {
      const image = refs[next++]
      running++
      checkOne(image, s)
        .catch((e: unknown) => ({ image, ok: false, reason: String((e as Error)?.message ?? e) }))
        .then((r) => { done.push(r); running--; start(); wake?.() })
    }
  }
  try {
    start()
    while (running > 0 || done.length > 0) {
      if (done.length === 0) { await new Promise<void>((r) => { wake = r }); wake = undefined }
      while (done.length > 0) yield done.shift()!
    }
  } finally {
    stopped = true
  }
}
