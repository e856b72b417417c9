// fast: plain SigV4-signed HTTP requests for the per-file hot path (LIST, PUT, GET, HEAD). The SDK's command
// stack costs ~1.5 ms of CPU a request, more than moving a small file; this costs ~0.3 ms. Same credential
// chain, region and endpoint as the client it is made from, signed by signer.ts; retries by the one policy (core/retry.ts).
import type { S3Client } from '@aws-sdk/client-s3'
import { createHash } from 'node:crypto'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Env } from '../core/env.js'
import { classify, pause, type RetryPolicy, retryPolicy, shouldRetry } from '../core/retry.js'
import { canonicalQuery, type Credentials, encodeKey, signV4 } from './signer.js'
import { endpointOf, namedProfile, regionOf, type StaticCredentials, staticCredentials } from './target.js'

export interface FastS3 {
  /** Send one request; resolves with the response once its status is 2xx (body unread), else throws an SDK-like error. */
  send(method: 'PUT' | 'GET' | 'HEAD' | 'DELETE', bucket: string, key: string, opts?: SendOptions): Promise<IncomingMessage>
}

export interface SendOptions {
  body?: Buffer; headers?: Record<string, string>; query?: Record<string, string>
  /** called once the (first) request is written to the socket: the caller may then block the event loop */
  onSent?: () => void
}

const agents = { http: new HttpAgent({ keepAlive: true, maxSockets: 64 }), https: new HttpsAgent({ keepAlive: true, maxSockets: 64 }) }
/** The body of a response as text (listings, error documents). */
export async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of res) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** An SDK-shaped error (`name`, `$metadata.httpStatusCode`) from an S3 error response, so s3Message reads it. */
async function s3ErrorOf(res: IncomingMessage): Promise<Error> {
  const text = (await readText(res)).slice(0, 65536)
  const tag = (t: string) => new RegExp(`<${t}>([^<]*)</${t}>`).exec(text)?.[1]
  const status = res.statusCode ?? 0
  const name = tag('Code') ?? (status === 404 ? 'NotFound' : status === 403 ? 'AccessDenied' : `HTTP${status}`)
  return Object.assign(new Error(tag('Message') ?? `HTTP ${status}`), { name, $metadata: { httpStatusCode: status } })
}

/** What the signer needs: the same values an SDK client resolves (see fastS3 / fastS3FromEnv). */
interface FastTarget {
  region: () => Promise<string>
  /** a custom endpoint (path-style); undefined: AWS itself */
  endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>
  forcePathStyle: boolean
  /** the keys, or the chain that finds (and refreshes) them */
  credentials: Credentials | (() => Promise<Credentials>)
}

/** The fast path of an existing SDK client: its credential chain, region and endpoint. */
export function fastS3(client: S3Client, policy: RetryPolicy = retryPolicy()): FastS3 {
  const cfg = client.config
  return fastS3Of({
    region: cfg.region, endpoint: cfg.isCustomEndpoint && cfg.endpoint ? cfg.endpoint : undefined,
    forcePathStyle: !!cfg.forcePathStyle, credentials: cfg.credentials,
  }, policy)
}

/**
 * The fast path straight from `env`, without loading the SDK's S3 client: a no-op sync lists, compares and
 * stops. Keys from `env` sign directly; otherwise the SDK's credential chain is loaded on first use.
 */
export function fastS3FromEnv(env: Env, policy: RetryPolicy = retryPolicy(env)): FastS3 {
  const ep = endpointOf(env)
  const url = ep ? new URL(ep) : undefined
  let chain: Promise<unknown> | undefined
  const credentials = staticCredentials(env) ?? (async () => {
    chain ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider(namedProfile(env)))
    return ((await chain) as () => Promise<StaticCredentials>)()
  })
  return fastS3Of({
    region: async () => regionOf(env),
    endpoint: url && (async () => ({ protocol: url.protocol, hostname: url.hostname, port: url.port ? Number(url.port) : undefined, path: url.pathname })),
    forcePathStyle: !!url, credentials,
  }, policy)
}

function fastS3Of(cfg: FastTarget, policy: RetryPolicy): FastS3 {
  let ready: Promise<{ base?: { protocol: string; hostname: string; port?: number; path: string }; region: string }> | undefined
  const setup = () => ready ??= (async () => {
    const region = await cfg.region()
    const ep = cfg.endpoint ? await cfg.endpoint() : undefined
    return { region, base: ep && { protocol: ep.protocol, hostname: ep.hostname, port: ep.port, path: ep.path.replace(/\/+$/, '') } }
  })()
  // a provider is asked each time: the SDK's chain memoizes and refreshes expiring keys itself
  const credentials = async () => typeof cfg.credentials === 'function' ? cfg.credentials() : cfg.credentials

  const once = async (method: string, bucket: string, key: string, { body, headers: extra = {}, query = {}, onSent }: SendOptions): Promise<IncomingMessage> => {
    const { base, region } = await setup()
    // custom endpoints path-style (as makeS3Client sets); AWS virtual-hosted unless the name has dots
    const pathStyle = !!base || cfg.forcePathStyle || bucket.includes('.')
    const protocol = base?.protocol ?? 'https:'
    const hostname = base?.hostname ?? `${pathStyle ? '' : `${bucket}.`}s3.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`
    const port = base?.port
    const path = `${base?.path ?? ''}${pathStyle ? `/${bucket}` : ''}/${encodeKey(key)}`
    const headers: Record<string, string> = {
      host: port ? `${hostname}:${port}` : hostname,
      'x-amz-content-sha256': body ? createHash('sha256').update(body).digest('hex') : 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ...extra,
    }
    if (body) headers['content-length'] = String(body.length)
    const signed = signV4({ method, path, query, headers, region, credentials: await credentials() })
    const qs = canonicalQuery(query)
    return new Promise((done, fail) => {
      const req = (protocol === 'https:' ? httpsRequest : httpRequest)({
        agent: protocol === 'https:' ? agents.https : agents.http, protocol, hostname, port, method, path: qs ? `${path}?${qs}` : path, headers: signed, timeout: 120_000,
      }, done)
      req.on('timeout', () => req.destroy(Object.assign(new Error('socket timeout'), { code: 'ETIMEDOUT' })))
      req.on('error', fail)
      if (onSent) req.on('finish', onSent)
      req.end(body)
    })
  }

  return {
    async send(method, bucket, key, opts = {}) {
      for (let attempt = 0; ; attempt++) {
        let err: unknown
        try {
          const res = await once(method, bucket, key, opts)
          const status = res.statusCode ?? 0
          if (status >= 200 && status < 300) return res
          err = await s3ErrorOf(res)
        } catch (e) { err = e }
        if (!shouldRetry(policy, classify(err), attempt)) throw err
        await pause(policy, attempt)
      }
    },
  }
}
