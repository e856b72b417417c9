// readiness: what an offline run on this host needs, one check item each (pure), each failure naming the command that fixes it; and their I/O.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { frameworkJar, type Tool } from './plan.js'
import { batchRequested, batchSettings } from './batch.js'
import { findTool } from './exec.js'
import { javaProblem, javaRange, parseJavaVersion, probeJava, rangeText } from './java.js'
import { checkJarFile } from '../plugins/jar.js'
import { pluginsDirOf, strayEntries } from '../plugins/batch.js'
import { pluginDirName, readManifest } from '../plugins/install.js'
import { AMAZON_DEFAULT, amazonReason } from '../plugins/needs.js'
import { readPipelineNeeds } from '../plugins/pipelines.js'
import { parsePluginsList, type PluginRef, refName, splitRef } from '../plugins/list.js'
import { describeStale, findStale } from '../stage/derived.js'
import { stagedIdentity } from '../stage/staged-tree.js'

export type Group = 'revision' | 'data' | 'plugins' | 'framework' | 'tools' | 'images' | 'batch'
export interface Item { group: Group; ok: boolean; label: string; /** after the label when ok */ detail?: string; /** why not, and what to do */ reason?: string }

export const pass = (group: Group, label: string, detail?: string): Item => ({ group, ok: true, label, detail })
export const fail = (group: Group, label: string, reason: string): Item => ({ group, ok: false, label, reason })

/**
 * `✓ plugin nf-amazon@2.9.3` / `✗ framework 24.10.6: /x missing; run: just plugins --down`. A reason
 * ending in `run: <command>` names what makes the item pass when run in the folder check ran in;
 * `A (Dev), then B`: A on the Dev host (the same folder when one host is both), then B here.
 */
export const formatItem = (i: Item) => i.ok ? `✓ ${i.label}${i.detail ? ` ${i.detail}` : ''}` : `✗ ${i.label}: ${i.reason}`

/** The last line: `ready: all N checks passed` / `not ready: K of N checks failed`. */
export function verdict(items: Item[]): string {
  const bad = items.filter((i) => !i.ok).length
  return bad ? `not ready: ${bad} of ${items.length} checks failed` : `ready: all ${items.length} checks passed`
}

export interface PluginInputs {
  /** `plugins { id ... }` of the pipeline's config, as written */
  declared: string[]
  /** why the pipeline needs nf-amazon (s3:// inputs, igenomes_base...), if it does */
  amazon?: string
  /** plugins.list, which is what Prod was given */
  list: PluginRef[]
  /** complete plugin folders in the plugins dir (`<id>-<ver>` with a manifest) and their manifests */
  installed: Map<string, Record<string, string>>
  /** entries of the plugins dir that are not complete plugin folders (strayEntries) */
  strays: string[]
  dir: string
  nxfVer?: string
}

const DOWN = 'run: just plugins --down'
/** A path quoted for the shell, so the advice can be pasted as is. */
const shq = (s: string) => /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Each plugin an offline run loads (declared in the config; nf-amazon when inputs are on S3, at the
 * version Nextflow bundles for NXF_VER; each plugins.list entry) installed whole at its pinned
 * version, then every stray entry: offline Nextflow fails on those ("Cannot find the manifest path").
 */
