// retry: the one policy for transient faults, used by HTTP (http.ts), the S3 fast path (s3/fast.ts), the
// S3 SDK clients (client.ts) and mirror copies: what is retried, how many times, how long in between.
import type { Env } from './env.js'

/**
 * How a failed attempt is judged.
 * - `transient`: resets, timeouts, cut bodies, 408/425/429/5xx (but 501/505), S3's SlowDown/RequestTimeout:
 *   retried up to `attempts` in all, with exponential backoff.
 * - `refused`: connection refused, host/network unreachable, DNS "try again" (EAI_AGAIN): retried ONCE after
 *   one backoff step. An S3 endpoint or proxy restarting refuses for a moment, so one retry saves a run; but
 *   on an air-gapped host these mean "not there", and a stand-in on localhost that is down must fail fast.
 * - `permanent`: everything else (4xx, unknown host, access denied, disk full): no retry.
 */
export type Verdict = 'transient' | 'refused' | 'permanent'

export interface RetryPolicy {
  /** attempts in all, the first included */
  attempts: number
  /** first backoff step, ms; doubles each attempt */
  baseMs: number
  /** longest single wait, ms */
  capMs: number
}

export const DEFAULT_ATTEMPTS = 5
/** attempts in all for a `refused` fault */
export const REFUSED_ATTEMPTS = 2

/** The policy for `env`: NF_OFFLINE_RETRY_MS sets the first backoff step (default 250 ms; tests use ~20). */
export function retryPolicy(env: Env = process.env, attempts = DEFAULT_ATTEMPTS): RetryPolicy {
  const base = Number(env.NF_OFFLINE_RETRY_MS)
  return { attempts, baseMs: Number.isFinite(base) && base >= 0 && env.NF_OFFLINE_RETRY_MS !== '' ? base : 250, capMs: 20_000 }
}

const TRANSIENT_CODES = new Set([
  'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNABORTED', 'ETRUNCATED',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
])
const REFUSED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])
const TRANSIENT_NAMES = new Set(['SlowDown', 'RequestTimeout', 'InternalError', 'ServiceUnavailable', 'Throttling', 'ThrottlingException', 'TimeoutError'])

/** PURE: whether an HTTP status is worth another attempt. */
export const transientStatus = (status: number) =>
  status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501 && status !== 505)

/** PURE: the verdict on a thrown error (Node/undici network errors, SDK errors, our S3 errors). */
export function classify(err: unknown): Verdict {
  const e = err as { code?: string; name?: string; $metadata?: { httpStatusCode?: number } } | undefined
  // fetch wraps the socket's error (`fetch failed` / `terminated`, cause: ECONNRESET): look down the causes
  let code = ''
  for (let c = err as { code?: unknown; cause?: unknown } | undefined, i = 0; c && !code && i < 4; c = c.cause as typeof c, i++) {
    if (typeof c.code === 'string') code = c.code
  }
  if (REFUSED_CODES.has(code)) return 'refused'
  if (TRANSIENT_CODES.has(code)) return 'transient'
  if (TRANSIENT_NAMES.has(e?.name ?? '')) return 'transient'
  const status = e?.$metadata?.httpStatusCode
  if (status !== undefined && transientStatus(status)) return 'transient'
  return 'permanent'
}

/** PURE: whether attempt number `attempt` (0-based, just failed with `verdict`) is followed by another. */
export function shouldRetry(policy: RetryPolicy, verdict: Verdict, attempt: number): boolean {
  if (verdict === 'permanent') return false
  const limit = verdict === 'refused' ? Math.min(REFUSED_ATTEMPTS, policy.attempts) : policy.attempts
  return attempt + 1 < limit
}

/** PURE: the wait after failed attempt `attempt` (0-based): base·2^attempt, capped, jittered to 50–100%. */
export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random()): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** attempt) * (0.5 + random / 2)
}

export const pause = (policy: RetryPolicy, attempt: number) => new Promise((r) => setTimeout(r, backoffMs(policy, attempt)))

/**
 * Run `fn` until it succeeds or the policy says stop (then its last error is thrown). `judge` may
 * override the verdict (e.g. an error already turned into a UserError is permanent).
 */
export async function withRetry<T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>, judge: (err: unknown) => Verdict = classify): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try { return await fn(attempt) } catch (err) {
      if (!shouldRetry(policy, judge(err), attempt)) throw err
      await pause(policy, attempt)
    }
  }
}

/**
 * The same policy as an AWS SDK retry strategy (its RetryStrategyV2 shape), so SDK calls (multipart
 * uploads, deletes, mirror sources) retry exactly what our own requests retry.
 */
export function sdkRetryStrategy(policy: RetryPolicy) {
  const token = (count: number, delay: number) => ({ getRetryCount: () => count, getRetryDelay: () => delay })
  return {
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (t: { getRetryCount(): number }, info: { error?: unknown }) => {
      const attempt = t.getRetryCount()
      if (!shouldRetry(policy, classify(info.error), attempt)) throw new Error('no more retries')
      return token(attempt + 1, backoffMs(policy, attempt))
    },
    recordSuccess: () => undefined,
  }
}
