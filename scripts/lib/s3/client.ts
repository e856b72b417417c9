// s3: one S3 client from the standard AWS chain (AWS_ENDPOINT_URL[_S3] → path style), s3:// URIs, error lines.
import { S3Client } from '@aws-sdk/client-s3'
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { retryPolicy, sdkRetryStrategy } from '../core/retry.js'

export interface S3Uri { bucket: string; key: string }

/** `s3://bucket/some/prefix` → { bucket, key: 'some/prefix' }; anything else is a one-line error. */
export function parseS3Uri(uri: string, what = 'S3 URI'): S3Uri {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri.trim())
  if (!m) throw new UserError(`${what} '${uri}' is not an s3://bucket/prefix URI`)
  return { bucket: m[1], key: (m[2] ?? '').replace(/\/+$/, '') }
}

export const s3Uri = (bucket: string, key: string) => `s3://${bucket}/${key}`

/** Join key parts with single slashes. */
export const joinKey = (...parts: string[]) => parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')

/**
 * Credentials from `env` (the process environment, env files and KEY=VALUE words), never by writing
 * process.env: keys given in `env` are used as they are; otherwise the SDK's chain runs with the
 * profile and file paths `env` names (shared files, SSO, instance roles...).
 */
export function credentialsFrom(env: Env): { credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } } | { credentialDefaultProvider: typeof defaultProvider } {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return { credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined } }
  }
  const named = { profile: env.AWS_PROFILE || undefined, filepath: env.AWS_SHARED_CREDENTIALS_FILE || undefined, configFilepath: env.AWS_CONFIG_FILE || undefined }
  return { credentialDefaultProvider: (init) => defaultProvider({ ...init, ...named }) }
}

/**
 * A client for the environment `env`: region from AWS_REGION / AWS_DEFAULT_REGION (us-east-1 if
 * neither), endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL with path-style addressing, keep-alive
 * sockets, the toolkit's retry policy; `anonymous` for unsigned reads of public buckets.
 */
export function makeS3Client(env: Env, opts: { anonymous?: boolean; maxSockets?: number; followRegionRedirects?: boolean } = {}): S3Client {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined
  const maxSockets = opts.maxSockets ?? 32
  return new S3Client({
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    endpoint,
    forcePathStyle: !!endpoint,
    // S3-compatible stores (and s3rver) reject the newer default checksum trailers
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    }),
    maxAttempts: retryPolicy(env).attempts,
    retryStrategy: sdkRetryStrategy(retryPolicy(env)),
    // public source buckets (ngi-igenomes is in eu-west-1) answer 301 to a client of another region
    followRegionRedirects: opts.followRegionRedirects ?? false,
    ...(opts.anonymous ? { signer: { sign: async (r: unknown) => r } as never, credentials: { accessKeyId: '', secretAccessKey: '' } } : credentialsFrom(env)),
  })
}

/** One line for an S3 failure, naming the bucket/key and what to do. */
export function s3Message(err: unknown, where: string): string {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number }; message?: string; code?: string }
  const name = e.name ?? e.Code ?? ''
  const status = e.$metadata?.httpStatusCode
  if (name === 'NoSuchBucket') return `${where}: bucket does not exist; check S3_ROOT`
  if (name === 'AccessDenied' || status === 403) return `${where}: access denied; check your AWS credentials and the bucket policy`
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) return `${where}: not found`
  if (name === 'CredentialsProviderError' || /credential/i.test(e.message ?? '')) return `${where}: no AWS credentials found; configure the AWS CLI or export AWS_PROFILE`
  if (['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET'].includes(e.code ?? '')) return `${where}: cannot reach S3 (${e.code}); check AWS_ENDPOINT_URL and the network`
  return `${where}: ${name || 'error'}${status ? ` (HTTP ${status})` : ''}: ${(e.message ?? '').split('\n')[0]}`
}

/** Rethrow an S3 SDK error as a UserError with a clear line. */
export function s3Error(err: unknown, where: string): never {
  if (err instanceof UserError) throw err
  throw new UserError(s3Message(err, where), { cause: err })
}
