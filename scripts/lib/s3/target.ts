// target: where S3 is and who we are, read from the environment (pure): region, endpoint, credentials.
import type { Env } from '../core/env.js'

/** AWS_REGION, AWS_DEFAULT_REGION, else us-east-1 (as the SDK clients are made). */
export const regionOf = (env: Env) => env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1'

/** A custom endpoint (any S3-compatible store, addressed path-style), or undefined for AWS itself. */
export const endpointOf = (env: Env) => env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined

export interface StaticCredentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

/** Keys given in `env` (process environment, env files, KEY=VALUE words), or undefined: the SDK's chain decides. */
export function staticCredentials(env: Env): StaticCredentials | undefined {
  if (!env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) return undefined
  return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined }
}

/** The profile and files the SDK's credential chain should read, as `env` names them. */
export const namedProfile = (env: Env) => ({
  profile: env.AWS_PROFILE || undefined, filepath: env.AWS_SHARED_CREDENTIALS_FILE || undefined, configFilepath: env.AWS_CONFIG_FILE || undefined,
})
