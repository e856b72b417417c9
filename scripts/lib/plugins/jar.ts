// jar (pure): is a file a whole zip (end record, central directory, every entry) with a jar manifest? For the -one.jar, which has no published checksum.
import { closeSync, openSync, readSync, statSync } from 'node:fs'
import { inflateRawSync } from 'node:zlib'

/** Reads `length` bytes at `offset` of the file being checked. */
export type ReadAt = (offset: number, length: number) => Buffer

const EOCD = 0x06054b50, ZIP64_LOCATOR = 0x07064b50, ZIP64_EOCD = 0x06064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50
const num = (b: Buffer, at: number, n: 2 | 4 | 8) => n === 2 ? b.readUInt16LE(at) : n === 4 ? b.readUInt32LE(at) : Number(b.readBigUInt64LE(at))

/** Where the central directory is and how many entries it claims, from the end record (zip64 too: shadow jars pass 65535 entries). */
function endRecord(size: number, readAt: ReadAt): { cdOffset: number; cdSize: number; entries: number; end: number } {
  const tailLen = Math.min(size, 22 + 65535)
  const tail = readAt(size - tailLen, tailLen)
  let at = -1
  for (let i = tail.length - 22; i >= 0; i--) if (tail.readUInt32LE(i) === EOCD) { at = i; break }
  if (at < 0) throw new Error('no end-of-central-directory record (cut short?)')
  const end = size - tailLen + at
  let entries = num(tail, at + 10, 2), cdSize = num(tail, at + 12, 4), cdOffset = num(tail, at + 16, 4)
  if (cdOffset === 0xffffffff || entries === 0xffff || cdSize === 0xffffffff) {
    if (at < 20 || tail.readUInt32LE(at - 20) !== ZIP64_LOCATOR) throw new Error('zip64 locator missing')
    const rec = readAt(num(tail, at - 20 + 8, 8), 56)
    if (rec.readUInt32LE(0) !== ZIP64_EOCD) throw new Error('zip64 end record missing')
    entries = num(rec, 32, 8); cdSize = num(rec, 40, 8); cdOffset = num(rec, 48, 8)
  }
  if (cdOffset + cdSize > end) throw new Error(`central directory (${cdOffset}+${cdSize}) runs past the end record at ${end}`)
  return { cdOffset, cdSize, entries, end }
}

/**
 * Check the zip whole: the end record is found, the central directory lists as many entries as it
 * claims, each entry's local header is where it says, and META-INF/MANIFEST.MF is there. Returns the
 * manifest's text; throws a plain Error saying what is wrong.
 */
export function checkJar(size: number, readAt: ReadAt): { entries: number; manifest: string } {
  const { cdOffset, cdSize, entries } = endRecord(size, readAt)
  const cd = readAt(cdOffset, cdSize)
  let p = 0, n = 0
  let mf: { offset: number; method: number; csize: number } | undefined
  while (p + 46 <= cd.length && cd.readUInt32LE(p) === CENTRAL) {
    const nameLen = num(cd, p + 28, 2), extra = num(cd, p + 30, 2), comment = num(cd, p + 32, 2)
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen)
    const offset = num(cd, p + 42, 4), csize = num(cd, p + 20, 4)
    if (offset !== 0xffffffff && (offset >= cdOffset || readAt(offset, 4).readUInt32LE(0) !== LOCAL)) throw new Error(`entry ${name}: no local header at ${offset}`)
    if (name === 'META-INF/MANIFEST.MF') mf = { offset, method: num(cd, p + 10, 2), csize }
    p += 46 + nameLen + extra + comment
    n++
  }
  if (n !== entries) throw new Error(`central directory lists ${n} entries, the end record says ${entries}`)
  if (!mf) throw new Error('no META-INF/MANIFEST.MF: not a jar')
  const head = readAt(mf.offset, 30)
  const data = readAt(mf.offset + 30 + num(head, 26, 2) + num(head, 28, 2), mf.csize)
  const manifest = (mf.method === 8 ? inflateRawSync(data) : data).toString('utf8')
  if (!/^Manifest-Version:/m.test(manifest)) throw new Error('META-INF/MANIFEST.MF has no Manifest-Version')
  return { entries: n, manifest }
}

// ---- I/O ----

/** checkJar on a file; throws a plain Error with what is wrong. */
export function checkJarFile(path: string): { entries: number; manifest: string } {
  const size = statSync(path).size
  const fd = openSync(path, 'r')
  try {
    return checkJar(size, (offset, length) => {
      const b = Buffer.alloc(Math.max(0, Math.min(length, size - offset)))
      readSync(fd, b, 0, b.length, offset)
      return b
    })
  } finally { closeSync(fd) }
}
