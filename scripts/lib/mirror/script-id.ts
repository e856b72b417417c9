// script-id: the revision Nextflow prints for a local script ("revision: <10 hex>"): Guava's murmur3_128 (seed 0)
// of the main script's text as UTF-16LE chars (CacheHelper.hasher(main.text), ScriptFile.getScriptId()).

const M = (1n << 64n) - 1n
const C1 = 0x87c37b91114253d5n, C2 = 0x4cf5ad432745937fn
const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & M
const fmix = (k: bigint) => {
  k ^= k >> 33n; k = (k * 0xff51afd7ed558ccdn) & M
  k ^= k >> 33n; k = (k * 0xc4ceb9fe1a85ec53n) & M
  return k ^ (k >> 33n)
}
const le64 = (b: Buffer, o: number, n = 8) => { let v = 0n; for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[o + i]); return v }

/** MurmurHash3 x64 128 (seed 0), as Guava's HashCode.toString(): h1 then h2, each little-endian, in hex. */
export function murmur3x64_128(data: Buffer): string {
  let h1 = 0n, h2 = 0n
  const blocks = data.length >> 4
  for (let i = 0; i < blocks; i++) {
    let k1 = le64(data, i * 16), k2 = le64(data, i * 16 + 8)
    k1 = (k1 * C1) & M; k1 = rotl(k1, 31n); k1 = (k1 * C2) & M; h1 ^= k1
    h1 = rotl(h1, 27n); h1 = (h1 + h2) & M; h1 = (h1 * 5n + 0x52dce729n) & M
    k2 = (k2 * C2) & M; k2 = rotl(k2, 33n); k2 = (k2 * C1) & M; h2 ^= k2
    h2 = rotl(h2, 31n); h2 = (h2 + h1) & M; h2 = (h2 * 5n + 0x38495ab5n) & M
  }
  const tail = blocks * 16, rest = data.length & 15
  if (rest > 8) { let k2 = le64(data, tail + 8, rest - 8); k2 = (k2 * C2) & M; k2 = rotl(k2, 33n); k2 = (k2 * C1) & M; h2 ^= k2 }
  if (rest > 0) { let k1 = le64(data, tail, Math.min(rest, 8)); k1 = (k1 * C1) & M; k1 = rotl(k1, 31n); k1 = (k1 * C2) & M; h1 ^= k1 }
  const len = BigInt(data.length)
  h1 ^= len; h2 ^= len
  h1 = (h1 + h2) & M; h2 = (h2 + h1) & M
  h1 = fmix(h1); h2 = fmix(h2)
  h1 = (h1 + h2) & M; h2 = (h2 + h1) & M
  const out = Buffer.alloc(16)
  out.writeBigUInt64LE(h1, 0); out.writeBigUInt64LE(h2, 8)
  return out.toString('hex')
}

/** What a local run's launch line shows as its revision: the first 10 hex of the script's hash. */
export const scriptRevision = (mainText: string): string => murmur3x64_128(Buffer.from(mainText, 'utf16le')).slice(0, 10)
