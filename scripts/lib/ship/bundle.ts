// toolkit-bundle: what `just ship` uploads so the toolkit runs on a Prod host with node but no node_modules.
import { closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { delimiter, dirname, join } from 'node:path'
import { UserError } from '../core/cli.js'
import type { Env } from '../core/env.js'
import { sweepTemps, tmpName } from '../core/fsx.js'

/** One file of the bundle: a path in the toolkit copied as is, or generated text (dated like `mtimeOf`). */
export interface BundleFile { rel: string; src?: string; text?: string; mtimeOf?: string }

/**
 * A pipeline folder ships its own top-level files (Pipeline-ENV, test.config, inputs3.csv, images.txt,
 * justfile) but no folders: the staged code travels with `just up`, work/ and results/ not at all.
 */
export function shipsFromPipelineFolder(name: string, isFile: boolean): boolean {
  return isFile && !name.startsWith('.') && !name.endsWith('.log') && !/\.tmp-/.test(name)
}

/** The bundles are ES modules: a package.json beside them makes node read them so with no other package.json up the tree. */
export const DIST_PACKAGE_JSON = '{ "type": "module" }\n'

/** PURE: the bundle's layout from what the toolkit holds (names relative to the toolkit root). */
export function bundleLayout(have: { scripts: string[]; env: string[]; pipelines: Record<string, string[]>; extras: string[] }, justBin: string): BundleFile[] {
  const files: BundleFile[] = [
    ...have.scripts.filter((f) => f.endsWith('.js')).sort().map((f) => ({ rel: `dist/scripts/${f}`, src: `dist/scripts/${f}` })),
    { rel: 'dist/package.json', text: DIST_PACKAGE_JSON },
    { rel: 'justfile', src: 'justfile' },
    { rel: 'pipelines/pipeline.just', src: 'pipelines/pipeline.just' },
    ...have.env.sort().map((f) => ({ rel: `env/${f}`, src: `env/${f}` })),
    ...have.extras.sort().map((f) => ({ rel: f, src: f })),
    { rel: 'bin/just', src: justBin },
  ]
  for (const [name, list] of Object.entries(have.pipelines).sort()) {
    for (const f of [...list].sort()) {
      const rel = `pipelines/${name}/${f}`
      // justfile is a link to ../pipeline.just: S3 gets a copy, which finds the root on its own (see pipeline.just)
      files.push({ rel, src: rel })
    }
  }
  return files
}

const MAGIC = ['7f454c46', 'cffaedfe', 'feedfacf', 'cafebabe', 'cefaedfe']

/** True for an ELF or Mach-O executable (not the npm package's node launcher script). */
export function isNativeBinary(head: Buffer): boolean {
  return MAGIC.includes(head.subarray(0, 4).toString('hex'))
}

// ---- I/O ----

function nativeAt(path: string | undefined): string | undefined {
  if (!path || !existsSync(path)) return undefined
  const real = realpathSync(path)
  const fd = openSync(real, 'r')
  try {
    const head = Buffer.alloc(4)
    readSync(fd, head, 0, 4, 0)
    return isNativeBinary(head) ? real : undefined
  } finally { closeSync(fd) }
}

/** The `just` binary to ship: JUST_BIN, the npm package's platform binary, or `just` on PATH. */
export function findJust(root: string, env: Env): string {
  if (env.JUST_BIN) {
    const bin = nativeAt(env.JUST_BIN)
    if (!bin) throw new UserError(`JUST_BIN=${env.JUST_BIN} is not a just binary`)
    return bin
  }
  const arch = process.arch === 'arm' ? 'armv7' : process.arch
  let pkg: string | undefined
  try { pkg = createRequire(join(root, 'package.json')).resolve(`rust-just-${process.platform}-${arch}/bin/just`) } catch { /* not installed */ }
  const found = nativeAt(join(root, 'node_modules/.bin/just')) ?? nativeAt(pkg)
    ?? (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => nativeAt(join(d, 'just'))).find(Boolean)
  if (!found) throw new UserError('no just binary to ship; run `npm ci` here, or set JUST_BIN=/path/to/just')
  return found
}

/** What the toolkit at `root` holds, in the shape bundleLayout takes. */
export function scanToolkit(root: string): Parameters<typeof bundleLayout>[0] {
  const ls = (d: string) => existsSync(join(root, d)) ? readdirSync(join(root, d)) : []
  const isFile = (p: string) => statSync(join(root, p), { throwIfNoEntry: false })?.isFile() ?? false
  const scripts = ls('dist/scripts').filter((f) => f.endsWith('.js') && !/\.tmp-/.test(f))
  if (!scripts.length) throw new UserError(`no bundled scripts in ${join(root, 'dist/scripts')}; run \`npm run build\` first`)
  const pipelines: Record<string, string[]> = {}
  for (const name of ls('pipelines')) {
    if (!lstatSync(join(root, 'pipelines', name)).isDirectory()) continue
    pipelines[name] = ls(`pipelines/${name}`).filter((f) => shipsFromPipelineFolder(f, isFile(`pipelines/${name}/${f}`)))
  }
  return {
    scripts,
    env: ls('env').filter((f) => isFile(`env/${f}`) && !f.startsWith('.')),
    pipelines,
    extras: ['plugins.list', 'README.md', 'new_repo.sh'].filter(isFile),
  }
}

/**
 * Lay the bundle out as links under a fresh temp dir (the sync follows them, so files are not
 * copied and their mtimes stay the originals'); generated files get their source's or a fixed mtime,
 * so a second ship is a no-op.
 */
export function stageBundle(root: string, files: BundleFile[], parent: string): string {
  mkdirSync(parent, { recursive: true })
  sweepTemps(parent)
  const dir = tmpName(join(parent, 'toolkit'))
  for (const f of files) {
    const dest = join(dir, f.rel)
    mkdirSync(dirname(dest), { recursive: true })
    if (f.text !== undefined) {
      writeFileSync(dest, f.text)
      const t = f.mtimeOf ? statSync(join(root, f.mtimeOf)).mtime : new Date(1_700_000_000_000)
      utimesSync(dest, t, t)
    } else symlinkSync(f.src!.startsWith('/') ? f.src! : join(root, f.src!), dest)
  }
  return dir
}

export const removeStaged = (dir: string) => rmSync(dir, { recursive: true, force: true })