export function pluginChecks(p: PluginInputs): Item[] {
  const items: Item[] = []
  const wanted: { id: string; version: string; why: string }[] = []
  const want = (id: string, version: string, why: string) => { if (!wanted.some((w) => w.id === id && w.version === version)) wanted.push({ id, version, why }) }
  const pinned = new Map(p.list.map((r) => [r.id, r]))
  for (const word of p.declared) {
    let ref
    try { ref = splitRef(word.trim()) } catch { items.push(fail('plugins', `plugin ${word}`, 'not id@version in nextflow.config')); continue }
    if (!ref.version) items.push(fail('plugins', `plugin ${ref.id}`, 'declared without a version; offline Nextflow refuses unpinned plugins'))
    else want(ref.id, ref.version, 'nextflow.config')
  }
  if (p.amazon && !wanted.some((w) => w.id === 'nf-amazon')) {
    // implicit use loads the version the Nextflow jar bundles, whatever plugins.list pins
    const v = (p.nxfVer && AMAZON_DEFAULT[p.nxfVer]) || pinned.get('nf-amazon')?.version
    if (v) want('nf-amazon', v, p.amazon)
    else items.push(fail('plugins', 'plugin nf-amazon', `needed (${p.amazon}) but its version for Nextflow ${p.nxfVer ?? '(NXF_VER unset)'} is unknown; pin nf-amazon@<version> in the config`))
  }
  for (const r of p.list) want(r.id, r.version, r.at)
  const strays = new Set(p.strays)
  for (const w of wanted) {
    const name = pluginDirName(w.id, w.version)
    const label = `plugin ${refName(w)}`
    const mf = p.installed.get(name)
    const other = pinned.get(w.id)
    // Dev's `just plugins` installs what staged pipelines pin beyond plugins.list, so the fix is the same
    const hint = !other || other.version !== w.version ? ` (needed by ${w.why}); run: just plugins (Dev), then just plugins --down` : `; ${DOWN}`
    if (mf) {
      const v = mf['Plugin-Version'], id = mf['Plugin-Id']
      if ((v && v !== w.version) || (id && id !== w.id)) items.push(fail('plugins', label, `${name} holds ${id ?? w.id}@${v ?? '?'}; run: rm -rf ${shq(join(p.dir, name))} && just plugins --down`))
      else items.push(pass('plugins', label))
    } else if (strays.has(name)) items.push(fail('plugins', label, `${name} is incomplete (no classes/META-INF/MANIFEST.MF)${hint}`))
    else items.push(fail('plugins', label, `not installed${hint}`))
  }
  const mine = new Set(wanted.map((w) => pluginDirName(w.id, w.version)))
  for (const s of p.strays) if (!mine.has(s)) items.push(fail('plugins', `stray ${join(p.dir, s)}`, `not a plugin folder; offline Nextflow fails on it ("Cannot find the manifest path"); run: rm -rf ${shq(join(p.dir, s))}`))
  return items
}

/** The launcher's jar for NXF_VER, checked whole (`problem` from the I/O): without it an offline `nextflow` cannot start. */
export function frameworkCheck(env: Env, problem: (jar: string) => string | undefined): Item {
  const jar = frameworkJar(env)
  if (!jar) return fail('framework', 'framework', `${env.NXF_VER ? 'NXF_HOME' : 'NXF_VER'} is not set; set it in env/System-ENV`)
  const bad = problem(jar)
  return bad ? fail('framework', `framework ${env.NXF_VER}`, `${jar} ${bad}; ${DOWN}`) : pass('framework', `framework ${env.NXF_VER}`, jar)
}

export interface ToolFacts {
  /** where each tool was found (nextflow: the toolkit's bin/nextflow first) */
  at: Partial<Record<Tool, string>>
  /** what `java -version` printed, when java was found */
  javaText?: string
  /** the launcher's text, for the Java range it accepts */
  launcherText?: string
}

