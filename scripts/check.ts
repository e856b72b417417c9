// check: is this host ready to run the pipeline offline? S3 test data, plugins, framework jar, tools [, Batch, images]; each miss names its fix; exit 1 on any.
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { dataSection, imagesSection, localSections, revisionSection, type Section, verdict } from './lib/run/readiness.js'

const FLAGS = ['images', 'local', 'data']

await main('check', {
  usage: 'just check [--local | --data] [--images]',
  about: 'is this host ready to run the pipeline offline? S3 test data, plugins, framework jar, tools (java version), Batch settings [, images]; each miss names the command that fixes it; exit 1 on any',
  flags: { local: 'skip the S3 data (no network)', data: 'only the S3 data (Dev, right after mirror)', images: 'also ask REGISTRY_PROXY for each image' },
  positionals: 1,
  vars: ['PIPELINE', 'NXF_HOME', 'NXF_VER', 'NXF_PLUGINS_DIR', 'NXF_WORK', 'NXF_EXECUTOR', 'BATCH_*', 'JAVA_HOME', 'NXF_JAVA_HOME', 'REGISTRY_PROXY', 'REGISTRY_USER', 'REGISTRY_PASSWORD', 'S3_ROOT', 'S3_CONCURRENCY', 'AWS_*', 'NF_OFFLINE_CACHE', 'PATH'],
}, async (args) => {
  const unknown = Object.keys(args.flags).filter((f) => !FLAGS.includes(f))
  if (unknown.length) throw new UserError(`unknown option --${unknown[0]}; use [--local | --data] [--images]`)
  if (args.flags.local && args.flags.data) throw new UserError('--local skips the S3 data and --data checks only it; use one')
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true })
  const name = ctx.pipeline!
  const sections: Section[] = []

  // 0. files made for another release than the staged one: never ready
  const stale = revisionSection(ctx.dir!, name, ctx.env)
  if (stale) sections.push(stale)

  // 1. data: every S3 object the mirrored test profile and inputs3.csv name (--local: skipped)
  if (!args.flags.local) sections.push(await dataSection(ctx.staged!, name, ctx.env))

  // 2. local, no network: plugins at their pinned versions and no strays, the framework jar, java/docker/nextflow
  // (--data: skipped, for the Dev host right after mirror)
  if (!args.flags.data) sections.push(...await localSections(ctx.root, name, ctx.env))

  // 3. --images: each image through REGISTRY_PROXY
  if (args.flags.images) sections.push(await imagesSection(ctx.dir!, ctx.staged!, ctx.env))

  // one group after the other, then the verdict
  for (const s of sections) console.log([`[${s.title}]`, ...s.lines].join('\n'))
  const items = sections.flatMap((s) => s.items)
  console.log(verdict(items))
  return items.every((i) => i.ok) ? 0 : 1
})
