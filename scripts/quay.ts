// quay: fail unless every Docker image of a staged pipeline is hosted on quay.io (what Prod's registry proxies).
import { main } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { declared, describeUnresolved, quayVerdict, stagedCode } from './lib/images/report.js'
import { analysePipeline } from './lib/images/config.js'

await main('quay', {
  usage: 'just quay [<name>] [--allow-unresolved]',
  about: 'fail unless every Docker image of a staged pipeline is on quay.io (what Prod\'s registry proxies)',
  flags: { 'allow-unresolved': 'accept declarations that cannot be resolved statically' },
  positionals: 1,
  vars: ['PIPELINE'],
}, async (args) => {
  const ctx = loadContext(args, { positionalPipeline: true, needPipeline: true })
  const allow = args.flags['allow-unresolved'] === true
  const v = quayVerdict(analysePipeline(stagedCode(ctx)), allow)

  // each offender with where it is declared, then one verdict line
  for (const e of v.offenders) console.log(`✗ ${e.image} (${e.registry}) declared in ${declared(e)}`)
  for (const u of v.unresolved) console.log(`? ${describeUnresolved(u)}`)
  if (v.ok) {
    const note = v.unresolved.length ? ` (${v.unresolved.length} unresolved declaration(s) allowed)` : ''
    console.log(`quay: all ${v.total} images of ${ctx.pipeline} are on quay.io${note}`)
    return 0
  }
  const why = [
    v.offenders.length ? `${v.offenders.length} of ${v.total} images are not on quay.io` : '',
    v.unresolved.length ? `${v.unresolved.length} declaration(s) unresolved${allow ? '' : ' (--allow-unresolved to accept them)'}` : '',
  ].filter(Boolean).join('; ')
  const other = v.total || v.unresolved.length ? 'an unresolved declaration names a registry other than quay.io' : 'no container declaration found under -profile docker'
  process.stderr.write(`quay: ${ctx.pipeline}: ${why || other}\n`)
  return 1
})
