// client: one AWS SDK S3 client from the environment (AWS_ENDPOINT_URL[_S3] → path style), the toolkit's retry policy.
import { S3Client } from '@aws-sdk/client-s3'
import { defaultProvider } from '@aws-sdk/credential-provider-node'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { Env } from '../core/env.js'
import { retryPolicy, sdkRetryStrategy } from '../core/retry.js'
import { endpointOf, namedProfile, regionOf, staticCredentials } from './target.js'

// the pure parts live in uri.ts (up/down load them without the SDK); re-exported for the other callers
export { joinKey, parseS3Uri, s3Error, s3Message, s3Uri, type S3Uri } from './uri.js'

/**
 * Credentials from `env` (the process environment, env files and KEY=VALUE words), never by writing
 * process.env: keys given in `env` are used as they are; otherwise the SDK's chain runs with the
 * profile and file paths `env` names (shared files, SSO, instance roles...).
 */
export function credentialsFrom(env: Env): { credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } } | { credentialDefaultProvider: typeof defaultProvider } {
  const credentials = staticCredentials(env)
  if (credentials) return { credentials }
  return { credentialDefaultProvider: (init) => defaultProvider({ ...init, ...namedProfile(env) }) }
}

/**
 * A client for the environment `env`: region from AWS_REGION / AWS_DEFAULT_REGION (us-east-1 if
 * neither), endpoint from AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL with path-style addressing, keep-alive
 * sockets, the toolkit's retry policy; `anonymous` for unsigned reads of public buckets.
 */
export function makeS3Client(env: Env, opts: { anonymous?: boolean; maxSockets?: number; followRegionRedirects?: boolean } = {}): S3Client {
  const endpoint = endpointOf(env)
  const maxSockets = opts.maxSockets ?? 32
  return new S3Client({
    region: regionOf(env),
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

