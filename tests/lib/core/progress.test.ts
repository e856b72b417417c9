import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { barLine, makeProgress } from '../../../scripts/lib/core/progress.js'

/** A stream that keeps what is written; `tty` makes it look like a terminal. */
function sink(tty: boolean) {
  const chunks: string[] = []
  const w = new Writable({ write(c, _e, cb) { chunks.push(String(c)); cb() } }) as Writable & { isTTY?: boolean }
  w.isTTY = tty
  return { stream: w as unknown as NodeJS.WriteStream, text: () => chunks.join('') }
}

describe('barLine: moves with bytes when their total is known', () => {
  it.each([
    [{ files: 9, totalFiles: 10, bytes: 0, totalBytes: 400e6 }, '[------------------------] 9/10 files 0 B/400.0 MB'],   // 9 small files done, the 400 MB one not
    [{ files: 9, totalFiles: 10, bytes: 200e6, totalBytes: 400e6 }, '[############------------] 9/10 files 200.0 MB/400.0 MB'],
    [{ files: 10, totalFiles: 10, bytes: 400e6, totalBytes: 400e6 }, '[########################] 10/10 files 400.0 MB/400.0 MB'],
    [{ files: 1, totalFiles: 4, bytes: 0, totalBytes: 0 }, '[######------------------] 1/4 files 0 B/0 B'],   // sizes unknown: files
    [{ files: 1, totalFiles: 2, bytes: 500, totalBytes: 400 }, '[########################] 1/2 files 500 B/400 B'],   // never past full
  ])('%j', (s, want) => expect(barLine('up x', { ...s, seconds: 1 })).toContain(want))
})

describe('makeProgress', () => {
  const run = (tty: boolean, opts: { quiet?: boolean; verbose?: boolean } = {}) => {
    const err = sink(tty), out = sink(tty)
    const p = makeProgress('up x', { ...opts, stream: err.stream, records: out.stream, everyMs: 0 })
    p.total(2, 3000)
    p.bytes(1000)
    p.file('upload: a.txt to s3://b/p/a.txt')
    p.bytes(2000)
    p.file('upload: b.txt to s3://b/p/b.txt')
    p.done()
    return { err: err.text(), out: out.text() }
  }
  const records = 'upload: a.txt to s3://b/p/a.txt\nupload: b.txt to s3://b/p/b.txt\n'
  it('no TTY: one record line per file on stdout, no bar', () => expect(run(false)).toEqual({ err: '', out: records }))
  it('--verbose on a TTY: the same lines, no bar', () => expect(run(true, { verbose: true })).toEqual({ err: '', out: records }))
  it('quiet: nothing', () => expect(run(true, { quiet: true })).toEqual({ err: '', out: '' }))
  it('TTY: records scroll above a bar that moves with bytes and ends full', () => {
    const { err, out } = run(true)
    expect(out).toBe(records)
    expect(err).toContain('1/2 files 1 kB/3 kB')
    expect(err).toMatch(/\[#{24}\] 2\/2 files 3 kB\/3 kB .*\n$/)
    expect(err).toContain('\r\x1b[2K')   // the bar is cleared before each record line
  })
})
