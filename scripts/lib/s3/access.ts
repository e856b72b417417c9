// access: what a sync needs of S3: the fast SigV4 path, and the SDK client only when a multipart upload or a
// delete needs it (loaded on first use, so a no-op `up`/`down` never loads @aws-sdk/client-s3).
import type { S3Client } from '@aws-sdk/client-s3'
import type { Env } from '../core/env.js'
import { type FastS3, fastS3, fastS3FromEnv } from './fast.js'
import { endpointOf } from './target.js'

export interface S3Access {
  fast: FastS3
  /** the SDK client (made, or imported and made, on first call) */
  sdk(): Promise<S3Client>
  /** `protocol//host:port` of a custom endpoint, '' for AWS: names the metadata cache */
  endpointId: string
  destroy(): void
}

/** Access for `env`, as makeS3Client(env) would reach S3. */
export function s3Access(env: Env): S3Access {
  let client: Promise<S3Client> | undefined
  let made: S3Client | undefined
  const ep = endpointOf(env)
  const url = ep ? new URL(ep) : undefined
  return {
    fast: fastS3FromEnv(env),
    sdk: () => client ??= import('./client.js').then(({ makeS3Client }) => (made = makeS3Client(env))),
    endpointId: url ? `${url.protocol}//${url.hostname}:${url.port}` : '',
    destroy: () => made?.destroy(),
  }
}

/** Access through a client the caller already has (plugins, ship, bootstrap, the demo). */
export async function accessOf(client: S3Client): Promise<S3Access> {
  const endpointId = await client.config.endpoint?.().then((e) => `${e.protocol}//${e.hostname}:${e.port ?? ''}`).catch(() => '') ?? ''
  return { fast: fastS3(client), sdk: async () => client, endpointId, destroy: () => undefined }
}
