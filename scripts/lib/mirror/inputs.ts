// mirror-inputs: evaluate the staged pipeline's ORIGINAL test profile, and read the text files that list URLs.
import { basename, dirname, join } from 'node:path'
import { requireStaged } from '../stage/staged-tree.js'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { readTextIf, readTextOr } from '../core/fsx.js'
import { ConfigSyntaxError, loadConfig, type LoadedConfig } from '../nf-config/index.js'
import { listingUrls } from './samplesheet.js'
import { readSource, type SourceS3 } from './sources.js'
import { normalizePath } from './data-keys.js'
import { s3Message } from '../s3/client.js'
import { listSizes } from './copy-one.js'
import type { InputPlan, ProfilePlan } from './test-profile.js'

export interface TestProfile { cfg: LoadedConfig; original: string; origPath: string }

/**
 * `-profile test,docker` as Nextflow would evaluate it, with conf/test.config read from test.config.orig:
 * conf/test.config links to our rewritten copy, and the original is what says what to mirror.
 */
export function loadTestProfile(staged: string, name: string, params?: Record<string, string>): TestProfile {
  const origPath = join(staged, 'conf', 'test.config.orig')
  const linkPath = join(staged, 'conf', 'test.config')
  requireStaged(dirname(staged), name)
  const original = readTextIf(origPath)
  if (original === undefined) throw new UserError(`pipelines/${name}/${name}/conf/test.config.orig is missing (the pipeline has no test profile, or was not staged by just stage)`)
  const readFile = (abs: string) => {
    if (abs === linkPath || abs === origPath) return original
    return readTextIf(abs)
  }
  const orig = (m: string) => m.replace(/^conf\/test\.config:/, 'conf/test.config.orig:')
  let cfg: LoadedConfig
  try {
    cfg = loadConfig({ projectDir: staged, profiles: ['test', 'docker'], readFile, env: {}, params })
  } catch (e) {
    if (e instanceof ConfigSyntaxError) throw new UserError(orig(e.message), { cause: e })
    throw e
  }
  // an included file that does not parse is only a problem for nf-config; the test profile's own is fatal here
  const broken = cfg.problems.find((p) => p.startsWith('conf/test.config:'))
  if (broken) throw new UserError(orig(broken))
  return { cfg, original, origPath }
}

/** A text file naming URLs: a samplesheet or a URL list, with the URLs it names after trimming. */
export interface Listing {
  /** the source URL (undefined for a samplesheet inside the pipeline) */
  url?: string
  name: string
  text: string
  urls: string[]
  rows?: number
  header: boolean
}

/** Read the samplesheet (remote or a file of the staged code), trimmed to `rows`. */
export async function readSheet(input: Extract<InputPlan, { kind: 'sheet' }>, env: Env, sources: SourceS3, rows?: number): Promise<Listing> {
  let text: string
  if (input.remote) {
    text = (await readSource(input.source, env, sources).catch((e) => {
      throw new UserError(`samplesheet (params.input, ${input.at}): ${(e as Error).message}`, { cause: e })
    })).toString('utf8')
  }
  else {
    text = readTextOr(input.source, `samplesheet ${input.source} (params.input, ${input.at}) does not exist`)
  }
  const name = basename(input.source.split(/[?#]/)[0])
  try {
    return { url: input.remote ? input.source : undefined, name, text, urls: listingUrls(name, text, { rows }), rows, header: true }
  } catch (e) {
    throw new UserError(`samplesheet ${input.source}: ${(e as Error).message}`)
  }
}

/** A param's small text file read to see whether it lists URLs (rnaseq's bbsplit_fasta_list); undefined if not. */
export async function readListing(url: string, env: Env, sources: SourceS3): Promise<Listing | undefined> {
  const buf = await readSource(url, env, sources, 8 << 20).catch((e) => {
    if (e instanceof UserError && /too large/.test(e.message)) return undefined
    throw e
  })
  if (!buf || buf.includes(0)) return undefined
  const text = buf.toString('utf8')
  const name = basename(url.split(/[?#]/)[0])
  let urls: string[]
  try { urls = listingUrls(name, text, { header: false }) } catch { return undefined }
  return urls.length ? { url, name, text, urls, header: false } : undefined
}

export interface Texts {
  sheet?: Listing
  /** the input list's files, trimmed to ROWS (an input given as a list, not a samplesheet) */
  inputList: string[]
  /** URL lists among the params, by their URL */
  listings: Map<string, Listing>
  /** the objects under the genome entry's s3:// directories (index folders), as s3:// URLs */
  dirFiles: string[]
  /** --from-log: files the run staged that nothing in the plan names */
  extra?: string[]
  /** what names a URL (param, genome attribute, list, samplesheet), for error lines */
  whereOf: (url: string) => string
}

/** Read the samplesheet and the params' URL lists at once (a failure of a pipeline default's list is a warning). */
export async function readTexts(plan: ProfilePlan, env: Env, sources: SourceS3, rows: number | undefined, warn: (m: string) => void): Promise<Texts> {
  const inputList = plan.input?.kind === 'list' ? plan.input.urls.slice(0, rows ?? Infinity) : []
  const texts = plan.files.filter((f) => f.listing).flatMap((f) => f.urls.map((u) => ({ f, u })))
  const [sheet, found, listed] = await Promise.all([
    plan.input?.kind === 'sheet' ? readSheet(plan.input, env, sources, rows) : undefined,
    Promise.all(texts.map(({ f, u }) => readListing(u, env, sources).catch((e) => { if (f.fromTest) throw e; warn(`${f.param}: ${(e as Error).message}`) }))),
    Promise.all((plan.genome?.dirs ?? []).map((d) => listSource(d.url, sources))),
  ])
  const dirFiles = listed.flat()
  const listings = new Map<string, Listing>()
  found.forEach((l, i) => { if (l) listings.set(texts[i].u, l) })
  const whereOf = (url: string) => plan.files.find((f) => f.urls.includes(url))?.param
    ?? (plan.genome?.files.some((g) => g.url === url) ? `genome '${plan.genome.name}'.${plan.genome.files.find((g) => g.url === url)!.attr}` : undefined)
    ?? [...listings.values()].find((l) => l.urls.includes(url))?.name ?? (sheet?.urls.includes(url) ? 'samplesheet'
      : dirFiles.includes(url) ? `genome '${plan.genome!.name}'.${plan.genome!.dirs.find((d) => url.startsWith(d.url))?.attr}` : plan.input?.kind === 'list' && plan.input.urls.includes(url) ? 'input' : 'staged by the logged run')
  return { sheet, inputList, listings, dirFiles, whereOf }
}

/** Every object under an s3:// directory (a genome index folder), as s3:// URLs; an empty one is an error. */
export async function listSource(dirUrl: string, sources: SourceS3): Promise<string[]> {
  const m = /^s3:\/\/([^/]+)\/(.*)$/i.exec(dirUrl)!
  const bucket = m[1], prefix = normalizePath(m[2]) + '/'
  const keys = await sources.with(bucket, (c) => listSizes(c, bucket, prefix)).catch((e) => { throw new UserError(s3Message(e, dirUrl), { cause: e }) })
  if (!keys.size) throw new UserError(`${dirUrl}: no objects under this genome directory`)
  return [...keys.keys()].sort().map((k) => `s3://${bucket}/${k}`)
}
