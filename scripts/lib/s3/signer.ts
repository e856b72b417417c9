// signer: AWS Signature V4 for S3 header auth (pure apart from the clock). The fast path (fast.ts) signs every request,
// a no-op `up`/`down`'s LIST included, with this instead of @smithy/signature-v4, whose ~140 KB of modules took
// ~20 ms to load (a tenth of a no-op);
// tests/lib/s3/signer.test.ts checks it against that signer, header for header.
import { createHash, createHmac } from 'node:crypto'

export interface Credentials { accessKeyId: string; secretAccessKey: string; sessionToken?: string }

export interface SignInput {
  method: string
  /** the path exactly as sent: each key segment already RFC 3986-encoded (S3 does not encode it twice) */
  path: string
  /** raw (unencoded) query parameters */
  query: Record<string, string>
  /** must hold `host` and `x-amz-content-sha256` (the payload's hash, as S3 wants it sent) */
  headers: Record<string, string>
  region: string
  credentials: Credentials
  /** signing time; default now */
  now?: Date
}

/** RFC 3986 unreserved characters stay; everything else %XX (what SigV4 and S3 expect in a query). */
export const encode3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/** Encode a key as S3 (and the SDK) put it in the path: RFC 3986 per segment, `/` kept. */
export const encodeKey = (key: string) => key.split('/').map(encode3986).join('/')

/** The query string as sent and as signed: encoded names and values, sorted by name. */
export const canonicalQuery = (query: Record<string, string>) =>
  Object.keys(query).map((k) => [encode3986(k), encode3986(query[k])]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`).join('&')

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest()
const keys = new Map<string, Buffer>()
/** The day's signing key (HMAC chain), remembered per secret, day and region. */
function signingKey(secret: string, day: string, region: string): Buffer {
  const id = `${day} ${region} ${secret}`
  let k = keys.get(id)
  if (!k) keys.set(id, k = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request'))
  return k
}

/** The headers to send: `headers` plus x-amz-date, the session token if any, and Authorization. */
export function signV4(req: SignInput): Record<string, string> {
  const stamp = (req.now ?? new Date()).toISOString().replace(/[-:]|\.\d{3}/g, '')   // 20261130T204500Z
  const day = stamp.slice(0, 8)
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = v
  headers['x-amz-date'] = stamp
  if (req.credentials.sessionToken) headers['x-amz-security-token'] = req.credentials.sessionToken
  const names = Object.keys(headers).sort()
  const signed = names.join(';')
  const canonical = [
    req.method, req.path || '/', canonicalQuery(req.query),
    ...names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}`), '',
    signed, headers['x-amz-content-sha256'],
  ].join('\n')
  const scope = `${day}/${req.region}/s3/aws4_request`
  const toSign = `AWS4-HMAC-SHA256\n${stamp}\n${scope}\n${createHash('sha256').update(canonical, 'utf8').digest('hex')}`
  const signature = createHmac('sha256', signingKey(req.credentials.secretAccessKey, day, req.region)).update(toSign, 'utf8').digest('hex')
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${req.credentials.accessKeyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`
  return headers
}
