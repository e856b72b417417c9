// progress: a byte-driven bar on a TTY with finished files scrolling above it; one record line per file otherwise.
export interface Progress {
  /** add to the totals, before the work starts (sizes from listings and HEADs) */
  total(files: number, bytes: number): void
  /** bytes moved (as they stream); negative when a retried transfer starts over */
  bytes(n: number): void
  /** one file finished; `record` (`upload: a.txt to s3://b/p/a.txt`) is printed as a line, above the bar on a TTY */
  file(record?: string): void
  done(): void
}

const fmtBytes = (n: number) => n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`
export { fmtBytes }

export interface ProgressOptions {
  /** nothing at all (tests, inner steps) */
  quiet?: boolean
  /** a record line per file and no bar, even on a TTY (`--verbose`) */
  verbose?: boolean
  /** where the bar goes (stderr) and where the records go (stdout, like `aws s3 sync`) */
  stream?: NodeJS.WriteStream
  records?: NodeJS.WritableStream
  /** ms between redraws (tests: 0) */
  everyMs?: number
}

/** PURE: the bar line: `label [#####-----] 12/40 files 3.1 MB/9.8 MB 4.2 MB/s`, driven by bytes when their total is known. */
export function barLine(label: string, s: { files: number; totalFiles: number; bytes: number; totalBytes: number; seconds: number }, width = 24): string {
  const frac = s.totalBytes ? Math.min(1, Math.max(0, s.bytes / s.totalBytes)) : s.totalFiles ? s.files / s.totalFiles : 0
  const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '-')
  const rate = Math.max(0, s.bytes) / Math.max(0.001, s.seconds)
  return `${label} [${bar}] ${s.files}/${s.totalFiles} files ${fmtBytes(Math.max(0, s.bytes))}/${fmtBytes(s.totalBytes)} ${fmtBytes(rate)}/s`
}

/**
 * Progress for a batch of transfers. On a TTY (stderr), unless quiet or verbose: one redrawn bar, and each
 * finished file's record printed above it. Otherwise: each record as a plain line, no bar. The caller
 * prints the summary line whatever this shows.
 */
export function makeProgress(label: string, opts: ProgressOptions = {}): Progress {
  const out = opts.stream ?? process.stderr
  const rec = opts.records ?? process.stdout
  const bar = !!out.isTTY && !opts.quiet && !opts.verbose
  const every = opts.everyMs ?? 100
  const s = { files: 0, totalFiles: 0, bytes: 0, totalBytes: 0, seconds: 0 }
  let lastDraw = 0, shown = false
  const t0 = Date.now()
  const clear = () => { if (shown) { out.write('\r\x1b[2K'); shown = false } }
  const draw = (force = false) => {
    if (!bar) return
    const now = Date.now()
    if (!force && now - lastDraw < every) return
    lastDraw = now
    s.seconds = (now - t0) / 1000
    out.write(`\r\x1b[2K${barLine(label, s)}`)
    shown = true
  }
  return {
    total(f, b) { s.totalFiles += f; s.totalBytes += b; draw() },
    bytes(n) { s.bytes += n; draw() },
    file(record) {
      s.files++
      if (record && !opts.quiet) { clear(); rec.write(`${record}\n`) }
      draw(!!record)
    },
    done() { if (bar && (shown || s.totalFiles)) { draw(true); out.write('\n'); shown = false } },
  }
}
