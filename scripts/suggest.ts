// suggest: which of a pipeline's newest releases use only quay.io images (newest first): suggest rnaseq [N].
import { main, UserError } from './lib/core/cli.js'
import { loadContext } from './lib/core/context.js'
import { listReleases } from './lib/stage/github.js'
import { judgeReleases, verdictLine } from './lib/images/suggest.js'
import { cacheDir } from './lib/core/paths.js'

await main('suggest', {
  usage: 'just suggest <name> [N] [--allow-unresolved]',
  about: "which of a pipeline's N newest releases (default 10) use only quay.io images, newest first",
  flags: { 'allow-unresolved': 'accept declarations that cannot be resolved statically' },
  positionals: 2,
  vars: ['PIPELINE', 'N', 'GITHUB_URL', 'GITHUB_API_URL', 'GITHUB_TOKEN', 'NF_OFFLINE_CACHE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'],
}, async (args) => {
  // `suggest rnaseq 5`, `suggest PIPELINE=rnaseq 5`, `suggest rnaseq N=5`: N is the one all-digit word
  const count = args.vars.N ?? args._.find((w) => /^\d+$/.test(w))
  const ctx = loadContext({ ...args, _: args._.filter((w) => w !== count) }, { positionalPipeline: true, needPipeline: true })
  const n = count === undefined ? 10 : Number(count)
  if (!Number.isInteger(n) || n < 1) throw new UserError(`N must be a positive number of releases, not '${count}'`)
  const name = ctx.pipeline!

  // 1. the newest N releases, as GitHub lists them
  const releases = await listReleases(ctx.env, name, n)
  if (releases.length === 0) throw new UserError(`nf-core/${name} has no releases`)
  console.log(`nf-core/${name}: checking the ${releases.length} newest releases: ${releases.map((r) => r.tag).join(' ')}`)

  // 2. each release's images, archives fetched in parallel and cached; verdicts print as they come
  const verdicts = await judgeReleases(ctx.env, cacheDir(ctx.root, ctx.env), name, releases,
    args.flags['allow-unresolved'] === true, (v) => console.log(verdictLine(v)))

  // 3. the answer: quay-only releases, newest first
  const good = verdicts.filter((v) => v.verdict?.ok).map((v) => v.tag)
  console.log(good.length ? `quay-only releases, newest first: ${good.join(' ')}` : `none of the ${releases.length} newest releases is quay-only`)
  return verdicts.some((v) => v.error) ? 1 : 0
})
