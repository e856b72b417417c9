// uri: s3:// URIs, key joining and one-line S3 error messages (pure; no SDK, so a no-op sync starts fast).
import { UserError } from '../core/cli.js'

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