/** java (at the version NXF_VER needs), docker (unless tasks run on Batch), nextflow. */
export function toolChecks(env: Env, f: ToolFacts): Item[] {
  const range = javaRange(env.NXF_VER ?? '', f.launcherText)
  const items: Item[] = []
  if (!f.at.java) items.push(fail('tools', 'java', `not found on PATH nor in JAVA_HOME; Nextflow ${env.NXF_VER ?? ''} needs ${rangeText(range)}: install one`))
  else {
    const found = parseJavaVersion(f.javaText ?? '')
    const bad = !found ? `${f.at.java} -version did not say its version` : env.NXF_VER ? javaProblem(found, env.NXF_VER, range) : undefined
    items.push(bad ? fail('tools', 'java', `${bad}; install one and put it first on PATH, or set JAVA_HOME`) : pass('tools', 'java', `${found!.version} ${f.at.java}`))
  }
  if (!batchRequested(env)) items.push(f.at.docker ? pass('tools', 'docker', f.at.docker) : fail('tools', 'docker', 'not found on PATH; the test profile runs its tasks in Docker containers: install Docker'))
  items.push(f.at.nextflow ? pass('tools', 'nextflow', f.at.nextflow) : fail('tools', 'nextflow', `not in the toolkit's bin/ nor on PATH; ${DOWN}`))
  return items
}

/** NXF_EXECUTOR=awsbatch: queue, region, an s3:// work dir, the AMI's AWS CLI (nf-amazon is a plugin item). */
export const batchChecks = (env: Env): Item[] =>
  batchSettings(env).map((s) => s.problem ? fail('batch', s.label, s.problem) : pass('batch', s.label, s.value))

// ---- I/O ----

const jarState = (jar: string) => {
  if (!existsSync(jar)) return 'missing'
  try { checkJarFile(jar); return undefined } catch (e) { return `is broken (${(e as Error).message})` }
}
const readText = (p: string | undefined) => { try { return p ? readFileSync(p, 'utf8') : undefined } catch { return undefined } }

/** Where java, docker and nextflow are, and what java says of its version. */
async function toolFacts(root: string, env: Env): Promise<ToolFacts> {
  const at: ToolFacts['at'] = {}
  for (const t of ['java', 'docker', 'nextflow'] as const) at[t] = findTool(t, root, env)
  const java = at.java ? await probeJava(env) : undefined
  return { at, javaText: java?.text, launcherText: readText(at.nextflow) }
}

/** Complete plugin folders with their manifests, and the stray entries, of a plugins dir. */
function readPluginsDir(dir: string): { installed: Map<string, Record<string, string>>; strays: string[] } {
  const strays = strayEntries(dir)
  const installed = new Map<string, Record<string, string>>()
  if (existsSync(dir)) for (const f of readdirSync(dir)) if (!strays.includes(f)) installed.set(f, readManifest(join(dir, f)) ?? {})
  return { installed, strays }
}

/** The plugins group for pipeline `name`: its config as Prod runs it (`-profile test,docker`), plugins.list, the plugins dir. */
export function checkPlugins(root: string, name: string, env: Env): Item[] {
  let dir: string
  try { dir = pluginsDirOf(env) } catch (e) { return [fail('plugins', 'plugins dir', (e as Error).message)] }
  const items: Item[] = []
  let list: PluginRef[] = []
  const listFile = join(root, 'plugins.list')
  if (existsSync(listFile)) {
    try { list = parsePluginsList(readFileSync(listFile, 'utf8'), 'plugins.list') } catch (e) { items.push(fail('plugins', 'plugins.list', (e as Error).message)) }
  }
  const { needs, problems } = readPipelineNeeds(root)
  const mine = needs.find((n) => n.name === name)
  const broken = problems.filter((x) => x.includes(`pipelines/${name}/${name}/`))
  for (const pr of broken) items.push(fail('plugins', `pipelines/${name} config`, pr))
  if (!mine && !broken.length) items.push(fail('plugins', `pipelines/${name}/${name}/nextflow.config`, 'missing, so its plugins are not known; run: just down'))
  const amazon = mine && (amazonReason(mine) ?? (batchRequested(env) ? 'executor awsbatch' : undefined))
  return [...items, ...pluginChecks({ declared: mine?.plugins ?? [], amazon, list, dir, nxfVer: env.NXF_VER, ...readPluginsDir(dir) })]
}

// ---- sections: what check.ts prints, group by group ----

export interface Section { title: string; lines: string[]; items: Item[] }
export const section = (title: string, items: Item[]): Section => ({ title, lines: items.map(formatItem), items })

