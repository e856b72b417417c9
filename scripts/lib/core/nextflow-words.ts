// nextflow-words: which words after run/stub/preview/test/smoke/bootstrap may go to `nextflow run` (pure).
import { closeMatch } from './args.js'

/** `nextflow run` options (Nextflow 24.x CLI reference) that take no value. */
const NO_VALUE = ['-bg', '-offline', '-latest', '-stub', '-stub-run', '-preview', '-disable-jobs-cancellation', '-dsl1', '-dsl2',
  '-with-mpi', '-without-conda', '-without-docker', '-without-podman', '-without-spack', '-without-wave', '-E']
/** `nextflow run` options that take a value (some optionally: `-resume [session]`, `-with-report [file]`). */
const WITH_VALUE = ['-ansi-log', '-bucket-dir', '-c', '-config', '-cache', '-dump-channels', '-dump-hashes', '-entry', '-hub',
  '-lib', '-main-script', '-name', '-output-dir', '-params-file', '-plugins', '-profile', '-qs', '-queue-size', '-r', '-revision',
  '-resume', '-test', '-user', '-w', '-work-dir', '-with-apptainer', '-with-charliecloud', '-with-cloudcache', '-with-conda',
  '-with-dag', '-with-docker', '-with-fusion', '-with-notification', '-N', '-with-podman', '-with-report', '-with-singularity',
  '-with-spack', '-with-timeline', '-with-tower', '-with-trace', '-with-wave', '-with-weblog']
/** options written `-e.NAME=value`, `-process.NAME=value`, `-cluster.NAME=value` */
const PREFIXED = ['-e.', '-process.', '-cluster.', '-executor.']

export const NEXTFLOW_RUN_OPTIONS = [...NO_VALUE, ...WITH_VALUE]

/**
 * Why `words` (before any `--`) cannot go to nextflow, or undefined when they can: a single-dash word must be a
 * `nextflow run` option, a `--param` is the pipeline's (nf-schema validates it), and a plain word must be the
 * value of the option before it.
 */
export function checkNextflowWords(words: string[]): string | undefined {
  let canTakeValue = false
  for (const w of words) {
    if (w.startsWith('--') && w.length > 2) { canTakeValue = !w.includes('='); continue }
    if (/^-[^\d]/.test(w)) {
      if (PREFIXED.some((p) => w.startsWith(p) && w.length > p.length)) { canTakeValue = false; continue }
      const [opt, value] = w.split(/=(.*)/s, 2)
      if (NO_VALUE.includes(opt)) { canTakeValue = false; continue }
      if (WITH_VALUE.includes(opt)) { canTakeValue = value === undefined; continue }
      const m = closeMatch(opt.slice(1), NEXTFLOW_RUN_OPTIONS.map((o) => o.slice(1)))
      return `unknown option ${opt} (${m ? `did you mean -${m}? ` : ''}nextflow run options start with one dash, pipeline params with two; put other words after --)`
    }
    if (!canTakeValue) return `unexpected word '${w}' (not the value of an option; put words for nextflow after --)`
    canTakeValue = false
  }
  return undefined
}
