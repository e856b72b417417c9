import { describe, expect, it } from 'vitest'
import { backoffMs, classify, retryPolicy, sdkRetryStrategy, shouldRetry, transientStatus, withRetry, type Verdict } from '../../../scripts/lib/core/retry.js'

const errno = (code: string) => Object.assign(new Error(code), { code })
const sdk = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } })
const fetchFailed = (code: string) => Object.assign(new TypeError('fetch failed'), { cause: errno(code) })

describe('classify: one verdict for every client (http, S3 fast path, SDK, mirror copies)', () => {
  it.each<[string, unknown, Verdict]>([
    ['reset', errno('ECONNRESET'), 'transient'],
    ['broken pipe', errno('EPIPE'), 'transient'],
    ['socket timeout', errno('ETIMEDOUT'), 'transient'],
    ['short body', errno('ETRUNCATED'), 'transient'],
    ['undici socket closed', fetchFailed('UND_ERR_SOCKET'), 'transient'],
    ['fetch reset (cause)', fetchFailed('ECONNRESET'), 'transient'],
    ['reset two causes down', Object.assign(new TypeError('terminated'), { cause: fetchFailed('ECONNRESET') }), 'transient'],
    ['stream cut', errno('ERR_STREAM_PREMATURE_CLOSE'), 'transient'],
    ['connection refused', errno('ECONNREFUSED'), 'refused'],
    ['fetch refused', fetchFailed('ECONNREFUSED'), 'refused'],
    ['DNS try again', fetchFailed('EAI_AGAIN'), 'refused'],
    ['host unreachable', errno('EHOSTUNREACH'), 'refused'],
    ['unknown host', fetchFailed('ENOTFOUND'), 'permanent'],
    ['disk full', errno('ENOSPC'), 'permanent'],
    ['permission', errno('EACCES'), 'permanent'],
    ['S3 500', sdk('InternalError', 500), 'transient'],
    ['S3 503 SlowDown', sdk('SlowDown', 503), 'transient'],
    ['S3 400 RequestTimeout', sdk('RequestTimeout', 400), 'transient'],
    ['S3 429', sdk('HTTP429', 429), 'transient'],
    ['S3 403', sdk('AccessDenied', 403), 'permanent'],
    ['S3 404', sdk('NoSuchKey', 404), 'permanent'],
    ['S3 501', sdk('NotImplemented', 501), 'permanent'],
    ['a plain Error', new Error('boom'), 'permanent'],
    ['undefined', undefined, 'permanent'],
  ])('%s → %s', (_what, err, verdict) => expect(classify(err)).toBe(verdict))
})

describe('transientStatus', () => {
  it.each([[408, true], [425, true], [429, true], [500, true], [502, true], [503, true], [504, true], [507, true],
    [501, false], [505, false], [400, false], [401, false], [403, false], [404, false], [416, false]])('%i → %s', (s, t) => expect(transientStatus(s)).toBe(t))
})

describe('shouldRetry: attempts by verdict', () => {
  const p = retryPolicy({})
  it.each<[Verdict, number, boolean]>([
    ['transient', 0, true], ['transient', 3, true], ['transient', 4, false],   // 5 attempts in all
    ['refused', 0, true], ['refused', 1, false],                              // one quick retry, then fail fast
    ['permanent', 0, false],
  ])('%s after attempt %i → %s', (v, a, r) => expect(shouldRetry(p, v, a)).toBe(r))
  it('a caller asking for fewer attempts caps refused too', () => expect(shouldRetry(retryPolicy({}, 1), 'refused', 0)).toBe(false))
})

describe('backoff', () => {
  it.each([
    [{}, 0, 0, 125], [{}, 0, 1, 250], [{}, 3, 1, 2000], [{}, 10, 1, 20_000],   // 250 ms doubling, capped at 20 s
    [{ NF_OFFLINE_RETRY_MS: '20' }, 2, 1, 80], [{ NF_OFFLINE_RETRY_MS: '0' }, 4, 1, 0], [{ NF_OFFLINE_RETRY_MS: 'x' }, 0, 1, 250],
  ])('env %j, attempt %i, jitter %f → %f ms', (env, attempt, rnd, ms) => expect(backoffMs(retryPolicy(env), attempt, rnd)).toBe(ms))
})

describe('withRetry and the SDK strategy follow the same table', () => {
  const p = retryPolicy({ NF_OFFLINE_RETRY_MS: '1' })
  it.each<[string, unknown, number]>([
    ['transient: every attempt', errno('ECONNRESET'), 5],
    ['refused: twice', errno('ECONNREFUSED'), 2],
    ['permanent: once', sdk('AccessDenied', 403), 1],
  ])('%s', async (_what, err, calls) => {
    let n = 0
    await expect(withRetry(p, async () => { n++; throw err })).rejects.toBe(err)
    expect(n).toBe(calls)
    // the SDK calls refreshRetryTokenForRetry after each failure; a throw stops it
    const s = sdkRetryStrategy(p)
    let t = await s.acquireInitialRetryToken()
    let sdkCalls = 1
    for (;;) {
      try { t = await s.refreshRetryTokenForRetry(t, { error: err }) } catch { break }
      sdkCalls++
    }
    expect(sdkCalls).toBe(calls)
  })
  it('returns the first success', async () => {
    let n = 0
    expect(await withRetry(p, async () => { if (++n < 3) throw errno('EPIPE'); return n })).toBe(3)
  })
})
