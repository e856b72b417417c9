// plugins: install plugins.list and what staged pipelines pin, and Nextflow itself for NXF_VER, without Nextflow; sync to S3.
import { join } from 'node:path'
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { readTextOr } from './lib/core/fsx.js'
import { installAll, pluginsDirOf, strayEntries, summaryLine } from './lib/plugins/batch.js'
import { pipelinePlugins } from './lib/plugins/pipelines.js'
import { fetchNextflow } from './lib/plugins/framework.js'
import { pullPlugins, pushPlugins } from './lib/plugins/sync.js'
import { parsePluginsList } from './lib/plugins/list.js'

const FLAGS = ['sync', 'down', 'delete']

await main('plugins', {
  usage: 'just plugins [--no-sync] [--down] [--delete]',
  about: 'install plugins.list and what staged pipelines pin (no Nextflow needed), and Nextflow itself for NXF_VER from NXF_BASE; sync to S3; --down on Prod (launcher to bin/nextflow)',
  flags: { 'no-sync': 'install only; do not sync to S3', down: 'Prod: pull the plugins and Nextflow from S3; the launcher becomes bin/nextflow', delete: 'also remove what the source no longer has' },
  vars: ['NXF_HOME', 'NXF_VER', 'NXF_BASE', 'NXF_EXECUTOR', 'NXF_PLUGINS_DIR', 'NXF_PLUGINS_INDEX_URL', 'NXF_PLUGINS_REGISTRY_URL', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'],
}, async (args) => {
  const unknown = Object.keys(args.flags).filter((f) => !FLAGS.includes(f))
  if (unknown.length || args._.length) throw new UserError(`unknown argument ${unknown.length ? `--${unknown[0]}` : args._[0]}; use [--no-sync] [--down] [--delete]`)
  const ctx = loadContext(args, { lock: 'root' })
  const warn = (text: string) => process.stderr.write(`warning: ${text}\n`)

  // Prod: S3 → plugins dir and framework/<NXF_VER>, whose launcher becomes bin/nextflow; nothing else
  if (args.flags.down) return void await pullPlugins(ctx, { delete: args.flags.delete === true })

  // 1. the list: every entry pinned
  const listFile = join(ctx.root, 'plugins.list')
  const text = readTextOr(listFile, `no ${listFile}; write one, e.g. nf-amazon@2.9.3,nf-validation@1.1.3`)
  const list = parsePluginsList(text, 'plugins.list')

  // 2. plus what each staged pipeline pins (and nf-amazon for S3 inputs), one line per plugin added
  const { refs, added, warnings } = pipelinePlugins(ctx.root, list, ctx.env)
  for (const l of added) console.log(l)

  // 3. install what is missing, one line per plugin; then Nextflow's launcher and jar of NXF_VER
  const pluginsDir = pluginsDirOf(ctx.env)
  const results = await installAll(refs, pluginsDir, { env: ctx.env, line: (l) => console.log(l), warn })
  const nextflowOk = await fetchNextflow(ctx.env, (l) => console.log(l))

  // 4. what offline Nextflow will trip on: strays in the dir, declarations we cannot satisfy
  for (const f of strayEntries(pluginsDir)) warn(`${join(pluginsDir, f)} is not a plugin folder; offline Nextflow fails on it ("Cannot find the manifest path"): remove it`)
  for (const w of warnings) warn(w)
  console.log(summaryLine(results, pluginsDir))
  if (results.some((r) => r.status === 'failed') || !nextflowOk) return 1

  // 5. S3: the plugins dir and framework/<NXF_VER> (launcher and jar)
  if (args.flags.sync !== false) await pushPlugins(ctx, { delete: args.flags.delete === true })
})
