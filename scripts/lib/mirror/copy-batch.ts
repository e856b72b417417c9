// mirror-copy: run batches of transfers: probe what is already there, copy the rest, collect ✗ lines.
import { UserError } from '../core/cli.js'
import { settlePool } from '../core/pool.js'
import { fmtBytes, type Progress } from '../core/progress.js'
import { probeSkip, transferOne, type Done, type Job, type TransferOptions } from './copy-one.js'
import { sourceSize } from './sources.js'

export interface CopyOptions {
  t: TransferOptions
  /** sizes of the objects already under the data prefix (one listing) */
  sizes: Map<string, number>
  /** their ETags, to compare generated files by content */
  etags: Map<string, string>
  /** transfers at once (MIRROR_JOBS); probes run 16 at once */
  jobs: number
  /** URLs whose failure is fatal (the test profile's); others are pipeline defaults: a warning */
  required: Set<string>
  /** what names a URL (param, genome attribute, samplesheet), for the ✗ lines */
  whereOf: (url: string) => string
  progress: Progress
  warn: (m: string) => void
}

export interface Copier {
  done: Done[]
  run(batch: Job[]): Promise<void>
  /** print the ✗ lines and fail, if anything fatal failed */
  stop(total: number): void
}

export function makeCopier(o: CopyOptions): Copier {
  const done: Done[] = []
  const failed: string[] = []
  return {
    done,
    async run(all) {
      // objects already there: a HEAD of each source (many at once, cheap), then copy only what differs
      const probed = await settlePool(all, 16, async (j) => o.sizes.has(j.key) ? probeSkip(j, o.sizes.get(j.key)!, o.t, o.etags.get(j.key)) : undefined)
      const batch: Job[] = []
      probed.forEach((r, i) => {
        if (r.status === 'fulfilled' && r.value) { done.push(r.value); o.progress.file() } else batch.push(all[i])
      })
      // the bar's byte total before the first byte moves: generated bodies, and a HEAD of each source to copy
      const sizes = await settlePool(batch, 16, async (j) => j.body ? j.body.length : (await sourceSize(j.url, o.t.env, o.t.sources)) ?? 0)
      o.progress.total(0, sizes.reduce((a, r) => a + (r.status === 'fulfilled' ? r.value : 0), 0))
      const res = await settlePool(batch, o.jobs, (j) => transferOne(j, undefined, o.t))
      res.forEach((r, i) => {
        const j = batch[i]
        if (r.status === 'fulfilled') { done.push(r.value); o.progress.file(`copy: ${j.url} to s3://${j.bucket}/${j.key} (${fmtBytes(r.value.size)})`); return }
        o.progress.file()
        const why = (r.reason as Error).message
        if (o.required.has(j.url) || j.body) failed.push(`✗ ${j.url} (${o.whereOf(j.url)}): ${why}`)
        else o.warn(`not mirrored (a pipeline default): ${why}`)
      })
    },
    stop(total) {
      if (!failed.length) return
      o.progress.done()
      for (const f of failed) process.stderr.write(`${f}\n`)
      throw new UserError(`${failed.length} of ${total} files failed; fix the source (or SOURCE_REWRITE/HTTPS_PROXY, or leave a param out with MIRROR_SKIP=<param>) and re-run`)
    },
  }
}
