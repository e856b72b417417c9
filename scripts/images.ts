// images: list the Docker images a staged pipeline uses under -profile docker; writes pipelines/<name>/images.txt.
import { join } from 'node:path'
import { describeError, main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { writeFileAtomic } from './lib/core/fsx.js'
import { describeUnresolved, imagesJson, imagesText, stagedCode } from './lib/images/report.js'
import { analysePipeline } from './lib/images/config.js'
import { recordDerived } from './lib/stage/derived.js'

await main('images', {
  usage: 'just images [<name>] [--json] [--check]',
  about: 'list the Docker images a staged pipeline uses under -profile docker; writes pipelines/<name>/images.txt',
  flags: { json: 'print a JSON document', check: 'ask REGISTRY_PROXY for each image instead of listing' },
  positionals: 1,
  vars: ['PIPELINE', 'REGISTRY_PROXY', 'REGISTRY_USER', 'REGISTRY_PASSWORD', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'],
}, async (args) => {
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true, lock: true })   // it writes images.txt
  const report = analysePipeline(stagedCode(ctx))

  // 1. the list, kept beside the pipeline for later steps (written whole or not at all)
  // (a folder it cannot write: the list is still printed, with one line saying what was not written)
  await writeFileAtomic(join(ctx.dir!, 'images.txt'), imagesText(report))
    .then(() => recordDerived(ctx.dir!, 'images.txt', ctx.env.REVISION, imagesText(report)))   // the release it lists
    .catch((e) => process.stderr.write(`images: warning: pipelines/${ctx.pipeline}/images.txt not written: ${describeError(e)}\n`))

  // 2. stdout: the list or the JSON document; what could not be resolved goes to stderr
  if (!args.flags.check) process.stdout.write(args.flags.json ? imagesJson(report) : imagesText(report))
  if (report.unresolved.length && !args.flags.json) {
    process.stderr.write(`images: ${report.unresolved.length} declaration(s) could not be resolved statically:\n`)
    for (const u of report.unresolved) process.stderr.write(`  ${describeUnresolved(u)}\n`)
  }
  if (!report.images.length && !report.unresolved.length) process.stderr.write('images: no container declaration found under -profile docker\n')
  for (const p of report.problems ?? []) process.stderr.write(`images: config: ${p}\n`)
  if (!args.flags.check) return

  // 3. --check: ask REGISTRY_PROXY for each image
  if (!ctx.env.REGISTRY_PROXY) throw new UserError('REGISTRY_PROXY is not set; add it to env/System-ENV (the registry Prod pulls through)')
  const { checkImages } = await import('./lib/images/registry.js')   // loaded only here: keeps the plain listing fast
  let failed = 0
  for await (const r of checkImages(report.images.map((e) => e.image), ctx.env)) {
    if (r.ok) console.log(`✓ ${r.image} ${r.digest ?? ''}`.trimEnd())
    else { failed++; console.log(`✗ ${r.image}: ${r.reason ?? 'failed'}`) }
  }
  console.log(`done: ${report.images.length - failed} ok, ${failed} failed`)
  return failed ? 1 : 0
})
