// build: bundle each scripts/<command>.ts into a self-contained dist/scripts/<command>.js (fast start,
// and the same files run on the Prod host, which has node but no node_modules); make `just` the binary.
import { build } from 'esbuild'
import { readdirSync, existsSync, lstatSync, rmSync, symlinkSync, mkdirSync, writeFileSync, renameSync } from 'node:fs'
import { join, dirname, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRequire } from 'node:module'

const root = dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const entries = readdirSync(join(root, 'scripts'))
  .filter((f) => f.endsWith('.ts') && (only.length === 0 || only.includes(f.replace(/\.ts$/, ''))))

// One failing entry must not stop the others from building; the exit code still reports it.
// Each bundle is written to a temp name and renamed, so a running script never reads a half-written one.
// up and down are built together with code splitting: the AWS SDK lands in `_*.js` chunks that a no-op sync
// never loads (it lists and compares over plain SigV4; the SDK is imported only when a file must move).
const SPLIT = ['up.ts', 'down.ts']
mkdirSync(join(root, 'dist/scripts'), { recursive: true })
const common = {
  bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'error',
  mainFields: ['module', 'main'], minifyWhitespace: true, minifySyntax: true,
  external: ['s3rver'],   // only the demo uses it, and only on a Dev machine with node_modules
  // the AWS SDK warns on every Node 20 process; the toolkit pins Node 20, so the notice is noise
  define: { 'process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED': '"true"' },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  write: false,
}
const writeAll = (r) => {
  for (const o of r.outputFiles) {
    const tmp = `${o.path}.tmp-${process.pid}`
    writeFileSync(tmp, o.contents)
    renameSync(tmp, o.path)
  }
  return r
}
const split = entries.some((f) => SPLIT.includes(f))
const results = await Promise.allSettled([
  ...entries.filter((f) => !SPLIT.includes(f)).map((f) => build({
    ...common, entryPoints: [join(root, 'scripts', f)], outfile: join(root, 'dist/scripts', f.replace(/\.ts$/, '.js')),
  }).then(writeAll)),
  ...(split ? [build({
    ...common, entryPoints: SPLIT.map((f) => join(root, 'scripts', f)), outdir: join(root, 'dist/scripts'), splitting: true, chunkNames: '_[name]-[hash]',
  }).then(writeAll).then((r) => {
    // chunks of earlier builds that no script imports any more
    const now = new Set(r.outputFiles.map((o) => o.path))
    for (const f of readdirSync(join(root, 'dist/scripts'))) if (/^_.*\.js$/.test(f) && !now.has(join(root, 'dist/scripts', f))) rmSync(join(root, 'dist/scripts', f))
  })] : []),
])
const failed = results.filter((r) => r.status === 'rejected').length
if (failed) console.error(`build: ${failed} of ${results.length} builds failed`)

// The npm `just` launcher is a node process (~0.3 s) that turns `3.10` into `3.1`: point the bin at
// the platform binary instead, so `npx just` and node_modules/.bin on PATH get the real thing.
try {
  const req = createRequire(import.meta.url)
  const arch = process.arch === 'arm' ? 'armv7' : process.arch
  const bin = req.resolve(`rust-just-${process.platform}-${arch}/bin/just`)
  const link = join(root, 'node_modules/.bin/just')
  if (existsSync(join(root, 'node_modules/.bin'))) {
    if (existsSync(link) || lstatSync(link, { throwIfNoEntry: false })) rmSync(link)
    symlinkSync(relative(dirname(link), bin), link)
  }
} catch { /* no platform binary: the npm launcher stays */ }
process.exitCode = failed ? 1 : 0
