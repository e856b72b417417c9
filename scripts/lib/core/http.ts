// http: GET with redirects, proxies from the environment, and retries with backoff on transient faults.
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { EnvHttpProxyAgent, fetch, type Dispatcher, type Response } from 'undici'
import { UserError } from './cli.js'
import type { Env } from './env.js'
import { tmpName } from './fsx.js'
import { classify, pause, retryPolicy, shouldRetry, transientStatus } from './retry.js'

/** A non-2xx answer that retrying will not fix (403, 404, ...). */
export class HttpError extends UserError {
  constructor(readonly url: string, readonly status: number, message?: string) {
    super(message ?? `${url}: HTTP ${status}`)
  }
}

let agent: Dispatcher | undefined
let agentKey = ''
/** One keep-alive agent per proxy setting; HTTPS_PROXY / HTTP_PROXY / NO_PROXY honoured (either case). */
function dispatcherFor(env: Env): Dispatcher {
  const httpProxy = env.HTTP_PROXY || env.http_proxy
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || httpProxy
  const noProxy = env.NO_PROXY || env.no_proxy
  const key = `${httpProxy}|${httpsProxy}|${noProxy}`
  if (!agent || key !== agentKey) {
    agent = new EnvHttpProxyAgent({ httpProxy, httpsProxy, noProxy, connections: 16 })
    agentKey = key
  }
  return agent
}

export interface GetOptions {
  env: Env
  headers?: Record<string, string>
  method?: 'GET' | 'HEAD'
  /** attempts in all (default: the retry policy's 5) */
  attempts?: number
  /** statuses returned to the caller instead of thrown (e.g. [404] to probe) */
  allow?: number[]
}

/** Where a network error code leaves the user: one line naming the host and what to check. */
export function networkMessage(url: string, err: unknown): string {
  const cause = (err as { cause?: NodeJS.ErrnoException }).cause ?? (err as NodeJS.ErrnoException)
  const code = cause?.code ?? (cause as Error)?.message ?? 'network error'
  return `cannot reach ${new URL(url).origin} (${code}); check the network, or HTTPS_PROXY/NO_PROXY`
}

/** GET (or HEAD) `url`, following redirects; retry what the retry policy calls transient; throw HttpError otherwise. */
export async function httpGet(url: string, opts: GetOptions): Promise<Response> {
  const policy = retryPolicy(opts.env, opts.attempts)
  for (let attempt = 0; ; attempt++) {
    let res: Response
    try {
      res = await fetch(url, { method: opts.method ?? 'GET', headers: opts.headers, redirect: 'follow', dispatcher: dispatcherFor(opts.env) })
    } catch (err) {
      if (!shouldRetry(policy, classify(err), attempt)) throw new UserError(networkMessage(url, err), { cause: err })
      await pause(policy, attempt)
      continue
    }
    if (res.ok || opts.allow?.includes(res.status)) return res
    await res.body?.cancel().catch(() => {})
    if (transientStatus(res.status) && shouldRetry(policy, 'transient', attempt)) {
      await pause(policy, attempt)
      continue
    }
    throw new HttpError(url, res.status)
  }
}

/** GET a JSON document. */
export async function getJson<T>(url: string, opts: GetOptions): Promise<T> {
  const res = await httpGet(url, { ...opts, headers: { accept: 'application/json', ...opts.headers } })
  try { return (await res.json()) as T } catch { throw new UserError(`${url}: answer is not JSON`) }
}

export interface Downloaded { path: string; size: number; sha256: string }

/**
 * Download `url` into `path` through a temp file and a rename, hashing as it streams; a body cut
 * mid-way (reset, truncation) is retried from the start like any transient fault.
 */
export async function downloadFile(url: string, path: string, opts: GetOptions & { onBytes?: (n: number) => void }): Promise<Downloaded> {
  await mkdir(dirname(path), { recursive: true })
  const policy = retryPolicy(opts.env, opts.attempts)
  for (let attempt = 0; ; attempt++) {
    const res = await httpGet(url, opts)
    const tmp = tmpName(path)
    const hash = createHash('sha256')
    let size = 0
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) { size += chunk.length; hash.update(chunk); opts.onBytes?.(chunk.length); cb(null, chunk) },
    })
    try {
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), count, createWriteStream(tmp))
      const expected = Number(res.headers.get('content-length') ?? NaN)
      if (!Number.isNaN(expected) && !res.headers.get('content-encoding') && expected !== size) {
        throw Object.assign(new Error(`short body: ${size} of ${expected} bytes`), { code: 'ETRUNCATED' })
      }
      await rename(tmp, path)
      return { path, size, sha256: hash.digest('hex') }
    } catch (err) {
      await rm(tmp, { force: true })
      const code = (err as NodeJS.ErrnoException).code
      // a body cut mid-way: the policy's verdict (httpGet already retried what failed before the body)
      if (err instanceof UserError || !shouldRetry(policy, classify(err), attempt)) {
        if (code === 'ENOSPC') throw new UserError(`disk full writing ${path}; free some space and re-run`)
        if (err instanceof UserError) throw err
        throw new UserError(`download ${url}: ${(err as Error).message}`, { cause: err })
      }
      await pause(policy, attempt)
    }
  }
}

/**
 * SOURCE_REWRITE: `from=>to` pairs separated by `;`. A URL starting with `from` is fetched from
 * `to` + the rest instead (an internal proxy repository); what it is called stays the original.
 */
export function parseRewrites(spec: string | undefined): [string, string][] {
  if (!spec) return []
  return spec.split(';').map((p) => p.trim()).filter(Boolean).map((p) => {
    const i = p.indexOf('=>')
    if (i <= 0) throw new UserError(`SOURCE_REWRITE: '${p}' is not 'from=>to'`)
    return [p.slice(0, i).trim(), p.slice(i + 2).trim()] as [string, string]
  })
}

export function rewriteUrl(url: string, rules: [string, string][]): string {
  for (const [from, to] of rules) if (url.startsWith(from)) return to + url.slice(from.length)
  return url
}