/** Files made from another release than the staged one (test.config, inputs3.csv, images.txt): shown only when there are some. */
export function revisionSection(dir: string, name: string, env: Env): Section | undefined {
  const id = stagedIdentity(dir, env.REVISION)
  const stale = id ? findStale(dir, name, id) : []
  return stale.length ? section('revision', stale.map((s) => fail('revision', s.file, describeStale(s, id!, name).replace(/^\S+ /, '')))) : undefined
}

/** Plugins, framework and tools (and Batch's settings when NXF_EXECUTOR=awsbatch): all local, no network. */
export async function localSections(root: string, name: string, env: Env): Promise<Section[]> {
  let dir = ''
  try { dir = ` in ${pluginsDirOf(env)}` } catch { /* the plugins group says why */ }
  return [
    section(`plugins${dir}`, checkPlugins(root, name, env)),
    section('framework', [frameworkCheck(env, jarState)]),
    section('tools', toolChecks(env, await toolFacts(root, env))),
    ...(batchRequested(env) ? [section('batch', batchChecks(env))] : []),
  ]
}

/** The S3 data group: each object with its size (data-check's lines), counted one item each; S3 errors are one failed item. */
export async function dataSection(staged: string, name: string, env: Env): Promise<Section> {
  // loaded here only: the S3 SDK costs a tenth of a second at start, which `--local` skips
  const [{ checkData, formatCheck, profileRefs }, { makeS3Client }] = await Promise.all([import('../mirror/data-check.js'), import('../s3/client.js')])
  const refs = profileRefs(staged, name)   // a pipeline not mirrored yet is fatal: nothing to check
  const client = makeS3Client(env)
  try {
    const data = await checkData(client, refs)
    // each missing object names the fix, like every other item: mirror copies what S3 lacks, up ships the rewritten config
    const fix = `run: just mirror ${name} (Dev), then just up (Dev)`
    const lines = formatCheck(data).map((l) => l.startsWith('✗ ') ? `${l}; ${fix}` : l)
    const items = [...data.found.map((f) => pass('data', f.ref.uri)), ...data.missing.map((r) => fail('data', r.uri, `missing; ${fix}`))]
    return { title: 'data', lines, items }
  } catch (e) {
    if (!(e instanceof UserError)) throw e
    return section('data', [fail('data', 'S3 data', e.message)])
  } finally {
    client.destroy()
  }
}

/** pipelines/<name>/images.txt as `just images` wrote it, else the images library's list of the staged code. */
export async function pipelineImages(dir: string, staged: string): Promise<{ images: string[]; from: string }> {
  const file = join(dir, 'images.txt')
  if (existsSync(file)) return { images: readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean), from: 'images.txt' }
  const { analysePipeline } = await import('../images/config.js')
  return { images: analysePipeline(staged).images.map((e) => e.image), from: 'the staged config (just images writes images.txt)' }
}

/** Each image asked of REGISTRY_PROXY (manifest HEAD), as `just images --check` does. */
export async function imagesSection(dir: string, staged: string, env: Env): Promise<Section> {
  if (!env.REGISTRY_PROXY) return section('images', [fail('images', 'images', 'REGISTRY_PROXY is not set; add it to env/System-ENV (the registry Prod pulls through)')])
  const { images, from } = await pipelineImages(dir, staged)
  if (!images.length) return section('images', [fail('images', 'images', `no image found in ${from}; run: just images`)])
  const { checkImages } = await import('../images/registry.js')
  const byImage = new Map<string, Item>()
  for await (const r of checkImages(images, env)) {
    byImage.set(r.image, r.ok ? pass('images', `image ${r.image}`, r.digest) : fail('images', `image ${r.image}`, r.reason ?? 'failed'))
  }
  return section(`images via ${env.REGISTRY_PROXY}, from ${from}`, images.map((i) => byImage.get(i)!))
}
