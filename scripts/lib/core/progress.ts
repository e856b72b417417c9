// progress: a one-line bar on a TTY, plain lines otherwise (at most every few seconds), for long transfers.
export interface Progress {
  /** add to the total as work is discovered */
  total(files: number, bytes: number): void
  /** account finished bytes (as they stream) */
  bytes(n: number): void
  /** one file done; `note` is printed as a line when not on a TTY */
  file(name: string, note?: string): void
  done(): void
}

const fmtBytes = (n: number) => n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(0)} kB` : `${n} B`
export { fmtBytes }

/**
 * A progress reporter on stderr. `quiet` prints nothing (tests, small jobs). On a TTY it redraws one line
 * `label [#####-----] 12/40 files 3.1/9.8 MB 4.2 MB/s`; otherwise it prints each file line as it finishes.
 */
export function makeProgress(label: string, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const out = opts.stream ?? process.stderr
  const tty = !!out.isTTY && !opts.quiet
  let files = 0, totalFiles = 0, bytes = 0, totalBytes = 0, lastDraw = 0
  const t0 = Date.now()
  const draw = (force = false) => {
    if (!tty) return
    const now = Date.now()
    if (!force && now - lastDraw < 100) return
    lastDraw = now
    const frac = totalBytes ? Math.min(1, bytes / totalBytes) : totalFiles ? files / totalFiles : 0
    const width = 24
    const bar = '#'.repeat(Math.round(frac * width)).padEnd(width, '-')
    const rate = bytes / Math.max(0.001, (now - t0) / 1000)
    out.write(`\r\x1b[2K${label} [${bar}] ${files}/${totalFiles} files ${fmtBytes(bytes)}/${fmtBytes(totalBytes)} ${fmtBytes(rate)}/s`)
  }
  return {
    total(f, b) { totalFiles += f; totalBytes += b; draw() },
    bytes(n) { bytes += n; draw() },
    file(name, note) {
      files++
      if (tty) draw()
      else if (!opts.quiet && note !== undefined) out.write(`${label}: ${note || name}\n`)
    },
    done() { if (tty) { draw(true); out.write('\n') } },
  }
}
