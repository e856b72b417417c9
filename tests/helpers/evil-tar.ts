// evil-tar: hand-made tar.gz archives with entries a safe extractor must refuse (`../`, absolute, escaping links).
import { gzipSync } from 'node:zlib'

export interface TarEntry { path: string; type?: 'file' | 'dir' | 'symlink' | 'hardlink'; data?: string; linkpath?: string }

function header(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512)
  h.write(e.path, 0, 100)
  h.write(e.type === 'dir' ? '0000755\0' : '0000644\0', 100)
  h.write('0000000\0', 108); h.write('0000000\0', 116)
  h.write(size.toString(8).padStart(11, '0') + '\0', 124)
  h.write('00000000000\0', 136)
  h.write('        ', 148)
  h.write({ file: '0', dir: '5', symlink: '2', hardlink: '1' }[e.type ?? 'file'], 156)
  if (e.linkpath) h.write(e.linkpath, 157, 100)
  h.write('ustar\0', 257); h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return h
}

/** A gzipped tar of `entries`, written byte by byte (no library would write these). */
export function evilTarGz(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = []
  for (const e of entries) {
    const data = Buffer.from(e.type === 'file' || !e.type ? e.data ?? '' : '')
    parts.push(header(e, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return gzipSync(Buffer.concat(parts))
}
