// signer: our SigV4 gives the very headers the AWS SDK's own signer (@smithy/signature-v4) gives the same request.
import { SignatureV4 } from '@smithy/signature-v4'
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { canonicalQuery, encode3986, encodeKey, signV4 } from '../../../scripts/lib/s3/signer.js'

type Data = string | ArrayBuffer | ArrayBufferView
const bytes = (d: Data) => typeof d === 'string' ? Buffer.from(d, 'utf8') : ArrayBuffer.isView(d) ? Buffer.from(d.buffer, d.byteOffset, d.byteLength) : Buffer.from(d)
/** node:crypto in the shape the SDK's signer takes */
class Sha256 {
  private h: Hash | Hmac
  constructor(private secret?: Data) { this.h = this.fresh() }
  private fresh() { return this.secret ? createHmac('sha256', bytes(this.secret)) : createHash('sha256') }
  update(d: Data) { this.h.update(bytes(d)) }
  async digest() { return new Uint8Array(this.h.digest()) }
  reset() { this.h = this.fresh() }
}

const EMPTY = createHash('sha256').digest('hex')
const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const session = { ...keys, sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDK token+/=' }

describe('signV4 matches the SDK signer', () => {
  const cases: [string, { method: string; key: string; query?: Record<string, string>; headers?: Record<string, string>; region?: string; creds?: typeof session; host?: string; at?: string }][] = [
    ['LIST of a prefix', { method: 'GET', key: '', query: { 'list-type': '2', prefix: 'runs/sarek/' } }],
    ['LIST page 2 (token with + / =)', { method: 'GET', key: '', query: { 'list-type': '2', prefix: 'a b/', 'continuation-token': '1/ab+c=d==', 'max-keys': '1000' } }],
    ['HEAD of a key with spaces and unicode', { method: 'HEAD', key: 'p/sarek/docs/images/sarek workflow ünï (1).png' }],
    ['GET of a key with reserved characters', { method: 'GET', key: "p/a!'()*&$@=;:+,?#[]~.txt" }],
    ['PUT with mtime metadata', { method: 'PUT', key: 'p/main.nf', headers: { 'x-amz-meta-mtime': '1764535200123', 'content-length': '42', 'x-amz-content-sha256': createHash('sha256').update('x').digest('hex') } }],
    ['UploadPart query', { method: 'PUT', key: 'p/big.bam', query: { partNumber: '3', uploadId: 'VXBsb2FkIElE+/=' } }],
    ['session token, other region, virtual-hosted', { method: 'GET', key: 'k', region: 'eu-west-2', creds: session, host: 'bucket.s3.eu-west-2.amazonaws.com' }],
    ['header values with runs of spaces', { method: 'PUT', key: 'k', headers: { 'x-amz-meta-note': '  a   b  ', 'content-length': '0' } }],
    ['a date across midnight', { method: 'GET', key: 'k', at: '2026-12-31T23:59:59.999Z' }],
  ]
  it.each(cases)('%s', async (_, c) => {
    const region = c.region ?? 'us-east-1'
    const creds = c.creds ?? keys
    const now = new Date(c.at ?? '2026-11-30T20:45:07.123Z')
    const path = `/bucket/${encodeKey(c.key)}`
    const headers = { host: c.host ?? '127.0.0.1:4599', 'x-amz-content-sha256': EMPTY, ...c.headers }
    const ours = signV4({ method: c.method, path, query: c.query ?? {}, headers, region, credentials: creds, now })
    const sdk = new SignatureV4({ credentials: creds, region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: false })
    const theirs = await sdk.sign({ method: c.method, protocol: 'http:', hostname: '127.0.0.1', port: 4599, path, query: c.query ?? {}, headers }, { signingDate: now })
    expect(ours).toEqual(Object.fromEntries(Object.entries(theirs.headers).map(([k, v]) => [k.toLowerCase(), v])))
  })
})

describe('signV4 on the S3 documentation example', () => {
  // "Signature Calculations for the Authorization Header", example GET Object (Amazon S3 API reference)
  it('GET /test.txt with a Range gives the documented signature', () => {
    const h = signV4({
      method: 'GET', path: '/test.txt', query: {}, region: 'us-east-1', now: new Date('2013-05-24T00:00:00Z'),
      headers: { host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': EMPTY },
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    })
    expect(h.authorization).toBe('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, '
      + 'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41')
    expect(h['x-amz-date']).toBe('20130524T000000Z')
  })
})

describe('canonicalQuery', () => {
  it.each([
    [{}, ''],
    [{ prefix: 'a b/c', 'list-type': '2' }, 'list-type=2&prefix=a%20b%2Fc'],
    [{ 'continuation-token': "x+y=*'" }, "continuation-token=x%2By%3D%2A%27"],
    [{ b: '1', B: '2', a: '' }, 'B=2&a=&b=1'],   // byte order: upper case first
  ])('%j → %s', (q, want) => expect(canonicalQuery(q)).toBe(want))
  it('encode3986 keeps only unreserved characters', () => expect(encode3986("a-_.~!*'()é")).toBe('a-_.~%21%2A%27%28%29%C3%A9'))
})
